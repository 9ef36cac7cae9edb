import { expect } from 'vitest';
// In-process harness for core middleware tests: a fake request in, status and headers out.
// No sockets; the conformance suite covers real hosts.
import { bodyTooLarge } from './body';
import { ConfigError } from './errors';
import { runChain } from './run';
import type { Host, HostFinish, Middleware, State } from './types';

export interface FakeRequest {
  method?: string;
  target?: string;
  scheme?: 'http' | 'https';
  peer?: string;
  /** Header name → value; an array gives several field lines. */
  headers?: Record<string, string | string[]>;
  body?: string | Uint8Array;
  /** As if the host dropped header lines (`Host.headersCut`). */
  headersCut?: boolean;
}

export interface FakeResult {
  status: number;
  headers: Record<string, string>;
  /** Body the chain itself answered with (short-circuit), as text. */
  body: string | undefined;
  /** Whether the downstream application ran. */
  reached: boolean;
  state: Record<string, unknown>;
  errors: unknown[];
  /** Fires the host's finish listener (as if the response was written). */
  finish(info?: Partial<HostFinish>): void;
  ctx: import('./context').Context<any>;
  /** The fake host the chain ran on. */
  host: FakeHost;
}

export interface FakeApp {
  status?: number;
  headers?: Record<string, string>;
  /** Runs as the application; may read `bodySeen`. */
  run?: (host: FakeHost) => void | Promise<void>;
  /**
   * When the head is written: `'after'` the chain returns (Koa, Hono, the raw server's usual
   * case — the default), or `'inside'` the application's answer, before `next()` resolves (Express).
   */
  head?: 'after' | 'inside';
}

export class FakeHost implements Host {
  method: string;
  target: string;
  scheme: 'http' | 'https';
  peer: string;
  headersCut: boolean;
  reqHeaders = new Map<string, string[]>();
  resHeaders = new Map<string, { name: string; value: string | readonly string[] }>();
  statusCode = 0;
  errors: unknown[] = [];
  body: Uint8Array;
  bodyReads = 0;
  finishListener: ((info: HostFinish) => void) | undefined;
  headListener: (() => void) | undefined;
  /** True once `writeHead()` ran: later header writes are dropped, as on a real host. */
  headWritten = false;

  constructor(req: FakeRequest) {
    this.method = req.method ?? 'GET';
    this.target = req.target ?? '/';
    this.scheme = req.scheme ?? 'http';
    this.peer = req.peer ?? '127.0.0.1';
    this.headersCut = req.headersCut ?? false;
    for (const [k, v] of Object.entries(req.headers ?? {}))
      this.reqHeaders.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
    this.body =
      typeof req.body === 'string' ? new TextEncoder().encode(req.body) : (req.body ?? new Uint8Array(0));
    if (
      req.body !== undefined &&
      !this.reqHeaders.has('content-length') &&
      !this.reqHeaders.has('transfer-encoding')
    ) {
      this.reqHeaders.set('content-length', [String(this.body.byteLength)]);
    }
  }
  header(name: string) {
    const v = this.reqHeaders.get(name);
    return v === undefined ? undefined : v.join(', ');
  }
  headerValues(name: string) {
    return this.reqHeaders.get(name) ?? [];
  }
  async readBody(limit: number) {
    this.bodyReads++;
    if (this.body.byteLength > limit) throw bodyTooLarge(limit);
    return this.body;
  }
  status() {
    return this.statusCode;
  }
  getHeader(name: string) {
    const h = this.resHeaders.get(name);
    if (!h) return undefined;
    return typeof h.value === 'string' ? h.value : h.value.join(', ');
  }
  setHeader(name: string, value: string | readonly string[]) {
    if (!this.headWritten) this.resHeaders.set(name.toLowerCase(), { name, value });
  }
  removeHeader(name: string) {
    if (!this.headWritten) this.resHeaders.delete(name.toLowerCase());
  }
  onHead(listener: () => void) {
    if (this.headListener) throw new Error('Host.onHead() registered twice');
    this.headListener = listener;
  }
  /** Commits the head: runs the head listener once, then freezes the headers. */
  writeHead() {
    if (this.headWritten) return;
    this.headListener?.();
    this.headWritten = true;
  }
  onFinish(listener: (info: HostFinish) => void) {
    this.finishListener = listener;
  }
  reportError(error: unknown) {
    this.errors.push(error);
  }
}

/** Runs `chain` against a fake request; the fake application answers `app.status` (200). */
export async function runFake<S extends object = State>(
  chain: Middleware<S>,
  req: FakeRequest = {},
  app: FakeApp = {},
  state: S = {} as S,
): Promise<FakeResult> {
  const host = new FakeHost(req);
  let reached = false;
  const ctx = await runChain(chain, host, state, async () => {
    reached = true;
    if (app.headers) for (const [k, v] of Object.entries(app.headers)) host.setHeader(k, v);
    await app.run?.(host);
    host.statusCode = app.status ?? 200;
    if (app.head === 'inside') host.writeHead();
  });
  host.writeHead();
  const headers: Record<string, string> = {};
  for (const [k, { value }] of host.resHeaders)
    headers[k] = typeof value === 'string' ? value : value.join(', ');
  return {
    status: ctx.res.status,
    headers,
    body: ctx.response?.body ? new TextDecoder().decode(ctx.response.body) : undefined,
    reached,
    state: state as Record<string, unknown>,
    errors: host.errors,
    ctx,
    host,
    finish(info = {}) {
      host.finishListener?.({ bytes: info.bytes ?? 0, aborted: info.aborted ?? false });
    },
  };
}

/** The message of the `ConfigError` that `fn` throws; fails the test when it throws anything else, or nothing. */
export function configErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}
