import { contentLength } from '@bouncer/core/adapter';
import type { FieldTable } from './fields';
import { bodyless } from './serialize';
import type { Chunk, ResponseTransport } from './transport';

enum Framing {
  None,
  Length,
  Chunked,
  Close,
}

/** `close` among a Connection field's options (RFC 9110 §7.6.1). */
const CLOSE_OPTION = /(?:^|,)\s*close\s*(?:,|$)/i;

export function byteLength(chunk: Chunk): number {
  return typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
}

/**
 * The framing fields an app may set: `Content-Length` as 1*DIGIT (RFC 9110 §8.6) and
 * `Transfer-Encoding: chunked` only, since the server applies no other coding. Throws a `TypeError`.
 */
export function checkFramingField(lower: string, value: string | readonly string[]): void {
  if (lower === 'transfer-encoding' && (typeof value !== 'string' || value.toLowerCase() !== 'chunked')) {
    throw new TypeError('Transfer-Encoding may only be set to "chunked"; the server owns framing');
  }
  if (lower === 'content-length') {
    const length = typeof value === 'string' ? contentLength(value) : undefined;
    if (length === undefined || length === Number.POSITIVE_INFINITY)
      throw new TypeError(`Invalid Content-Length: ${String(value)}`);
  }
}

/**
 * One response's message framing (RFC 9112 §6.3): chosen when the head is serialised, then
 * applied to every body chunk, with the declared length enforced in both directions.
 */
export class BodyFraming {
  readonly #t: ResponseTransport;
  #framing = Framing.None;
  #declared = 0;
  /** Body bytes sent so far. */
  bytes = 0;

  constructor(transport: ResponseTransport) {
    this.#t = transport;
  }

  /**
   * Picks the framing and returns the field lines the server adds for it; removes from `headers`
   * what the server owns. No content for HEAD/1xx/204/304; Content-Length when given or when the
   * whole body (`ended`, `known` bytes) is already there; otherwise chunked on 1.1 and
   * close-delimited on 1.0.
   */
  head(status: number, h: FieldTable, ended: boolean, known: number): string {
    const t = this.#t;
    let extra = '';
    if (bodyless(status)) {
      h.delete('transfer-encoding');
      if (status !== 304) h.delete('content-length');
      this.#framing = Framing.None;
    } else {
      const declared = h.get('content-length');
      if (declared !== undefined) {
        h.delete('transfer-encoding');
        this.#framing = Framing.Length;
        this.#declared = Number(declared.value);
      } else if (ended && !h.has('transfer-encoding')) {
        this.#framing = Framing.Length;
        this.#declared = known;
        extra = `Content-Length: ${known}\r\n`;
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
      if (CLOSE_OPTION.test(value)) t.keepAlive = false;
      h.delete('connection');
    }
    if (!t.keepAlive) extra += 'Connection: close\r\n';
    else {
      if (t.minor === 0) extra += 'Connection: keep-alive\r\n';
      if (!h.has('keep-alive')) extra += t.keepAliveField;
    }
    return extra;
  }

  /** Frames and sends one body chunk; false means "wait for drain". Throws past Content-Length. */
  send(chunk: Chunk): boolean {
    const framing = this.#framing;
    if (framing === Framing.None) return true;
    const n = byteLength(chunk);
    if (n === 0) return true;
    if (framing === Framing.Length && this.bytes + n > this.#declared) {
      const error = new Error(`Response body exceeds its Content-Length (${this.#declared})`);
      this.#t.abort(error);
      throw error;
    }
    this.bytes += n;
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

  /**
   * Sends the serialised `head` and a complete body (`chunk`) as one write. False, with nothing
   * sent, when the body is chunked (it needs its framing around it). Throws past Content-Length.
   * `ascii`: the head holds no obs-text, so it reads the same as UTF-8.
   */
  sendWithHead(head: string, ascii: boolean, chunk: Chunk | undefined): boolean {
    const framing = this.#framing;
    if (framing === Framing.Chunked) return false;
    const t = this.#t;
    const n = chunk === undefined || framing === Framing.None ? 0 : byteLength(chunk);
    if (n === 0) {
      t.send(head, true);
      return true;
    }
    if (framing === Framing.Length && this.bytes + n > this.#declared) {
      const error = new Error(`Response body exceeds its Content-Length (${this.#declared})`);
      t.abort(error);
      throw error;
    }
    this.bytes += n;
    t.send(joinHead(head, ascii, chunk!));
    return true;
  }

  /** Closes the body (the last-chunk when chunked). False when it fell short of its Content-Length. */
  end(): boolean {
    if (this.#framing === Framing.Length && this.bytes < this.#declared && !this.#t.isHead) {
      this.#t.abort(new Error(`Response body shorter than its Content-Length (${this.#declared})`));
      return false;
    }
    if (this.#framing === Framing.Chunked) this.#t.send('0\r\n\r\n', true);
    return true;
  }
}

/**
 * The head (latin1: one byte per char) followed by the body, as one chunk. An ASCII head and a
 * string body make one UTF-8 string; otherwise one buffer, so obs-text bytes in field values
 * (RFC 9110 §5.5) keep their latin1 encoding.
 */
function joinHead(head: string, ascii: boolean, body: Chunk): Chunk {
  if (typeof body === 'string' && ascii) return head + body;
  const size = head.length;
  const n = byteLength(body);
  const out = Buffer.allocUnsafe(size + n);
  out.write(head, 0, size, 'latin1');
  if (typeof body === 'string') out.write(body, size, n, 'utf8');
  else out.set(body, size);
  return out;
}
