import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Host, HostFinish } from '@bouncer/core/adapter';
import { bodyTooLarge } from '@bouncer/core/adapter';
import {
  fieldLines,
  getField,
  headersCut,
  lendBody,
  onResponseHead,
  setField,
  setMissingOn,
  trackFinish,
} from '@bouncer/node-http/host';
import type { Context } from 'hono';
import { replayRequest } from './conn-info';
import { ResponseFinish } from './response-finish';

/** What @hono/node-server puts on `c.env`; absent on other runtimes. */
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

type Staged = { name: string; value: string | readonly string[] };

/**
 * The core's `Host` over a Hono context.
 *
 * On @hono/node-server the chain's headers go straight onto the Node response (`c.env.outgoing`):
 * node-server writes the Response's own headers with `writeHead(status, headers)`, which Node
 * merges over headers already set — so the chain's headers are defaults the application's
 * Response may override. The head hooks run inside that `writeHead`, as on Express and Koa, once
 * the Response's headers are on the Node response: they read and edit one set of headers, and
 * `c.res.headers` is never touched, so node-server keeps its fast path (a Response it never has
 * to materialise into a `Headers` object and convert back).
 *
 * Elsewhere, header writes are staged until the downstream has answered and then applied to
 * `c.res`, rebuilt only when its headers are immutable.
 */
export class HonoHost implements Host {
  readonly c: Context;
  readonly method: string;
  readonly target: string;
  readonly scheme: 'http' | 'https';
  readonly peer: string;
  readonly #in: IncomingMessage | undefined;
  readonly #out: ServerResponse | undefined;
  readonly #report: (error: unknown) => void;
  #staged: Map<string, Staged> | undefined;
  /** Set once the downstream's Response exists. */
  #live = false;
  /** `c.res` as last checked to have mutable headers. */
  #mutableRes: Response | undefined;
  #headListener: (() => void) | undefined;
  /** On Node, true while the head hooks run inside the Node response's `writeHead`. */
  #nodeHead = false;
  /** Off Node: the finish signal, taken from the Response body the runtime pulls. */
  readonly finish = new ResponseFinish();

  constructor(c: Context, report: (error: unknown) => void, peer?: (c: Context) => string | undefined) {
    this.c = c;
    const env = c.env as NodeBindings | undefined;
    const raw = c.req.raw;
    this.method = raw.method;
    if (env?.incoming && env.outgoing) {
      this.#in = env.incoming;
      this.#out = env.outgoing;
      this.target = env.incoming.url ?? '/';
      this.scheme = (env.incoming.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
      this.peer = peer?.(c) ?? env.incoming.socket.remoteAddress ?? '';
    } else {
      const url = new URL(raw.url);
      this.target = url.pathname + url.search;
      this.scheme = url.protocol === 'https:' ? 'https' : 'http';
      this.peer = peer?.(c) ?? '';
    }
    this.#report = report;
  }

  /** Node's silent field-line cap (see `headersCut`); other runtimes report no such cut. */
  get headersCut(): boolean {
    return this.#in !== undefined && headersCut(this.#in);
  }

  /** True on @hono/node-server, where the Node response carries the chain's headers. */
  get onNode(): boolean {
    return this.#out !== undefined;
  }

  header(name: string): string | undefined {
    if (this.#in) {
      const v = this.#in.headers[name];
      return v === undefined || typeof v === 'string' ? v : v.join(', ');
    }
    return this.c.req.raw.headers.get(name) ?? undefined;
  }

  headerValues(name: string): readonly string[] {
    if (this.#in) return this.#in.headers[name] === undefined ? [] : fieldLines(this.#in.rawHeaders, name);
    const v = this.c.req.raw.headers.get(name);
    return v === null ? [] : [v];
  }

  async readBody(limit: number): Promise<Uint8Array> {
    const raw = this.c.req.raw;
    if (raw.method === 'GET' || raw.method === 'HEAD') {
      // A Request cannot carry a body on GET/HEAD (`new Request(raw, { body })` throws), so the
      // application never sees one; on Node the bytes are still there on the IncomingMessage:
      // read and count them like the other stacks do, and lend them back to it.
      return this.#in ? lendBody(this.#in, limit) : new Uint8Array(0);
    }
    const body = await readLimited(raw.body, limit);
    // Replay: Hono's body cache serves c.req.json()/text()/arrayBuffer()/parseBody(); a fresh
    // Request serves anyone who reads c.req.raw directly.
    const copy = body.slice().buffer;
    (this.c.req.bodyCache as Record<string, unknown>).arrayBuffer = Promise.resolve(copy);
    this.c.req.raw = replayRequest(this.c, raw, copy);
    return body;
  }

  /** Called by the adapter when the downstream has produced `c.res`. */
  goLive(): void {
    this.#live = true;
    const staged = this.#staged;
    if (!staged) return;
    this.#staged = undefined;
    const res = this.#mutable();
    for (const [lower, { name, value }] of staged) {
      if (!res.headers.has(lower)) setOn(res.headers, name, value);
    }
  }

  /**
   * Hono has no head of its own to hook: the answer is `c.res`, and the adapter calls
   * `writeHead()` once it exists — after the downstream (or the chain) produced it, before
   * anything outside the bouncer turns it into bytes.
   */
  onHead(listener: () => void): void {
    const out = this.#out;
    if (out === undefined) {
      this.#headListener = listener;
      return;
    }
    onResponseHead(out, () => {
      this.#nodeHead = true;
      try {
        listener();
      } finally {
        this.#nodeHead = false;
      }
    });
  }

  /**
   * Runs the chain's head hooks on `c.res` (called once by the adapter). On Node it does nothing:
   * they run when node-server writes the head (see `onHead`).
   */
  writeHead(): void {
    const listener = this.#headListener;
    if (listener === undefined) return;
    this.#headListener = undefined;
    listener();
  }

  /** Headers for the chain's own answer (respond()) when there is no Node response to carry them. */
  answerHeaders(): Headers {
    const headers = new Headers();
    if (this.#out) {
      // The Node response already carries them; the Response only needs its own type.
      const type = this.#out.getHeader('content-type');
      if (type !== undefined) headers.set('content-type', String(type));
      return headers;
    }
    if (this.#staged) for (const { name, value } of this.#staged.values()) setOn(headers, name, value);
    if (this.#live) for (const [k, v] of this.c.res.headers) if (!headers.has(k)) headers.set(k, v);
    return headers;
  }

  status(): number {
    if (this.#nodeHead) return this.#out!.statusCode;
    return this.#live ? this.c.res.status : 0;
  }

  getHeader(name: string): string | undefined {
    // Inside the Node head the Response's headers are already folded into the Node response.
    if (this.#live && !this.#nodeHead) {
      const own = this.c.res.headers.get(name);
      if (own !== null) return own;
    }
    if (this.#out) {
      const v = getField(this.#out, name);
      return v === undefined
        ? undefined
        : typeof v === 'string'
          ? v
          : Array.isArray(v)
            ? v.join(', ')
            : String(v);
    }
    const s = this.#staged?.get(name);
    if (!s) return undefined;
    return typeof s.value === 'string' ? s.value : s.value.join(', ');
  }

  setHeader(name: string, value: string | readonly string[]): void {
    if (this.#out) {
      if (!this.#out.headersSent) setField(this.#out, name, value);
      // The Response's own header would win over the Node one: edit it there too (inside the
      // Node head it has already been folded in).
      if (this.#live && !this.#nodeHead && this.c.res.headers.has(name))
        setOn(this.#mutable().headers, name, value);
      return;
    }
    if (this.#live) {
      setOn(this.#mutable().headers, name, value);
      return;
    }
    if (!this.#staged) this.#staged = new Map();
    this.#staged.set(name.toLowerCase(), { name, value });
  }

  /**
   * On Node the Response's own headers are written over the Node response's, so a header the
   * Response carries wins whatever is set here: only the Node response needs checking.
   */
  setMissing(names: readonly string[], lower: readonly string[], values: readonly string[]): void {
    const out = this.#out;
    if (out === undefined) {
      for (let i = 0; i < names.length; i++)
        if (this.getHeader(lower[i]) === undefined) this.setHeader(names[i], values[i]);
      return;
    }
    setMissingOn(out, names, lower, values);
  }

  removeHeader(name: string): void {
    if (this.#out && !this.#out.headersSent) this.#out.removeHeader(name);
    if (this.#live && !this.#nodeHead) {
      if (this.c.res.headers.has(name)) this.#mutable().headers.delete(name);
      return;
    }
    this.#staged?.delete(name.toLowerCase());
  }

  /** `c.res`, rebuilt once if its headers are immutable (a fetch() result, Response.redirect…). */
  #mutable(): Response {
    const res = this.c.res;
    if (res === this.#mutableRes) return res;
    try {
      res.headers.set('x-bouncer-probe', '1');
      res.headers.delete('x-bouncer-probe');
      this.#mutableRes = res;
      return res;
    } catch {
      const copy = new Response(res.body, res);
      this.c.res = undefined as unknown as Response;
      this.c.res = copy;
      this.#mutableRes = copy;
      return copy;
    }
  }

  onFinish(listener: (info: HostFinish) => void): void {
    if (this.#in && this.#out) {
      trackFinish(this.#in, this.#out, listener);
      return;
    }
    this.finish.listen(listener);
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
      throw bodyTooLarge(limit);
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
