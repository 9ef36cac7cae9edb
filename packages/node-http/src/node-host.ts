import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Host, HostFinish } from '@bouncer/core';
import { ResponseHold } from './hold-response';
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
  /** The response's interceptor: holds the head for the outbound phase, counts body bytes. */
  readonly hold: ResponseHold;
  readonly #report: (error: unknown) => void;

  constructor(req: IncomingMessage, res: ServerResponse, report: (error: unknown) => void) {
    this.req = req;
    this.res = res;
    this.method = req.method ?? 'GET';
    // Express rewrites req.url under mounted routers; originalUrl is what came off the wire.
    this.target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    this.#report = report;
    this.hold = new ResponseHold(res);
  }

  get scheme(): 'http' | 'https' {
    return (this.req.socket as TLSSocket).encrypted ? 'https' : 'http';
  }

  get peer(): string {
    return this.req.socket.remoteAddress ?? '';
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
    return this.res.statusCode;
  }

  getHeader(name: string): string | undefined {
    const value = this.res.getHeader(name);
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : Array.isArray(value) ? value.join(', ') : String(value);
  }

  setHeader(name: string, value: string | readonly string[]): void {
    if (!this.res.headersSent) this.res.setHeader(name, value as string | string[]);
  }

  removeHeader(name: string): void {
    if (!this.res.headersSent) this.res.removeHeader(name);
  }

  onFinish(listener: (info: HostFinish) => void): void {
    trackFinish(this.req, this.res, this.hold, listener);
  }

  reportError(error: unknown): void {
    this.#report(error);
  }
}

const NO_BODY = new Set([204, 304]);

/**
 * Fires `listener` once: on 'finish' (last byte handed to the OS) or on 'close' without finish
 * (the client went away). Body bytes are counted by the response's hold, which sees every write.
 */
export function trackFinish(
  req: IncomingMessage,
  res: ServerResponse,
  hold: ResponseHold,
  listener: (info: HostFinish) => void,
): void {
  hold.install();
  hold.counting = true;
  let done = false;
  const fire = (aborted: boolean) => {
    if (done) return;
    done = true;
    const noBody = req.method === 'HEAD' || NO_BODY.has(res.statusCode);
    listener({ bytes: noBody ? 0 : hold.bytes, aborted });
  };
  res.once('finish', () => fire(false));
  res.once('close', () => fire(!res.writableFinished));
}
