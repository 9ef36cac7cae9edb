import { EventEmitter } from 'node:events';
import { bodyless, type HeaderMap, serializeHead, validateHeader } from './serialize';

export type Chunk = string | Uint8Array;

/** What a response writes through: the exchange that orders it on the connection. */
export interface ResponseTransport {
  readonly isHead: boolean;
  /** Minor version of the request: 0 means no chunked encoding (close-delimited instead). */
  readonly minor: number;
  /** Whether the connection may stay open after this response; the response may turn it off. */
  keepAlive: boolean;
  /** True while the chain still runs its outbound code: the head must not be serialised yet. */
  readonly holding: boolean;
  readonly highWaterMark: number;
  /** The app committed its head (first writeHead / write / end). */
  onCommit(): void;
  /** Bytes for the wire, in order; returns false when the caller should wait for `'drain'`. */
  send(data: Chunk, latin1?: boolean): boolean;
  /** Batches the writes until `uncork()` (head + body in one syscall). */
  cork(): void;
  uncork(): void;
  /** The last byte has been handed over. */
  onEnd(bodyBytes: number): void;
  /** The framing cannot be completed (Content-Length not met): the connection must go. */
  abort(error: Error): void;
}

enum Framing {
  None,
  Length,
  Chunked,
  Close,
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

function byteLength(chunk: Chunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
}

/**
 * The app-facing response, shaped like node's `ServerResponse`. Writes before the head goes out
 * are kept (so the chain can still change the head); afterwards they are framed and sent.
 * Emits `'drain'` after `write()` returned false, and `'finish'` once the last byte is sent.
 */
export class RawResponse extends EventEmitter {
  statusCode = 200;
  readonly #headers: HeaderMap = new Map();
  readonly #t: ResponseTransport;
  #committed = false;
  #flushed = false;
  #ended = false;
  #finished = false;
  #discard = false;
  #pending: Chunk[] | undefined;
  #pendingBytes = 0;
  #framing = Framing.None;
  #declared = 0;
  #bytes = 0;
  #needDrain = false;

  constructor(transport: ResponseTransport) {
    super();
    this.#t = transport;
  }

  /** HTTP status code to send. */
  get status(): number {
    return this.statusCode;
  }
  set status(code: number) {
    this.statusCode = code;
  }

  /** True once the app committed its head (`writeHead`, `write` or `end`). */
  get headersSent(): boolean {
    return this.#committed;
  }

  /** True once the last byte was handed to the connection. */
  get finished(): boolean {
    return this.#finished;
  }

  /** True once `end()` was called. */
  get writableEnded(): boolean {
    return this.#ended;
  }

  /** @internal The response head has been serialised onto the connection. */
  get flushed(): boolean {
    return this.#flushed;
  }

  /** @internal Body bytes sent so far. */
  get bytesSent(): number {
    return this.#bytes;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.#headers.get(name.toLowerCase())?.value;
  }

  hasHeader(name: string): boolean {
    return this.#headers.has(name.toLowerCase());
  }

  getHeaderNames(): string[] {
    return [...this.#headers.keys()];
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.#assertOpen();
    this.setHeaderInternal(name, typeof value === 'number' ? String(value) : value);
    return this;
  }

  appendHeader(name: string, value: string | readonly string[]): this {
    this.#assertOpen();
    const current = this.#headers.get(name.toLowerCase());
    const add = typeof value === 'string' ? [value] : [...value];
    if (current === undefined) this.setHeaderInternal(name, add.length === 1 ? add[0] : add);
    else {
      const before = typeof current.value === 'string' ? [current.value] : current.value;
      this.setHeaderInternal(current.name, [...before, ...add]);
    }
    return this;
  }

  removeHeader(name: string): this {
    this.#assertOpen();
    this.#headers.delete(name.toLowerCase());
    return this;
  }

  /** @internal Sets a field even after the app committed (the chain's outbound phase). */
  setHeaderInternal(name: string, value: string | readonly string[]): void {
    validateHeader(name, value);
    const lower = name.toLowerCase();
    if (lower === 'transfer-encoding' && (typeof value !== 'string' || value.toLowerCase() !== 'chunked')) {
      throw new TypeError('Transfer-Encoding may only be set to "chunked"; the server owns framing');
    }
    if (lower === 'content-length' && (typeof value !== 'string' || !/^\d{1,15}$/.test(value))) {
      throw new TypeError(`Invalid Content-Length: ${String(value)}`);
    }
    this.#headers.set(lower, { name, value: typeof value === 'string' ? value : [...value] });
  }

  /** @internal */
  removeHeaderInternal(name: string): void {
    this.#headers.delete(name.toLowerCase());
  }

  writeHead(status: number, headers?: Record<string, string | number | readonly string[]>): this {
    if (this.#committed) throw new Error('writeHead(): the response head was already committed');
    if (!Number.isInteger(status) || status < 100 || status > 999)
      throw new RangeError(`Invalid status ${status}`);
    this.statusCode = status;
    if (headers) for (const name in headers) this.setHeader(name, headers[name]);
    this.#commit();
    return this;
  }

  /** Writes a body chunk; false means "wait for `'drain'`" (backpressure). */
  write(chunk: Chunk): boolean {
    // Replaced output (the chain answered instead): the app's writes are accepted and dropped.
    if (this.#discard) return true;
    if (this.#ended) throw new Error('write() after end()');
    if (!this.#committed) this.#commit();
    if (this.#discard) return true;
    if (byteLength(chunk) === 0) return true;
    if (!this.#flushed) {
      this.#queue(chunk);
      this.#pendingBytes += byteLength(chunk);
      if (this.#pendingBytes < this.#t.highWaterMark) return true;
      this.#needDrain = true;
      return false;
    }
    const ok = this.#sendBody(chunk);
    if (!ok) this.#needDrain = true;
    return ok;
  }

  /** Ends the response, optionally with a last chunk. Further calls are ignored. */
  end(chunk?: Chunk): this {
    if (this.#ended || this.#discard) return this;
    const n = chunk === undefined ? 0 : byteLength(chunk);
    if (!this.#committed) {
      // The whole body is known before the head goes out: it gets a Content-Length.
      if (n > 0) {
        this.#queue(chunk!);
        this.#pendingBytes += n;
      }
      this.#ended = true;
      this.#commit();
      return this;
    }
    if (n > 0) this.write(chunk!);
    this.#ended = true;
    if (this.#discard) return this;
    if (this.#flushed) this.#finish();
    return this;
  }

  /** Sends `value` as JSON (`application/json`), with `status` when given. */
  json(value: unknown, status?: number): this {
    if (status !== undefined) this.statusCode = status;
    if (!this.hasHeader('content-type')) this.setHeader('Content-Type', JSON_TYPE);
    return this.end(JSON.stringify(value));
  }

  /** Sends a string (text/plain), bytes (application/octet-stream) or anything else as JSON. */
  send(body: string | Uint8Array | object | null | undefined): this {
    if (body === null || body === undefined) return this.end();
    if (typeof body === 'string') {
      if (!this.hasHeader('content-type')) this.setHeader('Content-Type', TEXT);
      return this.end(body);
    }
    if (body instanceof Uint8Array) {
      if (!this.hasHeader('content-type')) this.setHeader('Content-Type', 'application/octet-stream');
      return this.end(body);
    }
    return this.json(body);
  }

  #queue(chunk: Chunk): void {
    if (this.#pending === undefined) this.#pending = [chunk];
    else this.#pending.push(chunk);
  }

  #assertOpen(): void {
    if (this.#committed) throw new Error('Cannot change headers after they are sent');
  }

  #commit(): void {
    this.#committed = true;
    this.#t.onCommit();
    if (!this.#t.holding && !this.#flushed && !this.#discard) this.flushHead();
  }

  /**
   * @internal Serialises the head (now that the chain is done) and everything written so far.
   * Framing (RFC 9112 §6.3): no content for HEAD/1xx/204/304; Content-Length when given or when
   * the whole body is already known; otherwise chunked on 1.1, close-delimited on 1.0.
   */
  flushHead(): void {
    if (this.#flushed) return;
    this.#flushed = true;
    const t = this.#t;
    const status = this.statusCode;
    // Read once: whatever the head says about persistence is what the connection will do.
    if (!t.keepAlive) t.keepAlive = false;
    const noContent = bodyless(status);
    const h = this.#headers;
    let extra = '';
    if (noContent) {
      h.delete('transfer-encoding');
      if (status !== 304) h.delete('content-length');
      this.#framing = Framing.None;
    } else {
      const declared = h.get('content-length');
      if (declared !== undefined) {
        h.delete('transfer-encoding');
        this.#framing = Framing.Length;
        this.#declared = Number(declared.value);
      } else if (this.#ended && !h.has('transfer-encoding')) {
        this.#framing = Framing.Length;
        this.#declared = this.#pendingBytes;
        extra = `Content-Length: ${this.#pendingBytes}\r\n`;
      } else if (t.minor === 1) {
        this.#framing = Framing.Chunked;
        if (!h.has('transfer-encoding')) extra = 'Transfer-Encoding: chunked\r\n';
      } else {
        h.delete('transfer-encoding');
        this.#framing = Framing.Close;
        t.keepAlive = false;
      }
      if (t.isHead) this.#framing = Framing.None;
    }
    // We own the Connection field (RFC 9112 §9.6): an app's `close` is honoured, anything else dropped.
    const connection = h.get('connection');
    if (connection !== undefined) {
      const value = typeof connection.value === 'string' ? connection.value : connection.value.join(',');
      if (/(?:^|,)\s*close\s*(?:,|$)/i.test(value)) t.keepAlive = false;
      h.delete('connection');
    }
    if (!t.keepAlive) extra += 'Connection: close\r\n';
    else if (t.minor === 0) extra += 'Connection: keep-alive\r\n';
    const pending = this.#pending;
    this.#pending = undefined;
    t.cork();
    t.send(serializeHead(status, h, extra), true);
    if (pending) for (const chunk of pending) this.#sendBody(chunk);
    const drain = !this.#ended && this.#needDrain;
    this.#pendingBytes = 0;
    if (this.#ended) this.#finish();
    t.uncork();
    if (drain) this.emitDrain();
  }

  /** @internal Replaces the app's output with another answer (the chain's, or a 500). */
  discardAppOutput(): void {
    this.#discard = true;
    this.#pending = undefined;
    this.#pendingBytes = 0;
  }

  /** @internal Sends a complete answer that is not the app's (short-circuit, error). */
  sendFinal(status: number, body: Uint8Array | null): void {
    this.discardAppOutput();
    this.#discard = false;
    this.#committed = true;
    this.#ended = true;
    this.#flushed = false;
    this.statusCode = status;
    this.#headers.delete('transfer-encoding');
    if (body && body.byteLength > 0) {
      this.#pending = [body];
      this.#pendingBytes = body.byteLength;
    }
    if (!this.#headers.has('content-length') && !bodyless(status)) {
      this.#headers.set('content-length', { name: 'Content-Length', value: String(this.#pendingBytes) });
    }
    this.flushHead();
    this.#discard = true;
  }

  /** @internal Called by the connection when the socket drained. */
  emitDrain(): void {
    if (!this.#needDrain) return;
    this.#needDrain = false;
    this.emit('drain');
  }

  #sendBody(chunk: Chunk): boolean {
    const framing = this.#framing;
    if (framing === Framing.None) return true;
    const n = byteLength(chunk);
    if (n === 0) return true;
    if (framing === Framing.Length && this.#bytes + n > this.#declared) {
      const error = new Error(`Response body exceeds its Content-Length (${this.#declared})`);
      this.#t.abort(error);
      throw error;
    }
    this.#bytes += n;
    if (framing === Framing.Chunked) {
      const t = this.#t;
      t.cork();
      t.send(`${n.toString(16)}\r\n`, true);
      t.send(chunk);
      const ok = t.send('\r\n', true);
      t.uncork();
      return ok;
    }
    return this.#t.send(chunk);
  }

  #finish(): void {
    if (this.#finished) return;
    if (this.#framing === Framing.Length && this.#bytes < this.#declared && !this.#t.isHead) {
      this.#finished = true;
      this.#t.abort(new Error(`Response body shorter than its Content-Length (${this.#declared})`));
      return;
    }
    if (this.#framing === Framing.Chunked) this.#t.send('0\r\n\r\n', true);
    this.#finished = true;
    this.#t.onEnd(this.#bytes);
    this.emit('finish');
  }
}
