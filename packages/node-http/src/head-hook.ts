import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

type Fields = OutgoingHttpHeaders | readonly (string | number | readonly string[])[] | undefined;

let slowPathAppends: boolean | undefined;

/**
 * How this Node folds a field list given to `writeHead(status, [name, value, …])` into headers
 * already set with `setHeader()`: Node 20 sets each pair (a repeated name keeps its last value),
 * later versions remove the names and append every value. Asked once, of Node itself (a throwaway
 * response of the same class, which needs no socket to store a head), so the fold below gives
 * the same head Node would have written without the hook. Nothing from Node is imported at run
 * time: this file also loads off Node (see host.ts).
 */
function foldAppends(res: ServerResponse): boolean {
  if (slowPathAppends === undefined) {
    const Response = res.constructor as typeof ServerResponse;
    const probe = new Response({
      method: 'GET',
      httpVersionMajor: 1,
      httpVersionMinor: 1,
      headers: {},
    } as IncomingMessage);
    probe.setHeader('x-probe', 'set');
    probe.writeHead(200, ['x-probe-list', '1', 'x-probe-list', '2']);
    slowPathAppends = Array.isArray(probe.getHeader('x-probe-list'));
  }
  return slowPathAppends;
}

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
  const writeHead = res.writeHead as WriteHead;
  // Dropped once called: the response outlives its request (in a keep-alive socket's last write,
  // or anywhere V8 keeps it until a full collection), and should not keep the listener's graph
  // (a whole request context, on Hono the framework's too) alive with it.
  let pending: (() => void) | undefined = listener;
  res.writeHead = function headHook(this: ServerResponse, ...args: unknown[]): ServerResponse {
    const hook = pending;
    if (hook === undefined) return writeHead.apply(this, args);
    pending = undefined;
    return writeHeadAfter(this, writeHead, hook, args);
  } as typeof res.writeHead;
}

/** Responses waiting for their head on a prototype hooked by `onResponseHeadOf`. */
const waiting = new WeakMap<ServerResponse, () => void>();
const hooked = new WeakSet<object>();

/**
 * `onResponseHead` for a response whose prototype is `proto`, an application's own response
 * prototype (Express's per-app `app.response`), without adding a property to the response.
 *
 * Express swaps every response's prototype to `app.response` (`Object.setPrototypeOf`), and V8
 * then builds a new hidden class for the first property added to that response: about 6 µs per
 * request for the own `writeHead` above, on every request, against 0.2 µs on a plain response.
 * Here `proto` gets one `writeHead` of its own, once, which looks up what it wraps at call time
 * (so a wrapper installed later on `http.ServerResponse.prototype`, an APM agent's, still sees
 * every response) and runs the listener only for responses registered here; other apps' and
 * unregistered responses pass straight through.
 */
export function onResponseHeadOf(proto: object, res: ServerResponse, listener: () => void): void {
  if (!hooked.has(proto)) hookPrototype(proto);
  waiting.set(res, listener);
}

function hookPrototype(proto: object): void {
  hooked.add(proto);
  const own = Object.getOwnPropertyDescriptor(proto, 'writeHead')?.value as WriteHead | undefined;
  Object.defineProperty(proto, 'writeHead', {
    configurable: true,
    writable: true,
    value: function headHook(this: ServerResponse, ...args: unknown[]): ServerResponse {
      const writeHead = own ?? (Object.getPrototypeOf(proto) as { writeHead: WriteHead }).writeHead;
      const hook = waiting.get(this);
      if (hook === undefined) return writeHead.apply(this, args);
      waiting.delete(this);
      return writeHeadAfter(this, writeHead, hook, args);
    },
  });
}

type WriteHead = (this: ServerResponse, ...args: unknown[]) => ServerResponse;

/** Folds `writeHead`'s own status and fields into `res`, runs `hook`, then writes the head. */
function writeHeadAfter(res: ServerResponse, writeHead: WriteHead, hook: () => void, args: unknown[]) {
  const status = args[0] as number;
  const message = typeof args[1] === 'string' ? args[1] : undefined;
  const fields = (message === undefined ? args[1] : args[2]) as Fields;
  if (fields) fold(res, fields);
  res.statusCode = status;
  hook();
  return message === undefined
    ? writeHead.call(res, res.statusCode)
    : writeHead.call(res, res.statusCode, message);
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
  if (bare || foldAppends(res)) {
    for (const [name] of pairs) if (bare || name) res.removeHeader(name);
    for (const [name, value] of pairs) if (bare || name) res.appendHeader(name, value as string | string[]);
    return;
  }
  for (const [name, value] of pairs) if (name) res.setHeader(name, value as string | string[]);
}
