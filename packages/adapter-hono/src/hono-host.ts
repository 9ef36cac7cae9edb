import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Host, HostFinish } from '@bouncer/core';
import { HttpError } from '@bouncer/core';
import { trackFinish } from '@bouncer/node-http';
import type { Context } from 'hono';

/** What @hono/node-server puts on `c.env`; absent on other runtimes. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

type Staged = { name: string; value: string | readonly string[] };

/**
 * The core's `Host` over a Hono context. Before the downstream has answered, header writes are
 * staged (Hono has no response yet); once it has, they go to `c.res` itself, rebuilt only when
 * its headers are immutable. Staged headers are defaults: a header the downstream set wins, as
 * with `res.setHeader()` before a route in Express.
 */
export class HonoHost implements Host {
  readonly c: Context;
  readonly method: string;
  readonly target: string;
  readonly scheme: 'http' | 'https';
  readonly #node: NodeBindings | undefined;
  readonly #report: (error: unknown) => void;
  readonly #peer: string;
  #staged: Map<string, Staged> | undefined;
  #removed: Set<string> | undefined;
  /** Set once the downstream's Response exists: header writes go straight to it. */
  #live = false;

  constructor(c: Context, report: (error: unknown) => void, peer?: (c: Context) => string | undefined) {
    this.c = c;
    const env = c.env as NodeBindings | undefined;
    this.#node = env?.incoming ? env : undefined;
    const raw = c.req.raw;
    this.method = raw.method;
    if (this.#node) {
      this.target = this.#node.incoming!.url ?? '/';
      this.scheme = (this.#node.incoming!.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      this.#peer = this.#node.incoming!.socket.remoteAddress ?? '';
    } else {
      const url = new URL(raw.url);
      this.target = url.pathname + url.search;
      this.scheme = url.protocol === 'https:' ? 'https' : 'http';
      this.#peer = peer?.(c) ?? '';
    }
    this.#report = report;
  }

  get peer(): string {
    return this.#peer;
  }

  header(name: string): string | undefined {
    if (this.#node) {
      const v = this.#node.incoming!.headers[name];
      return v === undefined || typeof v === 'string' ? v : v.join(', ');
    }
    return this.c.req.raw.headers.get(name) ?? undefined;
  }

  headerValues(name: string): readonly string[] {
    if (this.#node) return this.#node.incoming!.headersDistinct[name] ?? [];
    const v = this.c.req.raw.headers.get(name);
    return v === null ? [] : [v];
  }

  async readBody(limit: number): Promise<Uint8Array> {
    const raw = this.c.req.raw;
    const body = await readLimited(raw.body, limit);
    // Replay: Hono's body cache serves c.req.json()/text()/arrayBuffer()/parseBody(); a fresh
    // Request serves anyone who reads c.req.raw directly.
    const copy = body.slice().buffer;
    (this.c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(copy);
    this.c.req.raw = new Request(raw, { body: copy });
    return body;
  }

  /** Called by the adapter when the downstream has produced `c.res`. */
  goLive(): void {
    this.#live = true;
    if (!this.#staged && !this.#removed) return;
    const res = this.#mutable();
    if (this.#staged) {
      for (const [lower, { name, value }] of this.#staged) {
        if (res.headers.has(lower)) continue;
        setOn(res.headers, name, value);
      }
    }
    this.#staged = undefined;
    this.#removed = undefined;
  }

  /** Headers staged for the chain's own answer (respond()). */
  stagedHeaders(): Headers {
    const headers = new Headers();
    if (this.#staged) for (const { name, value } of this.#staged.values()) setOn(headers, name, value);
    return headers;
  }

  status(): number {
    return this.#live ? this.c.res.status : 0;
  }

  getHeader(name: string): string | undefined {
    if (this.#live) return this.c.res.headers.get(name) ?? undefined;
    const s = this.#staged?.get(name);
    if (!s) return undefined;
    return typeof s.value === 'string' ? s.value : s.value.join(', ');
  }

  setHeader(name: string, value: string | readonly string[]): void {
    if (this.#live) {
      setOn(this.#mutable().headers, name, value);
      return;
    }
    if (!this.#staged) this.#staged = new Map();
    this.#staged.set(name.toLowerCase(), { name, value });
  }

  removeHeader(name: string): void {
    if (this.#live) {
      const headers = this.c.res.headers;
      if (headers.has(name)) this.#mutable().headers.delete(name);
      return;
    }
    this.#staged?.delete(name.toLowerCase());
  }

  /** `c.res`, rebuilt once if its headers are immutable (a fetch() result, Response.redirect…). */
  #mutable(): Response {
    const res = this.c.res;
    try {
      res.headers.set('x-bouncer-probe', '1');
      res.headers.delete('x-bouncer-probe');
      return res;
    } catch {
      const copy = new Response(res.body, res);
      this.c.res = undefined as unknown as Response;
      this.c.res = copy;
      return copy;
    }
  }

  onFinish(listener: (info: HostFinish) => void): void {
    if (this.#node?.outgoing) {
      trackFinish(this.#node.incoming!, this.#node.outgoing, listener);
      return;
    }
    // Other runtimes give no socket-level signal: report when the Response is handed over.
    queueMicrotask(() => listener({ bytes: Number(this.getHeader('content-length') ?? 0), aborted: false }));
  }

  reportError(error: unknown): void {
    this.#report(error);
  }
}

function setOn(headers: Headers, name: string, value: string | readonly string[]): void {
  if (typeof value === 'string') {
    headers.set(name, value);
    return;
  }
  headers.delete(name);
  for (const v of value) headers.append(name, v);
}

async function readLimited(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new HttpError(413, { detail: `Body exceeds ${limit} bytes`, policy: 'bodyLimit' });
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
