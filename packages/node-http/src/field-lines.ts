// Node-free at run time: used by hosts that also run off Node (see host.ts).

import type { IncomingMessage } from 'node:http';

const NONE: readonly string[] = Object.freeze([]);

/** A request header (`name` lower-case), several field lines joined with `, ` as Node joins them. */
export function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return value === undefined || typeof value === 'string' ? value : value.join(', ');
}

/** A request header's field lines; absent, the common case, is answered from `headers` alone. */
export function requestHeaderLines(req: IncomingMessage, name: string): readonly string[] {
  return req.headers[name] === undefined ? NONE : fieldLines(req.rawHeaders, name);
}

/**
 * The field lines of one header, straight from `rawHeaders` (`name` lower-case). Cheaper than
 * `headersDistinct`, which copies every header of the request on first use, and unlike
 * `headers` it keeps the duplicates Node drops (a second `Authorization`, `Host`…).
 */
export function fieldLines(raw: readonly string[], name: string): readonly string[] {
  let out: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i];
    if (key.length !== name.length || (key !== name && key.toLowerCase() !== name)) continue;
    if (out === undefined) out = [];
    out.push(raw[i + 1]);
  }
  return out ?? NONE;
}
