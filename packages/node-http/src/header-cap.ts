import type { IncomingMessage } from 'node:http';

/** Node's default `maxHeaderPairs` (lib/_http_common.js): entries of `rawHeaders`, 1000 field lines. */
const NODE_DEFAULT_ENTRIES = 2000;

/**
 * True when Node may have dropped field lines of this request. Node's parser stops collecting
 * header lines once `rawHeaders` holds `2 × server.maxHeadersCount` entries (2000 entries, i.e.
 * 1000 lines, by default) and ignores the rest without an error (lib/_http_common.js
 * `parserOnHeaders`), so a line a proxy appended last — `X-Forwarded-For` — can vanish. A request
 * that reached the cap cannot be told apart from one that went past it: both count as cut.
 */
export function headersCut(req: IncomingMessage): boolean {
  const raw = req.rawHeaders.length;
  const max = (req.socket as { server?: { maxHeadersCount?: number | null } } | null)?.server
    ?.maxHeadersCount;
  const entries = typeof max === 'number' ? max * 2 : NODE_DEFAULT_ENTRIES;
  return entries > 0 && raw >= entries;
}
