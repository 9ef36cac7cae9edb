import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Host, HostFinish } from '@bouncer/core/adapter';
import { requestHeader, requestHeaderLines } from './field-lines';

const EMPTY = new Uint8Array(0);

/**
 * The core's `Host` over an HTTP upgrade request (`server.on('upgrade')`, `ws`'s `verifyClient`),
 * which has no `ServerResponse`: response headers are collected here and written with a refusal;
 * on a pass the upgrade handler (ws) writes its own `101`.
 */
export class UpgradeHost implements Host {
  readonly req: IncomingMessage;
  readonly method: string;
  readonly target: string;
  readonly #report: (error: unknown) => void;
  readonly #headers = new Map<string, { name: string; value: string | readonly string[] }>();
  #finish: ((info: HostFinish) => void) | undefined;
  #head: (() => void) | undefined;

  constructor(req: IncomingMessage, report: (error: unknown) => void) {
    this.req = req;
    this.method = req.method ?? 'GET';
    this.target = req.url ?? '/';
    this.#report = report;
  }

  get scheme(): 'http' | 'https' {
    return (this.req.socket as TLSSocket).encrypted ? 'https' : 'http';
  }

  get peer(): string {
    return this.req.socket.remoteAddress ?? '';
  }

  header(name: string): string | undefined {
    return requestHeader(this.req, name);
  }

  headerValues(name: string): readonly string[] {
    return requestHeaderLines(this.req, name);
  }

  /** A handshake carries no body (RFC 6455 §4.1 is a GET); anything after the head is the new protocol's. */
  readBody(): Promise<Uint8Array> {
    return Promise.resolve(EMPTY);
  }

  /** `101` until the chain answers otherwise: what the access log records for an accepted handshake. */
  status(): number {
    return 101;
  }

  getHeader(name: string): string | undefined {
    const h = this.#headers.get(name);
    if (h === undefined) return undefined;
    return typeof h.value === 'string' ? h.value : h.value.join(', ');
  }

  setHeader(name: string, value: string | readonly string[]): void {
    this.#headers.set(name.toLowerCase(), { name, value });
  }

  removeHeader(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  onHead(listener: () => void): void {
    this.#head = listener;
  }

  /**
   * The collected headers, as `ws`'s `verifyClient` callback and the refusal writer take them; the
   * chain's head hooks run first, so a refusal carries what every answer carries. (On a pass the
   * upgrade handler writes its own `101`, which nothing here stamps.)
   */
  headers(): Record<string, string | readonly string[]> {
    const head = this.#head;
    this.#head = undefined;
    head?.();
    const out: Record<string, string | readonly string[]> = {};
    for (const { name, value } of this.#headers.values()) out[name] = value;
    return out;
  }

  onFinish(listener: (info: HostFinish) => void): void {
    this.#finish = listener;
  }

  /** Fires the finish listener (the access log) once the handshake is decided. */
  finished(bytes: number): void {
    const listener = this.#finish;
    this.#finish = undefined;
    listener?.({ bytes, aborted: false });
  }

  reportError(error: unknown): void {
    this.#report(error);
  }
}
