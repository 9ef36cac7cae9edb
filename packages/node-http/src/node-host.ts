import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Host, HostFinish } from '@bouncer/core/adapter';
import { requestHeader, requestHeaderLines } from './field-lines';
import { getField, setField } from './field-store';
import { onResponseHead, onResponseHeadOf } from './head-hook';
import { headersCut } from './header-cap';
import { lendBody } from './lend-body';
import { setMissingOn } from './set-missing';
import { trackFinish } from './track-finish';

/**
 * The core's `Host` over Node's own request/response pair. Express and Koa both sit on it;
 * Hono on @hono/node-server reaches the same objects through `c.env`.
 */
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
  readonly #headPrototype: object | undefined;

  /**
   * `headPrototype`: the application's own response prototype, when `res` has it and keeps it
   * until its head is written (Express's root `app.response`): the head is then hooked there
   * (see `onResponseHeadOf`) rather than on the response.
   */
  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    report: (error: unknown) => void,
    headPrototype?: object,
  ) {
    this.req = req;
    this.res = res;
    this.#headPrototype = headPrototype;
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
    return requestHeader(this.req, name);
  }

  headerValues(name: string): readonly string[] {
    return requestHeaderLines(this.req, name);
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
    const value = getField(this.res, name);
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }

  // Once the head is out a write can change nothing: it is dropped rather than thrown (the core
  // already refuses writes outside the head hooks once the downstream has answered).
  setHeader(name: string, value: string | readonly string[]): void {
    if (!this.res.headersSent) setField(this.res, name, value);
  }

  removeHeader(name: string): void {
    if (!this.res.headersSent) this.res.removeHeader(name);
  }

  setMissing(names: readonly string[], lower: readonly string[], values: readonly string[]): void {
    setMissingOn(this.res, names, lower, values);
  }

  /**
   * The chain's head hooks, run inside `writeHead` — explicit, or the implicit one of the first
   * `write()`/`end()` — through `onResponseHead`, the per-response hook of `on-headers` (what
   * morgan, compression and express-session use): `res.writeHead` of this one response is
   * wrapped, and nothing else about the response changes. With a `headPrototype`, the
   * application's own response prototype carries the hook instead (no shared prototype, and not
   * Node's, is ever touched).
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
    const head = () => {
      this.#headListener?.();
      this.#committed?.();
    };
    if (this.#headPrototype === undefined) onResponseHead(this.res, head);
    else onResponseHeadOf(this.#headPrototype, this.res, head);
  }

  onFinish(listener: (info: HostFinish) => void): void {
    trackFinish(this.req, this.res, listener);
  }

  reportError(error: unknown): void {
    this.#report(error);
  }
}
