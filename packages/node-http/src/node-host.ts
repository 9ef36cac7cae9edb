import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Host, HostFinish } from '@bouncer/core';
import { onResponseHead } from './head-hook';
import { headersCut } from './header-cap';
import { lendBody } from './lend-body';

/**
 * The core's `Host` over Node's own request/response pair. Express and Koa both sit on it;
 * Hono on @hono/node-server reaches the same objects through `c.env`.
 */
const NONE: readonly string[] = Object.freeze([]);

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

export class NodeHost implements Host {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly target: string;
  readonly #report: (error: unknown) => void;
  #headListener: (() => void) | undefined;
  #committed: (() => void) | undefined;
  #watching = false;
  #expected: number | undefined;

  constructor(req: IncomingMessage, res: ServerResponse, report: (error: unknown) => void) {
    this.req = req;
    this.res = res;
    this.method = req.method ?? 'GET';
    // Express rewrites req.url under mounted routers; originalUrl is what came off the wire.
    this.target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    this.#report = report;
  }

  get scheme(): 'http' | 'https' {
    return (this.req.socket as TLSSocket).encrypted ? 'https' : 'http';
  }

  get peer(): string {
    return this.req.socket.remoteAddress ?? '';
  }

  get headersCut(): boolean {
    return headersCut(this.req);
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return value === undefined || typeof value === 'string' ? value : value.join(', ');
  }

  headerValues(name: string): readonly string[] {
    // Absent is the common case, answered from `headers` alone.
    if (this.req.headers[name] === undefined) return NONE;
    return fieldLines(this.req.rawHeaders, name);
  }

  readBody(limit: number): Promise<Uint8Array> {
    return lendBody(this.req, limit);
  }

  status(): number {
    return this.#expected !== undefined && !this.res.headersSent ? this.#expected : this.res.statusCode;
  }

  /**
   * The status the host will answer with, when it decided it but has not set it yet (Koa's
   * `onerror`, which runs after the middleware stack unwound); the response is not touched.
   */
  expectStatus(status: number): void {
    this.#expected = status;
  }

  getHeader(name: string): string | undefined {
    const value = this.res.getHeader(name);
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }

  // Once the head is out a write can change nothing: it is dropped rather than thrown (the core
  // already refuses writes outside the head hooks once the downstream has answered).
  setHeader(name: string, value: string | readonly string[]): void {
    if (!this.res.headersSent) this.res.setHeader(name, value as string | string[]);
  }

  removeHeader(name: string): void {
    if (!this.res.headersSent) this.res.removeHeader(name);
  }

  /**
   * The chain's head hooks, run inside `writeHead` — explicit, or the implicit one of the first
   * `write()`/`end()` — through `onResponseHead`, the per-response hook of `on-headers` (what
   * morgan, compression and express-session use): `res.writeHead` of this one response is
   * wrapped, no prototype is touched, and nothing else about the response changes.
   */
  onHead(listener: () => void): void {
    this.#headListener = listener;
    this.#watch();
  }

  /** The adapter's own notice of the head, run after the chain's head hooks. */
  whenHead(committed: () => void): void {
    this.#committed = committed;
    this.#watch();
  }

  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    onResponseHead(this.res, () => {
      this.#headListener?.();
      this.#committed?.();
    });
  }

  onFinish(listener: (info: HostFinish) => void): void {
    trackFinish(this.req, this.res, listener);
  }

  reportError(error: unknown): void {
    this.#report(error);
  }
}

const NO_BODY = new Set([204, 304]);

/**
 * Fires `listener` once the response is over: completed (`writableFinished`) or cut short (the
 * client went away). Body bytes are read off the socket's counter (what it wrote while this
 * response was current, less the head), so no method of the response has to be wrapped.
 * Chunked framing counts as body; a pipelined response written at the same time would be mixed in.
 */
export function trackFinish(
  req: IncomingMessage,
  res: ServerResponse,
  listener: (info: HostFinish) => void,
): void {
  const socket = res.socket ?? req.socket;
  const start = socket?.bytesWritten ?? 0;
  let done = false;
  const fire = (aborted: boolean) => {
    if (done) return;
    done = true;
    let bytes = 0;
    if (req.method !== 'HEAD' && !NO_BODY.has(res.statusCode) && socket) {
      const head = (res as { _header?: unknown })._header;
      const headBytes = typeof head === 'string' ? Buffer.byteLength(head, 'latin1') : 0;
      bytes = Math.max(0, socket.bytesWritten - start - headBytes);
    }
    listener({ bytes, aborted });
  };
  // One listener: a ServerResponse always emits 'close', after 'finish' when it completed.
  res.once('close', () => fire(!res.writableFinished));
}
