import { COLON, CR, FIELD_VALUE, HTAB, LF, SP, TARGET, TOKEN } from './chars';
import { ParseError } from './parse-error';

/** The bounds a head section is read within. */
export interface HeadLimits {
  maxHeaderSize: number;
  maxHeadersCount: number;
  maxRequestTargetLength: number;
}

enum H {
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
  /** The empty line ending the section was read. */
  Done,
}

const VERSION_PREFIX = [0x48, 0x54, 0x54, 0x50, 0x2f, 0, 0x2e, 0]; // "HTTP/" DIGIT "." DIGIT

/**
 * Reads a request-line and header section (RFC 9112 §3, §5), or a trailer section (§7.1.2), one
 * byte at a time. Only offsets are kept until the section is complete; a section split across
 * reads is copied to a scratch buffer so that they survive any split of the input.
 */
export class HeadScanner {
  readonly #limits: HeadLimits;
  #state = H.Start;
  #scratch: Buffer | undefined;
  #hlen = 0;
  /** The complete section as latin1 text (one decode per section; fields are slices of it). */
  #text = '';
  /** Field boundaries (name start, name end, value start, value end …); reused across sections. */
  #marks: number[] = [];
  /** How many entries of `#marks` belong to the section being read. */
  #nmarks = 0;
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

  constructor(limits: HeadLimits) {
    this.#limits = limits;
  }

  /** Nothing of the next request-line has been seen. */
  get idle(): boolean {
    return this.#state === H.Start && !this.#leadingCrlf;
  }

  /** The last `scan` read the section's empty line. */
  get complete(): boolean {
    return this.#state === H.Done;
  }

  /** A trailer section, not a request head, is being read. */
  get trailers(): boolean {
    return this.#trailers;
  }

  /** The request's minor version (valid once its request-line was read). */
  get minor(): number {
    return this.#minor;
  }

  /** Ready for the next request-line. */
  reset(): void {
    this.#state = H.Start;
    this.#leadingCrlf = false;
    this.#trailers = false;
  }

  /** The last-chunk was read: field lines follow, with the header rules. */
  startTrailers(): void {
    this.#state = H.FieldStart;
    this.#trailers = true;
  }

  /** Method and target of the request-line just read. */
  requestLine(): [method: string, target: string] {
    const text = this.#text;
    const methodStart = this.#leadingCrlf ? 2 : 0;
    return [text.slice(methodStart, this.#methodEnd), text.slice(this.#targetStart, this.#targetEnd)];
  }

  /** The section's field lines (name, value …) as received; clears them for the next section. */
  takeFields(): string[] {
    const text = this.#text;
    const m = this.#marks;
    const n = this.#nmarks;
    const out = new Array<string>(n / 2);
    for (let k = 0; k < n; k += 2) out[k / 2] = text.slice(m[k], m[k + 1]);
    this.#nmarks = 0;
    this.#hlen = 0;
    this.#text = '';
    return out;
  }

  /**
   * Scans from `from` up to the section's end (then `complete`); returns the offset reached.
   * Throws `ParseError` on anything malformed or over a limit, as soon as the byte arrives.
   */
  scan(buf: Buffer, from: number, len: number): number {
    const max = this.#limits.maxHeaderSize;
    const stop = Math.min(len, from + (max - this.#hlen));
    const base = this.#hlen - from; // head position of buf[i] is base + i
    let state = this.#state;
    let i = from;
    for (; i < stop && state !== H.Done; i++) {
      const c = buf[i];
      switch (state) {
        case H.Start:
          if (TOKEN[c] === 1 && !this.#trailers) {
            state = H.Method;
          } else if (c === CR && !this.#leadingCrlf && !this.#trailers) {
            // RFC 9112 §2.2: ignore at least one empty line before the request-line.
            this.#leadingCrlf = true;
            state = H.StartLf;
          } else {
            throw new ParseError(400, 'invalid request-line');
          }
          break;
        case H.StartLf:
          if (c !== LF) throw new ParseError(400, 'bare CR');
          state = H.Start;
          break;
        case H.Method:
          if (c === SP) {
            this.#methodEnd = base + i;
            state = H.TargetStart;
          } else if (TOKEN[c] !== 1) throw new ParseError(400, 'invalid method');
          else while (i + 1 < stop && TOKEN[buf[i + 1]] === 1) i++;
          break;
        case H.TargetStart:
          if (TARGET[c] !== 1) throw new ParseError(400, 'invalid request-target');
          this.#targetStart = base + i;
          state = H.Target;
          break;
        case H.Target:
          if (c === SP) {
            this.#targetEnd = base + i;
            this.#versionIndex = 0;
            state = H.Version;
          } else if (TARGET[c] !== 1) {
            throw new ParseError(400, 'invalid request-target');
          } else if (base + i - this.#targetStart >= this.#limits.maxRequestTargetLength) {
            throw new ParseError(414, 'request-target too long');
          } else {
            // Skip the plain bytes in one tight loop, stopping short of the length limit so that
            // the byte at the limit still gets its 414 above.
            const end = Math.min(stop, this.#targetStart - base + this.#limits.maxRequestTargetLength);
            while (i + 1 < end && TARGET[buf[i + 1]] === 1) i++;
          }
          break;
        case H.Version:
          state = this.#version(c);
          break;
        case H.LineLf:
          if (c !== LF) throw new ParseError(400, 'bare CR');
          state = H.FieldStart;
          break;
        case H.FieldStart:
          if (TOKEN[c] === 1) {
            this.#nameStart = base + i;
            state = H.Name;
          } else if (c === CR) {
            state = H.HeadLf;
          } else {
            // SP/HTAB here is obs-fold or whitespace before the first field (RFC 9112 §2.2, §5.2).
            throw new ParseError(400, 'invalid field line');
          }
          break;
        case H.Name:
          if (c === COLON) {
            if (this.#nmarks >= this.#limits.maxHeadersCount * 4)
              throw new ParseError(431, 'too many fields');
            this.#nameEnd = base + i;
            state = H.ValueOws;
          } else if (TOKEN[c] !== 1) {
            // Includes whitespace before the colon (RFC 9112 §5.1: MUST reject).
            throw new ParseError(400, 'invalid field name');
          } else while (i + 1 < stop && TOKEN[buf[i + 1]] === 1) i++;
          break;
        case H.ValueOws:
          if (c === SP || c === HTAB) break;
          if (c === CR) {
            this.#valueStart = this.#valueEnd = base + i;
            state = H.ValueLf;
          } else if (FIELD_VALUE[c] === 1) {
            this.#valueStart = base + i;
            this.#valueEnd = base + i + 1;
            state = H.Value;
          } else {
            throw new ParseError(400, 'invalid field value');
          }
          break;
        case H.Value:
          if (c === CR) state = H.ValueLf;
          else if (FIELD_VALUE[c] !== 1) throw new ParseError(400, 'invalid field value');
          else {
            // The rest of the value in one tight loop (CR is not a FIELD_VALUE byte: it stops it).
            let end = c !== SP && c !== HTAB ? base + i + 1 : this.#valueEnd;
            while (i + 1 < stop) {
              const d = buf[i + 1];
              if (FIELD_VALUE[d] !== 1) break;
              i++;
              if (d !== SP && d !== HTAB) end = base + i + 1;
            }
            this.#valueEnd = end;
          }
          break;
        case H.ValueLf:
          if (c !== LF) throw new ParseError(400, 'bare CR');
          this.#mark();
          state = H.FieldStart;
          break;
        case H.HeadLf:
          if (c !== LF) throw new ParseError(400, 'bare CR');
          state = H.Done;
          break;
      }
    }
    this.#state = state;
    if (i > from) {
      if (state === H.Done && this.#hlen === 0) {
        // The whole section came in one read (the usual case): decode it straight from `buf`.
        this.#text = buf.toString('latin1', from, i);
        this.#hlen = i - from;
      } else {
        // Split across reads: keep the bytes so that offsets stay valid, decode once at the end.
        this.#scratch ??= Buffer.allocUnsafe(max);
        buf.copy(this.#scratch, this.#hlen, from, i);
        this.#hlen += i - from;
        if (state === H.Done) this.#text = this.#scratch.toString('latin1', 0, this.#hlen);
      }
    }
    if (state !== H.Done && i === stop && stop < len) {
      throw new ParseError(431, this.#trailers ? 'trailer section too large' : 'header section too large');
    }
    return i;
  }

  #mark(): void {
    const m = this.#marks;
    const k = this.#nmarks;
    m[k] = this.#nameStart;
    m[k + 1] = this.#nameEnd;
    m[k + 2] = this.#valueStart;
    m[k + 3] = this.#valueEnd;
    this.#nmarks = k + 4;
  }

  /** HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3); then the line's CR. */
  #version(c: number): H {
    const k = this.#versionIndex++;
    if (k === 8) {
      if (c !== CR) throw new ParseError(400, 'invalid HTTP-version');
      if (this.#major !== 1 || this.#minor > 1) throw new ParseError(505, 'unsupported HTTP version');
      return H.LineLf;
    }
    if (k === 5 || k === 7) {
      if (c < 0x30 || c > 0x39) throw new ParseError(400, 'invalid HTTP-version');
      if (k === 5) this.#major = c - 0x30;
      else this.#minor = c - 0x30;
    } else if (c !== VERSION_PREFIX[k]) {
      throw new ParseError(400, 'invalid HTTP-version');
    }
    return H.Version;
  }
}
