import { CR, FIELD_VALUE, HEX, HTAB, LF, SEMI, SP, TOKEN } from './chars';
import { ParseError } from './parse-error';

/** Chunk extensions allowed per request, as node caps them since CVE-2024-22019. */
const MAX_CHUNK_EXTENSIONS = 16 * 1024;

enum C {
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
  /** last-chunk read: a trailer section follows (RFC 9112 §7.1.2). */
  Done,
}

/**
 * The framing of a chunked body (RFC 9112 §7.1): chunk-size lines with their extensions and the
 * CRLF after each chunk's data. The data itself is handed through by the parser, which asks
 * `inData` / `remaining` and reports what it passed on with `consumed()`.
 */
export class ChunkDecoder {
  readonly #maxBodySize: number;
  #state = C.SizeStart;
  #remaining = 0;
  #bodyBytes = 0;
  #extBytes = 0;

  constructor(maxBodySize: number) {
    this.#maxBodySize = maxBodySize;
  }

  /** A new chunked body starts: every count starts from zero. */
  reset(): void {
    this.#state = C.SizeStart;
    this.#remaining = 0;
    this.#bodyBytes = 0;
    this.#extBytes = 0;
  }

  /** True while chunk data is expected (`remaining` bytes of it). */
  get inData(): boolean {
    return this.#state === C.Data;
  }

  /** Data bytes left in the current chunk. */
  get remaining(): number {
    return this.#remaining;
  }

  /** True once the last-chunk was read: the trailer section comes next. */
  get done(): boolean {
    return this.#state === C.Done;
  }

  /** `n` data bytes were passed on; after the last one the chunk's CRLF is expected. */
  consumed(n: number): void {
    this.#remaining -= n;
    if (this.#remaining === 0) this.#state = C.DataCr;
  }

  /**
   * Reads framing bytes from `from`; stops after a chunk-size line (data or trailers follow) or
   * at `len`. Returns the offset reached; throws `ParseError` on anything malformed.
   */
  scan(buf: Buffer, from: number, len: number): number {
    let state = this.#state;
    let i = from;
    for (; i < len; i++) {
      const c = buf[i];
      if (state >= C.ExtName0 && state <= C.ExtAfterValue && ++this.#extBytes > MAX_CHUNK_EXTENSIONS) {
        throw new ParseError(413, 'chunk extensions too large');
      }
      switch (state) {
        case C.SizeStart:
          if (HEX[c] === 0) throw new ParseError(400, 'invalid chunk size');
          this.#remaining = HEX[c] - 1;
          state = C.Size;
          continue;
        case C.Size:
          if (HEX[c] !== 0) {
            // Overflow-safe: stop long before 2^53 (RFC 9112 §7.1 "anticipate ... overflow").
            if (this.#remaining > 0xffffffffff) throw new ParseError(400, 'chunk size too large');
            this.#remaining = this.#remaining * 16 + HEX[c] - 1;
            continue;
          }
          if (this.#bodyBytes + this.#remaining > this.#maxBodySize) {
            throw new ParseError(413, 'body exceeds maxBodySize');
          }
          if (c === SEMI) state = C.ExtName0;
          else if (c === CR) state = C.SizeLf;
          else throw new ParseError(400, 'invalid chunk size');
          continue;
        case C.SizeLf:
          if (c !== LF) throw new ParseError(400, 'bare CR');
          this.#bodyBytes += this.#remaining;
          this.#state = this.#remaining === 0 ? C.Done : C.Data;
          return i + 1;
        case C.DataCr:
          if (c !== CR) throw new ParseError(400, 'chunk data not followed by CRLF');
          state = C.DataLf;
          continue;
        case C.DataLf:
          if (c !== LF) throw new ParseError(400, 'bare CR');
          state = C.SizeStart;
          continue;
        default:
          state = extension(state, c);
      }
    }
    this.#state = state;
    return i;
  }
}

/**
 * One byte of `chunk-ext = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )` (RFC 9112 §7.1.1):
 * checked for shape and otherwise ignored, as the RFC allows.
 */
function extension(state: C, c: number): C {
  const ws = c === SP || c === HTAB;
  switch (state) {
    case C.ExtName0:
      if (ws) return state;
      if (TOKEN[c] === 1) return C.ExtName;
      break;
    case C.ExtName:
      if (TOKEN[c] === 1) return state;
      if (ws) return C.ExtAfterName;
      if (c === 0x3d /* = */) return C.ExtValue0;
      if (c === SEMI) return C.ExtName0;
      if (c === CR) return C.SizeLf;
      break;
    case C.ExtAfterName:
      if (ws) return state;
      if (c === 0x3d) return C.ExtValue0;
      if (c === SEMI) return C.ExtName0;
      if (c === CR) return C.SizeLf;
      break;
    case C.ExtValue0:
      if (ws) return state;
      if (c === 0x22 /* " */) return C.ExtQuoted;
      if (TOKEN[c] === 1) return C.ExtValue;
      break;
    case C.ExtValue:
      if (TOKEN[c] === 1) return state;
      if (ws) return C.ExtAfterValue;
      if (c === SEMI) return C.ExtName0;
      if (c === CR) return C.SizeLf;
      break;
    case C.ExtQuoted:
      if (c === 0x22) return C.ExtAfterValue;
      if (c === 0x5c /* \ */) return C.ExtEscape;
      if (FIELD_VALUE[c] === 1) return state;
      break;
    case C.ExtEscape:
      if (FIELD_VALUE[c] === 1) return C.ExtQuoted;
      break;
    case C.ExtAfterValue:
      if (ws) return state;
      if (c === SEMI) return C.ExtName0;
      if (c === CR) return C.SizeLf;
      break;
  }
  throw new ParseError(400, 'invalid chunk extension');
}
