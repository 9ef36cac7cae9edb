import type { ServerResponse } from 'node:http';

type Method = (this: ServerResponse, a?: unknown, b?: unknown, c?: unknown) => unknown;
type Patched = 'writeHead' | 'write' | 'end' | 'flushHeaders';

const HOLD = Symbol('bouncer.hold');
type Held = ServerResponse & { [HOLD]: ResponseHold };

/**
 * Holds a ServerResponse's head while the chain runs its outbound code, and counts body bytes.
 *
 * The downstream (Express routes, finalhandler…) commits its head synchronously with
 * `writeHead`/`write`/`end`, but Bouncer's outbound phase is `await next()`: a few microtasks
 * later. So the first commit only *announces* the head (`onHead`) and every call is queued
 * untouched until `release()` replays it. Only the head is held — the body is never copied or
 * re-streamed — and for the usual `res.end(body)` the hold lasts a few microtasks.
 *
 * The four instance methods installed are shared functions (no closure per request); they stay
 * in place after `release()`, passing straight through (and counting bytes when asked).
 */
export class ResponseHold {
  readonly #res: ServerResponse;
  #writeHead: Method | undefined;
  #write: Method | undefined;
  #end: Method | undefined;
  #flushHeaders: Method | undefined;
  #queue: Array<[Patched, unknown, unknown, unknown]> | undefined;
  #onHead: (() => void) | undefined;
  /** 'holding' → queue; 'open' → pass through; 'discarding' → swallow. */
  #mode: 'idle' | 'holding' | 'open' | 'discarding' = 'idle';
  /** True once the downstream has committed its head. */
  committed = false;
  /** Body bytes handed to the response (counted while `counting`). */
  bytes = 0;
  counting = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /** Installs the interceptors (idempotent); the response then passes through until `hold()`. */
  install(): void {
    if (this.#mode !== 'idle') return;
    this.#mode = 'open';
    const res = this.#res as Held;
    res[HOLD] = this;
    this.#writeHead = res.writeHead as Method;
    this.#write = res.write as Method;
    this.#end = res.end as Method;
    this.#flushHeaders = res.flushHeaders as Method;
    res.writeHead = heldWriteHead as never;
    res.write = heldWrite as never;
    res.end = heldEnd as never;
    res.flushHeaders = heldFlushHeaders as never;
  }

  /** Starts holding; `onHead` runs once, when the downstream commits its head. */
  hold(onHead: () => void): void {
    this.install();
    this.#onHead = onHead;
    this.#mode = 'holding';
  }

  /** Stops holding and replays the downstream's calls in order. */
  release(): void {
    if (this.#mode !== 'holding') return;
    this.#mode = 'open';
    const queue = this.#queue;
    if (!queue) return;
    this.#queue = undefined;
    const res = this.#res;
    for (const [name, a, b, c] of queue) {
      if (name === 'writeHead') this.#writeHead!.call(res, res.statusCode);
      else this.#original(name).call(res, a, b, c);
    }
  }

  /**
   * Drops whatever the downstream wrote, now and later, and lets `write` answer instead
   * (the downstream's later writes are accepted and thrown away, never an error).
   */
  replace(write: () => void): void {
    this.#queue = undefined;
    const previous = this.#mode;
    if (previous === 'idle') {
      write();
      return;
    }
    this.#mode = 'open';
    try {
      write();
    } finally {
      if (previous !== 'open') this.#mode = 'discarding';
    }
  }

  #original(name: Patched): Method {
    return name === 'write'
      ? this.#write!
      : name === 'end'
        ? this.#end!
        : name === 'writeHead'
          ? this.#writeHead!
          : this.#flushHeaders!;
  }

  /** @internal the shared interceptors call this */
  call(name: Patched, a: unknown, b: unknown, c: unknown): unknown {
    const res = this.#res;
    if (this.counting && (name === 'write' || name === 'end') && this.#mode !== 'discarding')
      this.#count(a, b);
    if (this.#mode === 'open') return this.#original(name).call(res, a, b, c);
    if (this.#mode === 'discarding') {
      const cb =
        typeof c === 'function' ? c : typeof b === 'function' ? b : typeof a === 'function' ? a : undefined;
      if (cb) queueMicrotask(cb as () => void);
    } else if (name === 'writeHead') {
      // Fold writeHead's arguments into the header store, so outbound code can see and edit them.
      res.statusCode = a as number;
      if (typeof b === 'string') res.statusMessage = b;
      applyHeaders(res, typeof b === 'string' ? c : b);
      this.#enqueue(name, undefined, undefined, undefined);
    } else {
      this.#enqueue(name, a, b, c);
    }
    if (!this.committed) {
      this.committed = true;
      this.#onHead?.();
    }
    return name === 'write' ? true : name === 'flushHeaders' ? undefined : res;
  }

  #enqueue(name: Patched, a: unknown, b: unknown, c: unknown): void {
    if (this.#queue === undefined) this.#queue = [];
    this.#queue.push([name, a, b, c]);
  }

  #count(chunk: unknown, encoding: unknown): void {
    if (typeof chunk === 'string') {
      this.bytes += Buffer.byteLength(
        chunk,
        typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8',
      );
    } else if (chunk && typeof (chunk as Uint8Array).byteLength === 'number') {
      this.bytes += (chunk as Uint8Array).byteLength;
    }
  }
}

function heldWriteHead(this: Held, a?: unknown, b?: unknown, c?: unknown) {
  return this[HOLD].call('writeHead', a, b, c);
}
function heldWrite(this: Held, a?: unknown, b?: unknown, c?: unknown) {
  return this[HOLD].call('write', a, b, c);
}
function heldEnd(this: Held, a?: unknown, b?: unknown, c?: unknown) {
  return this[HOLD].call('end', a, b, c);
}
function heldFlushHeaders(this: Held) {
  return this[HOLD].call('flushHeaders', undefined, undefined, undefined);
}

/** The hold installed on `res`, if any. */
export function holdOf(res: ServerResponse): ResponseHold | undefined {
  return (res as Partial<Held>)[HOLD];
}

function applyHeaders(res: ServerResponse, headers: unknown): void {
  if (!headers) return;
  if (Array.isArray(headers)) {
    // Either [[name, value], …] or a flat [name, value, name, value, …] list.
    if (Array.isArray(headers[0])) {
      for (const [k, v] of headers as [string, string][]) res.setHeader(k, v);
    } else {
      for (let i = 0; i + 1 < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
    }
    return;
  }
  for (const [k, v] of Object.entries(headers as Record<string, string | number | string[]>)) {
    if (v !== undefined) res.setHeader(k, v);
  }
}
