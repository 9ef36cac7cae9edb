import { ChunkDecoder } from './chunk-decoder';
import { analyseHead, type RequestHead } from './head';
import { HeadScanner } from './head-scanner';
import { ParseError } from './parse-error';

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
  /** A complete head; with `head.refusal` set, the parser is dead and reports nothing more. */
  onHead(head: RequestHead): void;
  /** A slice of the received buffer, valid as long as the caller keeps it. */
  onBody(chunk: Buffer): void;
  /** The message is complete; `trailers` are raw name/value pairs (RFC 9112 §7.1.2: never merged). */
  onComplete(trailers: string[]): void;
  onError(error: ParseError): void;
}

enum Phase {
  /** Request-line and headers, or trailers: the head scanner reads. */
  Head,
  /** A Content-Length body. */
  Length,
  /** A chunked body: the chunk decoder reads the framing, data is passed through. */
  Chunked,
  /** After an error or a closing message: nothing more is read. */
  Dead,
}

/**
 * An incremental HTTP/1.1 request parser over bytes (RFC 9112), as strict as llhttp without
 * lenient flags. Input may be split at any byte; every cap is checked as bytes arrive. After an
 * error, or after a message that ends the connection, it consumes nothing more.
 */
export class RequestParser {
  readonly #sink: ParserSink;
  readonly #limits: ParserLimits;
  readonly #head: HeadScanner;
  readonly #chunks: ChunkDecoder;
  #phase = Phase.Head;
  #keepAlive = true;
  #remaining = 0;
  #paused = false;

  constructor(sink: ParserSink, limits: ParserLimits) {
    this.#sink = sink;
    this.#limits = limits;
    this.#head = new HeadScanner(limits);
    this.#chunks = new ChunkDecoder(limits.maxBodySize);
  }

  /** True once the parser will read nothing more (error, or a non-persistent message completed). */
  get dead(): boolean {
    return this.#phase === Phase.Dead;
  }

  /** True while no message is in progress (nothing of the next request has been seen). */
  get idle(): boolean {
    return this.#phase === Phase.Head && this.#head.idle;
  }

  /** True while the request-line or header section is being read. */
  get inHead(): boolean {
    return this.#phase === Phase.Head && !this.#head.trailers && !this.#head.idle;
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
    if (this.idle) this.#phase = Phase.Dead;
  }

  /** Stops for good without reporting anything (timeouts, aborts). */
  kill(): void {
    this.#phase = Phase.Dead;
  }

  /** Parses `buf` from `start`; returns how far it got (less than `buf.length` only when paused or dead). */
  execute(buf: Buffer, start = 0): number {
    let i = start;
    const len = buf.length;
    try {
      while (i < len) {
        const phase = this.#phase;
        // Dead: everything after an error or a closing message is discarded, never parsed.
        if (phase === Phase.Dead) return len;
        if (phase === Phase.Head) {
          if (this.#paused && this.#head.idle) return i;
          i = this.#head.scan(buf, i, len);
          if (this.#head.complete) this.#headDone();
        } else if (phase === Phase.Length) {
          const n = Math.min(this.#remaining, len - i);
          this.#remaining -= n;
          this.#sink.onBody(buf.subarray(i, i + n));
          i += n;
          if (this.#remaining === 0) this.#complete([]);
        } else {
          i = this.#chunked(buf, i, len);
        }
      }
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      this.#phase = Phase.Dead;
      this.#sink.onError(error);
      return len;
    }
    return i;
  }

  #chunked(buf: Buffer, i: number, len: number): number {
    const chunks = this.#chunks;
    if (chunks.inData) {
      const n = Math.min(chunks.remaining, len - i);
      chunks.consumed(n);
      this.#sink.onBody(buf.subarray(i, i + n));
      return i + n;
    }
    const end = chunks.scan(buf, i, len);
    if (chunks.done) {
      // last-chunk: a trailer section follows, read with the header rules.
      this.#head.startTrailers();
      this.#phase = Phase.Head;
    }
    return end;
  }

  /** The scanner read a section's empty line: a request head to analyse, or the trailers. */
  #headDone(): void {
    const scanner = this.#head;
    if (scanner.trailers) {
      this.#complete(scanner.takeFields());
      return;
    }
    const [method, target] = scanner.requestLine();
    const head = analyseHead(method, target, scanner.minor, scanner.takeFields(), this.#limits.maxBodySize);
    if (head.refusal !== undefined) {
      // Refused, but well framed: the sink answers it; the body (if any) is never read, and
      // nothing after it either, since where the next request would start is not read.
      this.#phase = Phase.Dead;
      this.#sink.onHead(head);
      return;
    }
    if (!head.keepAlive) this.#keepAlive = false;
    if (head.chunked) {
      this.#chunks.reset();
      this.#phase = Phase.Chunked;
    } else if (head.contentLength > 0) {
      this.#remaining = head.contentLength;
      this.#phase = Phase.Length;
    }
    this.#sink.onHead(head);
    // RFC 9112 §6.3 (7): no Content-Length and no Transfer-Encoding means no body.
    if (!head.chunked && head.contentLength <= 0) this.#complete([]);
  }

  #complete(trailers: string[]): void {
    this.#head.reset();
    // A sink callback may have killed us (the answer said `close`): stay dead.
    if (this.#phase !== Phase.Dead) this.#phase = this.#keepAlive ? Phase.Head : Phase.Dead;
    this.#sink.onComplete(trailers);
  }
}
