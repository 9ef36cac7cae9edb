import { COLON, CR, FIELD_VALUE, HEX, HTAB, LF, SEMI, SP, TARGET, TOKEN } from './_chars';
import { analyseHead, ParseError, type RequestHead } from './_head';

export { ParseError, type RequestHead } from './_head';

/** Bounds the parser enforces while it reads, before anything is buffered past them. */
export interface ParserLimits {
  /** Bytes of request-line plus header section (and, separately, of a trailer section). */
  maxHeaderSize: number;
  /** Field lines in a header (or trailer) section. */
  maxHeadersCount: number;
  /** Bytes of request-target (RFC 9112 §3: too long MUST be 414). */
  maxRequestTargetLength: number;
  /** Body bytes actually received, whatever the framing. */
  maxBodySize: number;
}

/** What the parser reports to; the connection implements it (no per-request closures). */
export interface ParserSink {
  onHead(head: RequestHead): void;
  /** A slice of the received buffer, valid as long as the caller keeps it. */
  onBody(chunk: Buffer): void;
  /** The message is complete; `trailers` are raw name/value pairs (RFC 9112 §7.1.2: never merged). */
  onComplete(trailers: string[]): void;
  onError(error: ParseError): void;
}

/** Chunk extensions allowed per request, as node caps them since CVE-2024-22019. */
export const MAX_CHUNK_EXTENSIONS = 16 * 1024;

enum S {
  Start,
  StartLf,
  Method,
  TargetStart,
  Target,
  Version,
  LineLf,
  FieldStart,
  Name,
  ValueOws,
  Value,
  ValueLf,
  HeadLf,
  BodyLength,
  SizeStart,
  Size,
  ExtName0,
  ExtName,
  ExtAfterName,
  ExtValue0,
  ExtValue,
  ExtQuoted,
  ExtEscape,
  ExtAfterValue,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  Dead,
}

const VERSION_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f, 0, 0x2e, 0]; // "HTTP/" DIGIT "." DIGIT

/**
 * An incremental HTTP/1.1 request parser over bytes (RFC 9112), as strict as llhttp without
 * lenient flags. Input may be split at any byte; every cap is checked as bytes arrive. After an
 * error, or after a message that ends the connection, it consumes nothing more.
 */
export class RequestParser {
  readonly #sink: ParserSink;
  readonly #limits: ParserLimits;
  #state = S.Start;
  /** Head bytes scanned so far, copied here so that field boundaries survive any split. */
  #scratch: Buffer | undefined;
  #hlen = 0;
  #marks: number[] = [];
  #methodEnd = 0;
  #targetStart = 0;
  #targetEnd = 0;
  #versionIndex = 0;
  #major = 0;
  #minor = 0;
  #nameStart = 0;
  #nameEnd = 0;
  #valueStart = 0;
  #valueEnd = 0;
  #leadingCrlf = false;
  #trailers = false;
  #keepAlive = true;
  #remaining = 0;
  #bodyBytes = 0;
  #extBytes = 0;
  #paused = false;

  constructor(sink: ParserSink, limits: ParserLimits) {
    this.#sink = sink;
    this.#limits = limits;
  }

  /** True once the parser will read nothing more (error, or a non-persistent message completed). */
  get dead(): boolean {
    return this.#state === S.Dead;
  }

  /** True while no message is in progress (nothing of the next request has been seen). */
  get idle(): boolean {
    return this.#state === S.Start && !this.#leadingCrlf;
  }

  /** True while the request-line or header section is being read. */
  get inHead(): boolean {
    return this.#state < S.BodyLength && !this.#trailers && !this.idle;
  }

  /** Stops at the next message boundary; `execute` returns the offset reached. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  /** After the current message, read nothing more (maxRequestsPerSocket, server shutdown). */
  finishAfterMessage(): void {
    this.#keepAlive = false;
    if (this.idle) this.#state = S.Dead;
  }

  /** Stops for good without reporting anything (timeouts, aborts). */
  kill(): void {
    this.#state = S.Dead;
  }

  /** Parses `buf` from `start`; returns how far it got (less than `buf.length` only when paused or dead). */
  execute(buf: Buffer, start = 0): number {
    let i = start;
    const len = buf.length;
    while (i < len) {
      const state = this.#state;
      // Dead: everything after an error or a closing message is discarded, never parsed.
      if (state === S.Dead) return len;
      if (state < S.BodyLength) {
        if (this.#paused && state === S.Start && !this.#leadingCrlf) return i;
        i = this.#head(buf, i, len);
      } else if (state === S.BodyLength) {
        const n = Math.min(this.#remaining, len - i);
        this.#remaining -= n;
        this.#sink.onBody(buf.subarray(i, i + n));
        i += n;
        if (this.#remaining === 0) this.#complete(undefined);
      } else if (state === S.Data) {
        const n = Math.min(this.#remaining, len - i);
        this.#remaining -= n;
        this.#sink.onBody(buf.subarray(i, i + n));
        i += n;
        if (this.#remaining === 0) this.#state = S.DataCr;
      } else {
        i = this.#chunkFraming(buf, i, len);
      }
    }
    return i;
  }

  #fail(status: number, reason: string): number {
    this.#state = S.Dead;
    this.#sink.onError(new ParseError(status, reason));
    return -1;
  }

  /** Request-line, header and trailer sections: one byte at a time, copied to scratch on exit. */
  #head(buf: Buffer, from: number, len: number): number {
    const max = this.#limits.maxHeaderSize;
    const stop = Math.min(len, from + (max - this.#hlen));
    const base = this.#hlen - from; // head position of buf[i] is base + i
    let state = this.#state;
    let i = from;
    let done = false;
    for (; i < stop && !done; i++) {
      const c = buf[i];
      switch (state) {
        case S.Start:
          if (TOKEN[c] === 1 && !this.#trailers) {
            state = S.Method;
          } else if (c === CR && !this.#leadingCrlf && !this.#trailers) {
            // RFC 9112 §2.2: ignore at least one empty line before the request-line.
            this.#leadingCrlf = true;
            state = S.StartLf;
          } else {
            return this.#fail(400, 'invalid request-line');
          }
          break;
        case S.StartLf:
          if (c !== LF) return this.#fail(400, 'bare CR');
          state = S.Start;
          break;
        case S.Method:
          if (c === SP) {
            this.#methodEnd = base + i;
            state = S.TargetStart;
          } else if (TOKEN[c] !== 1) return this.#fail(400, 'invalid method');
          break;
        case S.TargetStart:
          if (TARGET[c] !== 1) return this.#fail(400, 'invalid request-target');
          this.#targetStart = base + i;
          state = S.Target;
          break;
        case S.Target:
          if (c === SP) {
            this.#targetEnd = base + i;
            this.#versionIndex = 0;
            state = S.Version;
          } else if (TARGET[c] !== 1) {
            return this.#fail(400, 'invalid request-target');
          } else if (base + i - this.#targetStart >= this.#limits.maxRequestTargetLength) {
            return this.#fail(414, 'request-target too long');
          }
          break;
        case S.Version: {
          // HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3).
          const k = this.#versionIndex++;
          if (k === 8) {
            if (c !== CR) return this.#fail(400, 'invalid HTTP-version');
            if (this.#major !== 1 || this.#minor > 1) return this.#fail(505, 'unsupported HTTP version');
            state = S.LineLf;
          } else if (k === 5 || k === 7) {
            if (c < 0x30 || c > 0x39) return this.#fail(400, 'invalid HTTP-version');
            if (k === 5) this.#major = c - 0x30;
            else this.#minor = c - 0x30;
          } else if (c !== VERSION_PREFIX[k]) {
            return this.#fail(400, 'invalid HTTP-version');
          }
          break;
        }
        case S.LineLf:
          if (c !== LF) return this.#fail(400, 'bare CR');
          state = S.FieldStart;
          break;
        case S.FieldStart:
          if (TOKEN[c] === 1) {
            this.#nameStart = base + i;
            state = S.Name;
          } else if (c === CR) {
            state = S.HeadLf;
          } else {
            // SP/HTAB here is obs-fold or whitespace before the first field (RFC 9112 §2.2, §5.2).
            return this.#fail(400, 'invalid field line');
          }
          break;
        case S.Name:
          if (c === COLON) {
            if (this.#marks.length >= this.#limits.maxHeadersCount * 4)
              return this.#fail(431, 'too many fields');
            this.#nameEnd = base + i;
            state = S.ValueOws;
          } else if (TOKEN[c] !== 1) {
            // Includes whitespace before the colon (RFC 9112 §5.1: MUST reject).
            return this.#fail(400, 'invalid field name');
          }
          break;
        case S.ValueOws:
          if (c === SP || c === HTAB) break;
          if (c === CR) {
            this.#valueStart = this.#valueEnd = base + i;
            state = S.ValueLf;
          } else if (FIELD_VALUE[c] === 1) {
            this.#valueStart = base + i;
            this.#valueEnd = base + i + 1;
            state = S.Value;
          } else {
            return this.#fail(400, 'invalid field value');
          }
          break;
        case S.Value:
          if (c === CR) state = S.ValueLf;
          else if (FIELD_VALUE[c] !== 1) return this.#fail(400, 'invalid field value');
          else if (c !== SP && c !== HTAB) this.#valueEnd = base + i + 1;
          break;
        case S.ValueLf:
          if (c !== LF) return this.#fail(400, 'bare CR');
          this.#marks.push(this.#nameStart, this.#nameEnd, this.#valueStart, this.#valueEnd);
          state = S.FieldStart;
          break;
        case S.HeadLf:
          if (c !== LF) return this.#fail(400, 'bare CR');
          done = true;
          break;
      }
    }
    this.#state = state;
    if (i > from) {
      this.#scratch ??= Buffer.allocUnsafe(max);
      buf.copy(this.#scratch, this.#hlen, from, i);
      this.#hlen += i - from;
    }
    if (done) return this.#headDone(i);
    if (i === stop && stop < len) {
      return this.#fail(431, this.#trailers ? 'trailer section too large' : 'header section too large');
    }
    return i;
  }

  #fields(): string[] {
    const s = this.#scratch!;
    const m = this.#marks;
    const out = new Array<string>(m.length / 2);
    for (let k = 0; k < m.length; k += 2) out[k / 2] = s.toString('latin1', m[k], m[k + 1]);
    return out;
  }

  #headDone(i: number): number {
    const raw = this.#fields();
    this.#marks.length = 0;
    this.#hlen = 0;
    if (this.#trailers) {
      this.#complete(raw);
      return i;
    }
    const s = this.#scratch!;
    let head: RequestHead;
    try {
      const methodStart = this.#leadingCrlf ? 2 : 0;
      head = analyseHead(
        s.toString('latin1', methodStart, this.#methodEnd),
        s.toString('latin1', this.#targetStart, this.#targetEnd),
        this.#minor,
        raw,
        this.#limits.maxBodySize,
      );
    } catch (error) {
      const e = error as ParseError;
      return this.#fail(e.status, e.reason);
    }
    if (!head.keepAlive) this.#keepAlive = false;
    this.#bodyBytes = 0;
    this.#extBytes = 0;
    if (head.chunked) this.#state = S.SizeStart;
    else if (head.contentLength > 0) {
      this.#remaining = head.contentLength;
      this.#state = S.BodyLength;
    }
    this.#sink.onHead(head);
    // RFC 9112 §6.3 (7): no Content-Length and no Transfer-Encoding means no body.
    if (!head.chunked && head.contentLength <= 0) this.#complete(undefined);
    return i;
  }

  #complete(trailers: string[] | undefined): void {
    this.#trailers = false;
    this.#leadingCrlf = false;
    this.#state = this.#keepAlive ? S.Start : S.Dead;
    this.#sink.onComplete(trailers ?? []);
  }

  /** Chunk-size lines, extensions and the CRLF after chunk data (RFC 9112 §7.1). */
  #chunkFraming(buf: Buffer, from: number, len: number): number {
    let state = this.#state;
    let i = from;
    for (; i < len; i++) {
      const c = buf[i];
      if (state >= S.ExtName0 && state <= S.ExtAfterValue && ++this.#extBytes > MAX_CHUNK_EXTENSIONS) {
        return this.#fail(413, 'chunk extensions too large');
      }
      switch (state) {
        case S.SizeStart:
          if (HEX[c] === 0) return this.#fail(400, 'invalid chunk size');
          this.#remaining = HEX[c] - 1;
          state = S.Size;
          continue;
        case S.Size:
          if (HEX[c] !== 0) {
            // Overflow-safe: stop long before 2^53 (RFC 9112 §7.1 "anticipate ... overflow").
            if (this.#remaining > 0xffffffffff) return this.#fail(400, 'chunk size too large');
            this.#remaining = this.#remaining * 16 + HEX[c] - 1;
            continue;
          }
          if (this.#bodyBytes + this.#remaining > this.#limits.maxBodySize) {
            return this.#fail(413, 'body exceeds maxBodySize');
          }
          if (c === SEMI) state = S.ExtName0;
          else if (c === CR) state = S.SizeLf;
          else return this.#fail(400, 'invalid chunk size');
          continue;
        case S.ExtName0:
          if (c === SP || c === HTAB) continue;
          if (TOKEN[c] !== 1) return this.#fail(400, 'invalid chunk extension');
          state = S.ExtName;
          continue;
        case S.ExtName:
          if (TOKEN[c] === 1) continue;
          if (c === SP || c === HTAB) state = S.ExtAfterName;
          else if (c === 0x3d /* = */) state = S.ExtValue0;
          else if (c === SEMI) state = S.ExtName0;
          else if (c === CR) state = S.SizeLf;
          else return this.#fail(400, 'invalid chunk extension');
          continue;
        case S.ExtAfterName:
          if (c === SP || c === HTAB) continue;
          if (c === 0x3d) state = S.ExtValue0;
          else if (c === SEMI) state = S.ExtName0;
          else if (c === CR) state = S.SizeLf;
          else return this.#fail(400, 'invalid chunk extension');
          continue;
        case S.ExtValue0:
          if (c === SP || c === HTAB) continue;
          if (c === 0x22 /* " */) state = S.ExtQuoted;
          else if (TOKEN[c] === 1) state = S.ExtValue;
          else return this.#fail(400, 'invalid chunk extension');
          continue;
        case S.ExtValue:
          if (TOKEN[c] === 1) continue;
          if (c === SP || c === HTAB) state = S.ExtAfterValue;
          else if (c === SEMI) state = S.ExtName0;
          else if (c === CR) state = S.SizeLf;
          else return this.#fail(400, 'invalid chunk extension');
          continue;
        case S.ExtQuoted:
          if (c === 0x22) state = S.ExtAfterValue;
          else if (c === 0x5c /* \ */) state = S.ExtEscape;
          else if (FIELD_VALUE[c] !== 1) return this.#fail(400, 'invalid chunk extension');
          continue;
        case S.ExtEscape:
          if (FIELD_VALUE[c] !== 1) return this.#fail(400, 'invalid chunk extension');
          state = S.ExtQuoted;
          continue;
        case S.ExtAfterValue:
          if (c === SP || c === HTAB) continue;
          if (c === SEMI) state = S.ExtName0;
          else if (c === CR) state = S.SizeLf;
          else return this.#fail(400, 'invalid chunk extension');
          continue;
        case S.SizeLf:
          if (c !== LF) return this.#fail(400, 'bare CR');
          this.#bodyBytes += this.#remaining;
          if (this.#remaining === 0) {
            // last-chunk: a trailer section follows, read with the header states.
            this.#trailers = true;
            this.#state = S.FieldStart;
            return i + 1;
          }
          this.#state = S.Data;
          return i + 1;
        case S.DataCr:
          if (c !== CR) return this.#fail(400, 'chunk data not followed by CRLF');
          state = S.DataLf;
          continue;
        case S.DataLf:
          if (c !== LF) return this.#fail(400, 'bare CR');
          state = S.SizeStart;
          continue;
      }
    }
    this.#state = state;
    return i;
  }
}
