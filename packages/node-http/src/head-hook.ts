import { IncomingMessage, type OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

type Fields = OutgoingHttpHeaders | readonly (string | number | readonly string[])[] | undefined;

/**
 * How this Node folds a field list given to `writeHead(status, [name, value, …])` into headers
 * already set with `setHeader()`: Node 20 sets each pair (a repeated name keeps its last value),
 * later versions remove the names and append every value. Asked once, of Node itself, so the
 * fold below gives the same head Node would have written without the hook.
 */
const SLOW_PATH_APPENDS = (() => {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  res.setHeader('x-probe', 'set');
  res.writeHead(200, ['x-probe-list', '1', 'x-probe-list', '2']);
  return Array.isArray(res.getHeader('x-probe-list'));
})();

/**
 * Calls `listener` once, inside `res.writeHead` — explicit, or the implicit one of the first
 * `write()`/`end()` — after `writeHead`'s own status and fields are in the response and before
 * anything is serialised, so the listener sees the final head and may still change it.
 *
 * The same per-response hook as jshttp's `on-headers` (what morgan, compression and
 * express-session use): `writeHead` of this one response is wrapped, no prototype is touched.
 * Unlike `on-headers`, the fields given to `writeHead` are folded exactly as Node would fold them
 * itself (a repeated name in a field list on a response that already has headers keeps its last
 * value on Node 20), so the head on the wire is byte for byte the one without the hook.
 */
export function onResponseHead(res: ServerResponse, listener: () => void): void {
  const writeHead = res.writeHead;
  let fired = false;
  res.writeHead = function headHook(this: ServerResponse, ...args: unknown[]): ServerResponse {
    if (fired) return (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
    fired = true;
    const status = args[0] as number;
    const message = typeof args[1] === 'string' ? args[1] : undefined;
    const fields = (message === undefined ? args[1] : args[2]) as Fields;
    if (fields) fold(this, fields);
    this.statusCode = status;
    listener();
    const write = writeHead as (...a: unknown[]) => ServerResponse;
    return message === undefined
      ? write.call(this, this.statusCode)
      : write.call(this, this.statusCode, message);
  } as typeof res.writeHead;
}

function fold(res: ServerResponse, fields: NonNullable<Fields>): void {
  if (!Array.isArray(fields)) {
    // No filtering: an empty name or an undefined value throws here exactly as Node would throw.
    for (const name of Object.keys(fields)) res.setHeader(name, (fields as OutgoingHttpHeaders)[name]!);
    return;
  }
  const pairs: [string, string | readonly string[]][] = [];
  if (fields.length > 0 && Array.isArray(fields[0])) {
    for (const entry of fields as unknown as [string, string][]) pairs.push([entry[0], entry[1]]);
  } else {
    if (fields.length % 2 !== 0) throw new TypeError('writeHead(): the headers array is malformed');
    for (let i = 0; i < fields.length; i += 2)
      pairs.push([String(fields[i]), fields[i + 1] as string | readonly string[]]);
  }
  // No header set yet: Node sends the list as given, every line kept, and refuses an empty name
  // in it. Headers already set: Node folds the list in and skips empty names (any other bad name
  // or value throws on every path, here as there).
  const bare = res.getHeaderNames().length === 0;
  if (SLOW_PATH_APPENDS || bare) {
    for (const [name] of pairs) if (bare || name) res.removeHeader(name);
    for (const [name, value] of pairs) if (bare || name) res.appendHeader(name, value as string | string[]);
    return;
  }
  for (const [name, value] of pairs) if (name) res.setHeader(name, value as string | string[]);
}
