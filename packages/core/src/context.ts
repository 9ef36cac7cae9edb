import { RequestBody } from './body';
import { HttpError, PROBLEM_TYPE, problemBody } from './errors';
import type { FinishInfo, Host, HostFinish, ResponseBody, ShortCircuit, State } from './types';

const encoder = new TextEncoder();

// Header names reach the core in a handful of spellings (policies use constants): remembering
// their lower-case form saves a `toLowerCase()` per read on the per-request path.
const lowered = new Map<string, string>();
function lower(name: string): string {
  let l = lowered.get(name);
  if (l === undefined) {
    l = name.toLowerCase();
    if (lowered.size < 512) lowered.set(name, l);
  }
  return l;
}

/** The path of a request-target, still percent-encoded: origin-form as is, absolute-form reduced. */
export function targetPath(target: string): string {
  let t = target;
  if (t.charCodeAt(0) !== 47 /* / */) {
    const scheme = t.indexOf('://');
    if (scheme > 0) {
      const slash = t.indexOf('/', scheme + 3);
      t = slash === -1 ? '/' : t.slice(slash);
    }
  }
  const q = t.indexOf('?');
  const h = t.indexOf('#');
  const end = q === -1 ? (h === -1 ? t.length : h) : q;
  return t.slice(0, end);
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; everything else as given. */
function normalisePeer(address: string): string {
  if (
    address.length > 7 &&
    address.charCodeAt(0) === 58 /* : */ &&
    /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address)
  ) {
    return address.slice(7);
  }
  return address;
}

/** The request as every middleware sees it, whatever the host. */
export class BouncerRequest {
  readonly #host: Host;
  #path: string | undefined;
  #query: URLSearchParams | undefined;
  readonly method: string;
  readonly target: string;
  readonly scheme: 'http' | 'https';
  /** Socket peer address (IPv4-mapped IPv6 normalised to IPv4). */
  readonly peer: string;
  /** The client's address: the peer, until a trust-proxy policy resolves forwarded headers. */
  ip: string;
  readonly body: RequestBody;

  constructor(host: Host) {
    this.#host = host;
    this.method = host.method;
    this.target = host.target;
    this.scheme = host.scheme;
    this.peer = normalisePeer(host.peer);
    this.ip = this.peer;
    this.body = new RequestBody(host);
  }

  /** The path part of the target, still percent-encoded (absolute-form targets reduced to their path). */
  get path(): string {
    if (this.#path === undefined) this.#path = targetPath(this.target);
    return this.#path;
  }

  /** Query parameters, parsed on first use. */
  get query(): URLSearchParams {
    if (this.#query === undefined) {
      const q = this.target.indexOf('?');
      this.#query = new URLSearchParams(q === -1 ? '' : this.target.slice(q + 1).split('#', 1)[0]);
    }
    return this.#query;
  }

  /** A request header by name (case-insensitive); several field lines joined with `, `. */
  header(name: string): string | undefined {
    return this.#host.header(lower(name));
  }

  /** A request header's field lines, one entry each (case-insensitive name). */
  headerValues(name: string): readonly string[] {
    return this.#host.headerValues(lower(name));
  }
}

/** The response head: staged before `next()`, the downstream's own after it. */
export class BouncerResponse {
  readonly #ctx: Context<any>;
  readonly #host: Host;

  constructor(ctx: Context<any>, host: Host) {
    this.#ctx = ctx;
    this.#host = host;
  }

  /** The status that will go on the wire: the chain's own answer, else the downstream's. */
  get status(): number {
    return this.#ctx.response?.status ?? this.#host.status();
  }

  get(name: string): string | undefined {
    return this.#host.getHeader(lower(name));
  }

  has(name: string): boolean {
    return this.#host.getHeader(lower(name)) !== undefined;
  }

  set(name: string, value: string | readonly string[]): void {
    this.#host.setHeader(name, value);
  }

  /** Adds a value: a comma-separated list for most fields, a second field line for `Set-Cookie`. */
  append(name: string, value: string): void {
    const lowerName = lower(name);
    const current = this.#host.getHeader(lowerName);
    if (current === undefined || current === '') this.#host.setHeader(name, value);
    else if (lowerName === 'set-cookie')
      this.#host.setHeader(name, [...current.split(/,(?=\s*[^;,=\s]+=)/), value]);
    else this.#host.setHeader(name, `${current}, ${value}`);
  }

  delete(name: string): void {
    this.#host.removeHeader(name);
  }

  /** Adds `field` to `Vary` unless it (or `*`) is already listed. */
  vary(field: string): void {
    const current = this.#host.getHeader('vary');
    if (current === undefined || current === '') {
      this.#host.setHeader('Vary', field);
      return;
    }
    const wanted = field.toLowerCase();
    for (const part of current.split(',')) {
      const p = part.trim().toLowerCase();
      if (p === '*' || p === wanted) return;
    }
    this.#host.setHeader('Vary', `${current}, ${field}`);
  }
}

type FinishListener = (info: FinishInfo) => void;

/** One request travelling through the chain. */
export class Context<S extends object = State> {
  readonly req: BouncerRequest;
  readonly res: BouncerResponse;
  /** Typed per-request state, shared with the handler in its framework's idiom. */
  readonly state: S;
  /** `performance.now()` when the chain started. */
  readonly startTime: number;
  /** The chain's own answer, when a middleware short-circuits. */
  response: ShortCircuit | undefined;
  /** The policy that rejected the request, and why (for the access log). */
  rejection: { policy: string; reason: string } | undefined;
  /** An unexpected error turned into a 500 on the way. */
  error: unknown;
  /** True once the downstream application has been entered. */
  reachedDownstream = false;
  readonly #host: Host;
  #finish: FinishListener[] | undefined;

  constructor(host: Host, state: S) {
    this.#host = host;
    this.state = state;
    this.startTime = performance.now();
    this.req = new BouncerRequest(host);
    this.res = new BouncerResponse(this, host);
  }

  /** The adapter's view of the host, for middleware that need it (rarely). */
  get host(): Host {
    return this.#host;
  }

  /**
   * Answers now, without the application: call it and return without `next()`.
   * Headers already set on `ctx.res` are kept; outer middleware still see and stamp the answer.
   * Called after `next()`, it replaces the downstream's answer (its body is discarded), which is
   * possible because adapters hold the downstream's head until the chain has finished.
   */
  respond(status: number, body: ResponseBody = null, headers?: Record<string, string>): void {
    if (headers) for (const name in headers) this.#host.setHeader(name, headers[name]);
    if (status === 204 || status === 304) {
      // RFC 9110 §8.6: no Content-Length (and no content) on 204; Koa and Node strip them anyway.
      this.#host.removeHeader('Content-Length');
      this.#host.removeHeader('Content-Type');
      this.response = { status, body: null };
      return;
    }
    const bytes = typeof body === 'string' ? encoder.encode(body) : body;
    this.#host.setHeader('Content-Length', String(bytes ? bytes.byteLength : 0));
    // An over-large body was left (partly) unread: close rather than parse it as the next request.
    if (status === 413) this.#host.setHeader('Connection', 'close');
    this.response = { status, body: bytes };
  }

  /** Answers with the shared problem+json body (RFC 9457) and records which policy said no. */
  reject(status: number, detail?: string, policy?: string, headers?: Record<string, string>): void {
    if (policy) this.rejection = { policy, reason: detail ?? '' };
    this.#host.setHeader('Content-Type', PROBLEM_TYPE);
    this.respond(status, problemBody(status, detail), headers);
  }

  /** Turns anything a middleware threw into the chain's answer (called by `compose`). */
  fail(error: unknown): void {
    if (HttpError.is(error)) {
      this.reject(error.status, error.detail, error.policy ?? this.rejection?.policy, error.headers);
      return;
    }
    this.error = error;
    try {
      this.#host.reportError(error);
    } catch {
      // A failing reporter must not turn a 500 into a crash.
    }
    this.#host.removeHeader('Content-Encoding');
    this.reject(500);
  }

  /** Runs `listener` once, after the last byte is written or the client aborts. */
  onFinish(listener: FinishListener): void {
    if (this.#finish) {
      this.#finish.push(listener);
      return;
    }
    this.#finish = [listener];
    this.#host.onFinish((info: HostFinish) => {
      const done: FinishInfo = {
        status: this.res.status,
        bytes: info.bytes,
        aborted: info.aborted,
        duration: performance.now() - this.startTime,
      };
      for (const fn of this.#finish!) {
        try {
          fn(done);
        } catch (error) {
          this.#host.reportError(error);
        }
      }
    });
  }
}
