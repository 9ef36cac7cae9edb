import type { ServerResponse } from 'node:http';

type Method = (...args: any[]) => any;
type Patched = 'writeHead' | 'write' | 'end' | 'flushHeaders';
const PATCHED: readonly Patched[] = ['writeHead', 'write', 'end', 'flushHeaders'];

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
  readonly #originals = new Map<Patched, Method>();
  readonly #wrappers = new Map<Patched, Method>();
  readonly #queue: Array<[Patched, unknown[]]> = [];
  #onHead: (() => void) | undefined;
  /** 'holding' → queue; 'open' → pass through; 'discarding' → swallow. */
  #mode: 'holding' | 'open' | 'discarding' = 'open';
  /** True once the downstream has committed its head. */
  committed = false;

  constructor(res: ServerResponse) {
    this.#res = res;
  }

  /** Starts holding; `onHead` runs once, when the downstream commits its head. */
  engage(onHead: () => void): void {
    this.#onHead = onHead;
    this.#mode = 'holding';
    const res = this.#res as unknown as Record<Patched, Method>;
    for (const name of PATCHED) {
      const original = res[name];
      this.#originals.set(name, original);
      const wrapper = (...args: unknown[]) => this.#call(name, args);
      this.#wrappers.set(name, wrapper);
      res[name] = wrapper;
    }
  }

  #call(name: Patched, args: unknown[]): unknown {
    const res = this.#res;
    if (this.#mode === 'open') return this.#originals.get(name)!.apply(res, args);
    if (this.#mode === 'discarding') {
      // The chain replaced this answer: accept the downstream's writes and drop them.
      const cb = args.findLast((a) => typeof a === 'function') as (() => void) | undefined;
      if (cb) queueMicrotask(cb);
    } else if (name === 'writeHead') {
      // Fold writeHead's arguments into the header store, so outbound code can see and edit them.
      const [status, second, third] = args as [number, unknown, unknown];
      res.statusCode = status;
      if (typeof second === 'string') res.statusMessage = second;
      applyHeaders(res, typeof second === 'string' ? third : second);
      this.#queue.push([name, []]);
    } else {
      this.#queue.push([name, args]);
    }
    if (!this.committed) {
      this.committed = true;
      this.#onHead?.();
    }
    return name === 'write' ? true : name === 'flushHeaders' ? undefined : res;
  }

  /** Stops holding and replays the downstream's calls in order. */
  release(): void {
    if (this.#mode !== 'holding') return;
    this.#mode = 'open';
    this.#unpatch();
    const res = this.#res;
    for (const [name, args] of this.#queue) {
      const fn = this.#originals.get(name)!;
      if (name === 'writeHead') fn.call(res, res.statusCode);
      else fn.apply(res, args);
    }
    this.#queue.length = 0;
  }

  /**
   * Drops whatever the downstream wrote, now and later, and lets `write` answer instead
   * (the downstream's later writes are accepted and thrown away, never an error).
   */
  replace(write: () => void): void {
    this.#queue.length = 0;
    const previous = this.#mode;
    this.#mode = 'open';
    try {
      write();
    } finally {
      if (previous !== 'open') this.#mode = 'discarding';
    }
  }

  #unpatch(): void {
    const res = this.#res as unknown as Record<Patched, Method>;
    for (const name of PATCHED) {
      // Someone may have wrapped us since (compression…): then our wrapper stays in their chain
      // and passes through in 'open' mode.
      if (res[name] !== this.#wrappers.get(name)) continue;
      const original = this.#originals.get(name)!;
      if (Object.getPrototypeOf(res)[name] === original) delete res[name];
      else res[name] = original;
    }
  }
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
