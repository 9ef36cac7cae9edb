import { OutgoingMessage, ServerResponse } from 'node:http';

type Method = (this: ServerResponse, a?: unknown, b?: unknown, c?: unknown) => unknown;
type Patched = 'writeHead' | 'write' | 'end' | 'flushHeaders';
const PATCHED: readonly Patched[] = ['writeHead', 'write', 'end', 'flushHeaders'];
/** Headers that describe a downstream answer the chain replaced (RFC 9110 §8, §8.8, and cookies). */
const REPRESENTATION = [
  'content-encoding',
  'content-language',
  'content-location',
  'content-range',
  'content-disposition',
  'etag',
  'last-modified',
  'set-cookie',
  'transfer-encoding',
];

/** The hold of each response being held; a response not in it passes straight through. */
const holds = new WeakMap<ServerResponse, ResponseHold>();
/** Prototypes already given the interceptors. */
const patched = new WeakSet<object>();

/**
 * Installs the four interceptors on the prototype `res` inherits them from — once per
 * prototype, never on the response itself: adding own methods to every ServerResponse changes
 * its hidden class and de-optimises Node's and the framework's code for every response (we
 * measured ~25 µs per request on Express). The interceptors pass straight through for any
 * response that is not being held.
 *
 * The prototype patched is the one just above `ServerResponse.prototype` in `res`'s chain: for
 * Express that is `express.response`, shared by every app and sub-app, so a sub-app's writes are
 * held too. A plain ServerResponse (no framework prototype) cannot be held.
 */
function patchPrototypeOf(res: ServerResponse): boolean {
  let proto = Object.getPrototypeOf(res) as object | null;
  while (proto && Object.getPrototypeOf(proto) !== ServerResponse.prototype)
    proto = Object.getPrototypeOf(proto);
  if (!proto || proto === ServerResponse.prototype) return false;
  if (patched.has(proto)) return true;
  patched.add(proto);
  // While a held response's head is committed but not yet written, it counts as sent: code that
  // checks `headersSent` (Express's final handler, error handlers) must not answer a second time.
  const sent = Object.getOwnPropertyDescriptor(OutgoingMessage.prototype, 'headersSent');
  if (sent?.get) {
    const get = sent.get;
    Object.defineProperty(proto, 'headersSent', {
      configurable: true,
      get(this: ServerResponse) {
        const hold = holds.get(this);
        return hold?.committed === true || get.call(this);
      },
    });
  }
  const target = proto as Record<Patched, Method>;
  for (const name of PATCHED) {
    const original = target[name];
    target[name] = {
      [name](this: ServerResponse, a?: unknown, b?: unknown, c?: unknown) {
        const hold = holds.get(this);
        return hold === undefined ? original.call(this, a, b, c) : hold.call(name, original, a, b, c);
      },
    }[name];
  }
  return true;
}

/**
 * Holds a ServerResponse's head while the chain runs its outbound code.
 *
 * The downstream (Express routes, finalhandler…) commits its head synchronously with
 * `writeHead`/`write`/`end`, but Bouncer's outbound phase is `await next()`: a few microtasks
 * later. So the first commit only *announces* the head (`onHead`) and every call is queued
 * untouched until `release()` replays it. Only the head is held — the body is never copied or
 * re-streamed — and for the usual `res.end(body)` the hold lasts a few microtasks.
 */
export class ResponseHold {
  readonly #res: ServerResponse;
  #queue: Array<[Method, unknown, unknown, unknown, boolean]> | undefined;
  #onHead: (() => void) | undefined;
  /** 'holding' → queue; 'open' → pass through; 'discarding' → swallow. */
  #mode: 'open' | 'holding' | 'discarding' = 'open';
  /** True once the downstream has committed its head. */
  committed = false;
  #status: number | undefined;
  #ended = false;
  /** Body bytes queued while holding, and whether a write was told to wait for 'drain'. */
  #queuedBytes = 0;
  #owesDrain = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /**
   * Starts holding; `onHead` runs once, when the downstream commits its head. Returns false when
   * `res` has no framework prototype to intercept on (then nothing is held).
   */
  hold(onHead: () => void): boolean {
    if (!patchPrototypeOf(this.#res)) return false;
    holds.set(this.#res, this);
    this.#onHead = onHead;
    this.#mode = 'holding';
    return true;
  }

  /** Stops holding and replays the downstream's calls in order. */
  release(): void {
    if (this.#mode !== 'holding') return;
    this.#mode = 'open';
    holds.delete(this.#res);
    const queue = this.#queue;
    if (!queue) return;
    this.#queue = undefined;
    const res = this.#res;
    // The status the downstream committed with, even if something changed it afterwards.
    if (this.#status !== undefined) res.statusCode = this.#status;
    // A call that throws here (a bad chunk type, say) would have thrown in the downstream's own
    // call: the caller reports it and ends the connection.
    for (const [fn, a, b, c, head] of queue) {
      if (head) fn.call(res, res.statusCode);
      else fn.call(res, a, b, c);
    }
    // A writer told to wait while we held its chunks is owed a 'drain': from the socket if it is
    // now backed up, else from us.
    if (this.#owesDrain && !res.writableNeedDrain && !res.destroyed)
      process.nextTick(() => res.emit('drain'));
  }

  /**
   * Drops whatever the downstream wrote, now and later, and lets `write` answer instead
   * (the downstream's later writes are accepted and thrown away, never an error).
   */
  replace(write: () => void): void {
    this.#queue = undefined;
    if (this.#mode === 'open') {
      write();
      return;
    }
    if (this.committed) {
      // The downstream's answer is dropped: so are the headers that described it (its encoding,
      // its validators, a cookie it meant to set). The chain's answer brings its own.
      for (const name of REPRESENTATION) this.#res.removeHeader(name);
    }
    this.#mode = 'open';
    holds.delete(this.#res);
    try {
      write();
    } finally {
      this.#mode = 'discarding';
      holds.set(this.#res, this);
      // A writer waiting for 'drain' gets it, so it runs to its end into the discarded answer.
      if (this.#owesDrain) process.nextTick(() => this.#res.emit('drain'));
    }
  }

  /** @internal the prototype's interceptors call this for a held response */
  call(name: Patched, original: Method, a: unknown, b: unknown, c: unknown): unknown {
    const res = this.#res;
    if (this.#mode === 'open') return original.call(res, a, b, c);
    if (this.#mode === 'discarding' || this.#ended) {
      // Swallowed: a replaced answer's later writes, or writes after the downstream's own end()
      // (Node would refuse those; replaying them would corrupt the answer).
      const cb =
        typeof c === 'function' ? c : typeof b === 'function' ? b : typeof a === 'function' ? a : undefined;
      if (cb) queueMicrotask(cb as () => void);
      return name === 'write' ? true : name === 'flushHeaders' ? undefined : res;
    }
    if (name === 'writeHead') {
      // Fold writeHead's arguments into the header store, so outbound code can see and edit them.
      res.statusCode = a as number;
      if (typeof b === 'string') res.statusMessage = b;
      applyHeaders(res, typeof b === 'string' ? c : b);
      this.#enqueue(original, undefined, undefined, undefined, true);
    } else {
      this.#enqueue(original, a, b, c, false);
    }
    if (name === 'end') this.#ended = true;
    if (!this.committed) {
      this.committed = true;
      this.#status = res.statusCode;
      this.#onHead?.();
    }
    if (name === 'write') {
      // Backpressure while held: past the response's high-water mark, ask the writer to wait
      // for 'drain' (sent after the replay) instead of queueing without bound.
      this.#queuedBytes += chunkLength(a);
      if (this.#queuedBytes < res.writableHighWaterMark) return true;
      this.#owesDrain = true;
      return false;
    }
    return name === 'flushHeaders' ? undefined : res;
  }

  #enqueue(fn: Method, a: unknown, b: unknown, c: unknown, head: boolean): void {
    if (this.#queue === undefined) this.#queue = [];
    this.#queue.push([fn, a, b, c, head]);
  }
}

function chunkLength(chunk: unknown): number {
  if (typeof chunk === 'string') return chunk.length;
  return chunk && typeof (chunk as Uint8Array).byteLength === 'number' ? (chunk as Uint8Array).byteLength : 0;
}

function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (!headers) return;
  if (Array.isArray(headers)) {
    // Either [[name, value], …] or a flat [name, value, name, value, …] list.
    // As Node does: names given several times keep every value.
    const pairs: [string, string][] = Array.isArray(headers[0])
      ? (headers as [string, string][])
      : Array.from({ length: headers.length >> 1 }, (_, i) => [headers[2 * i], headers[2 * i + 1]]);
    for (const [k] of pairs) res.removeHeader(k);
    for (const [k, v] of pairs) res.appendHeader(k, v);
    return;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | number | string[]>)) {
    if (v !== undefined) res.setHeader(k, v);
  }
}
