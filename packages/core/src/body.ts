import { HttpError } from './errors';
import type { Host } from './types';
import { contentLength } from './utils/http-grammar';

/** 1 MiB: what a middleware may buffer when no `bodyLimit` policy set a tighter bound. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Bounded, read-once-replay-many access to the request body. The bytes are read from the host
 * at most once; the host hands the same bytes on to its own downstream (body replay).
 */
export class RequestBody {
  #host: Host;
  #read: Promise<Uint8Array> | undefined;
  /** Bytes any middleware may buffer; `bodyLimit` lowers it. */
  limit = DEFAULT_BODY_LIMIT;

  constructor(host: Host) {
    this.#host = host;
  }

  /**
   * Declared `Content-Length`, or undefined for chunked / absent / invalid values; `Infinity` for
   * one too long to read exactly.
   */
  get length(): number | undefined {
    const raw = this.#host.header('content-length');
    return raw === undefined ? undefined : contentLength(raw);
  }

  /** True when the request announces a body (RFC 9112 §6.3: Content-Length > 0 or Transfer-Encoding). */
  get present(): boolean {
    const len = this.length;
    return (len !== undefined && len > 0) || this.#host.header('transfer-encoding') !== undefined;
  }

  /** True once a middleware has started reading the body. */
  get consumed(): boolean {
    return this.#read !== undefined;
  }

  bytes(): Promise<Uint8Array> {
    if (this.#read) return this.#read;
    const declared = this.length;
    if (declared !== undefined && declared > this.limit) {
      this.#read = Promise.reject(bodyTooLarge(this.limit));
    } else if (!this.present) {
      this.#read = Promise.resolve(new Uint8Array(0));
    } else {
      this.#read = this.#host.readBody(this.limit);
    }
    return this.#read;
  }

  async text(): Promise<string> {
    return decodeBody(await this.bytes());
  }

  async json<T = unknown>(): Promise<T> {
    return parseJsonBody<T>(await this.text());
  }
}

/**
 * The answer to a body past `limit` bytes, whoever counts them (RFC 9110 §15.5.14): `bodyLimit`, a
 * declared length, or the host reading the bytes.
 */
export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(413, { detail: `Body exceeds ${limit} bytes`, policy: 'bodyLimit' });
}

/** Body bytes as UTF-8 text; invalid UTF-8 is the client's mistake: a 400 `HttpError`. */
export function decodeBody(bytes: Uint8Array): string {
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new HttpError(400, { detail: 'Body is not valid UTF-8', cause });
  }
}

/** A body's text parsed as JSON; malformed JSON is a 400 `HttpError`. */
export function parseJsonBody<T = unknown>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new HttpError(400, { detail: 'Body is not valid JSON', cause });
  }
}
