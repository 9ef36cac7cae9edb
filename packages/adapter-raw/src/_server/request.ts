import { decodeBody, type ParsedTarget, parseJsonBody, parseTarget } from '@bouncer/core/adapter';
import type { BodyReader } from './body';
import type { RequestHead } from './head';

/** The app-facing request: the parsed head plus the body as a stream or as bytes. */
export class RawRequest implements AsyncIterable<Uint8Array> {
  readonly method: string;
  /** The request-target exactly as received. */
  readonly target: string;
  /** `'1.1'` or `'1.0'`. */
  readonly httpVersion: string;
  /** Field lines as received: name, value, name, value … */
  readonly rawHeaders: readonly string[];
  /** Trailer field lines (name, value …) once a chunked body completed; never merged into headers. */
  rawTrailers: readonly string[] = [];
  /** Remote address as the socket reports it (IPv6, or IPv4-mapped IPv6 as `::ffff:a.b.c.d`). */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Route parameters, filled by `Router`. */
  params: Record<string, string> = {};
  readonly #fields: ReadonlyMap<string, readonly string[]>;
  readonly #body: BodyReader;
  #parsed: ParsedTarget | undefined;
  #query: URLSearchParams | undefined;
  #headers: Record<string, string> | undefined;

  /** Made by the server for each request it parsed; `body` is the reader the server feeds. */
  constructor(head: RequestHead, address: string, port: number, body: BodyReader) {
    this.method = head.method;
    this.target = head.target;
    this.httpVersion = head.minor === 1 ? '1.1' : '1.0';
    this.rawHeaders = head.rawHeaders;
    this.#fields = head.fields;
    this.remoteAddress = address;
    this.remotePort = port;
    this.#body = body;
  }

  /**
   * The path part of the target, still percent-encoded (absolute-form reduced to its path), read
   * by the core's `parseTarget`, so it is the very path the chain judged. A target that reading
   * refuses is answered 400 before any handler runs; reading `path` on one throws.
   */
  get path(): string {
    return this.#target().path;
  }

  /** Query parameters, parsed on first use. */
  get query(): URLSearchParams {
    if (this.#query === undefined) this.#query = new URLSearchParams(this.#target().query);
    return this.#query;
  }

  #target(): ParsedTarget {
    if (this.#parsed === undefined) {
      const parsed = parseTarget(this.target);
      if (parsed === undefined)
        throw new TypeError(`Malformed request-target ${JSON.stringify(this.target)}`);
      this.#parsed = parsed;
    }
    return this.#parsed;
  }

  /** Lower-case name → value; repeated fields joined with `, ` (see `headersDistinct`). */
  get headers(): Record<string, string> {
    if (this.#headers === undefined) {
      const out: Record<string, string> = Object.create(null);
      for (const [name, values] of this.#fields)
        out[name] = values.length === 1 ? values[0] : values.join(', ');
      this.#headers = out;
    }
    return this.#headers;
  }

  /** Lower-case name → every field line's value. */
  get headersDistinct(): Record<string, string[]> {
    const out: Record<string, string[]> = Object.create(null);
    for (const [name, values] of this.#fields) out[name] = [...values];
    return out;
  }

  /** One header (case-insensitive name); repeated fields joined with `, `. */
  header(name: string): string | undefined {
    const values = this.#fields.get(name.toLowerCase());
    if (values === undefined) return undefined;
    return values.length === 1 ? values[0] : values.join(', ');
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return this.#body.iterate();
  }

  /** The whole body (already bounded by the server's `maxBodySize`). */
  bytes(): Promise<Uint8Array> {
    return this.#body.collect(Number.POSITIVE_INFINITY);
  }

  /** The body as UTF-8 text; invalid UTF-8 rejects with a 400 `HttpError` (the client's mistake). */
  async text(): Promise<string> {
    return decodeBody(await this.bytes());
  }

  /** The body parsed as JSON; malformed JSON rejects with a 400 `HttpError`, as in the core. */
  async json<T = unknown>(): Promise<T> {
    return parseJsonBody<T>(await this.text());
  }
}
