import { RequestBody } from './body';
import { HttpError, PROBLEM_TYPE, problemBody } from './errors';
import { hostOk, type ParsedTarget, parseTarget } from './target';
import type { FinishInfo, HeadHook, Host, HostFinish, ResponseBody, ShortCircuit, State } from './types';
import { intern } from './utils/intern';

const encoder = new TextEncoder();

// Header names reach the core in a handful of spellings (policies use constants): remembering
// their lower-case form, interned, saves a `toLowerCase()` per read on the per-request path and
// lets the host compare it with its own keys by identity.
const lowered = new Map<string, string>();
function lower(name: string): string {
  let l = lowered.get(name);
  if (l === undefined) {
    l = intern(name.toLowerCase());
    if (lowered.size < 512) lowered.set(name, l);
  }
  return l;
}

/** The answer to a target `parseTarget` refuses; thrown where a policy first needs the path. */
function malformedTarget(): HttpError {
  return new HttpError(400, {
    detail: 'The request-target or Host is not one every reader parses alike',
    policy: 'target',
  });
}

/** The answer to a request whose header section the host cut short (`Host.headersCut`). */
export function cutHeaders(): HttpError {
  return new HttpError(431, {
    detail: 'Too many header field lines: the server kept only part of them',
    policy: 'headers',
  });
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
  /** `undefined` when the target or the Host field is refused (see `parseTarget`, `hostOk`). */
  readonly #target: ParsedTarget | undefined;
  #query: URLSearchParams | undefined;
  readonly method: string;
  readonly target: string;
  readonly scheme: 'http' | 'https';
  /** Socket peer address (IPv4-mapped IPv6 normalised to IPv4). */
  readonly peer: string;
  /** The client's address: the peer, until a trust-proxy policy resolves forwarded headers. */
  ip: string;
  readonly body: RequestBody;
  /** True when the host dropped some of the request's field lines (see `Host.headersCut`). */
  readonly headersCut: boolean;

  constructor(host: Host) {
    this.#host = host;
    this.method = host.method;
    this.target = host.target;
    const parsed = parseTarget(host.target);
    this.#target = parsed !== undefined && hostOk(host.headerValues('host')) ? parsed : undefined;
    this.scheme = host.scheme;
    this.peer = normalisePeer(host.peer);
    this.ip = this.peer;
    this.body = new RequestBody(host);
    this.headersCut = host.headersCut === true;
  }

  /**
   * The path part of the target, still percent-encoded (absolute-form reduced to its path): the
   * string every host's router routes. Throws a 400 `HttpError` when the target is one the hosts
   * could read differently, so no policy ever judges a path the application would not route.
   */
  get path(): string {
    if (this.#target === undefined) throw malformedTarget();
    return this.#target.path;
  }

  /**
   * False when the target (or the Host field) was refused: `path` and `query` throw, and the
   * request is answered 400 instead of reaching the application.
   */
  get targetOk(): boolean {
    return this.#target !== undefined;
  }

  /** Query parameters, parsed on first use (throws like `path` on a refused target). */
  get query(): URLSearchParams {
    if (this.#query === undefined) {
      if (this.#target === undefined) throw malformedTarget();
      this.#query = new URLSearchParams(this.#target.query);
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

/**
 * The response head. Writable on the way in (before `next()`) and inside head hooks; once the
 * downstream has answered, a write outside a head hook throws (see `Next`).
 */
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
    this.#ctx.assertWritable('ctx.res.set()');
    this.#host.setHeader(name, value);
  }

  /**
   * Sets `names[i]` to `values[i]` for each header the response does not carry yet (a value the
   * downstream set wins); `lower[i]` is the name in lower case. For fixed header sets computed
   * once: the host may check the whole set in one go.
   */
  setMissing(names: readonly string[], lower: readonly string[], values: readonly string[]): void {
    this.#ctx.assertWritable('ctx.res.setMissing()');
    const host = this.#host;
    if (host.setMissing !== undefined) {
      host.setMissing(names, lower, values);
      return;
    }
    for (let i = 0; i < names.length; i++) {
      if (host.getHeader(lower[i]) === undefined) host.setHeader(names[i], values[i]);
    }
  }

  /** Adds a value: a comma-separated list for most fields, a second field line for `Set-Cookie`. */
  append(name: string, value: string): void {
    this.#ctx.assertWritable('ctx.res.append()');
    const lowerName = lower(name);
    const current = this.#host.getHeader(lowerName);
    if (current === undefined || current === '') this.#host.setHeader(name, value);
    else if (lowerName === 'set-cookie')
      // A host that joined several lines (`getHeader` gives one string) used ", ": split at a comma
      // that starts a new `name=` and drop the space, so each line goes out as it was set.
      this.#host.setHeader(name, [...current.split(/,\s*(?=[^;,=\s]+=)/), value]);
    else this.#host.setHeader(name, `${current}, ${value}`);
  }

  delete(name: string): void {
    this.#ctx.assertWritable('ctx.res.delete()');
    this.#host.removeHeader(name);
  }

  /** Adds `field` to `Vary` unless it (or `*`) is already listed. */
  vary(field: string): void {
    this.#ctx.assertWritable('ctx.res.vary()');
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

/** Where a request is: the chain may answer and write headers only while `OPEN` (or in `HEAD`). */
const OPEN = 0; // on the way in, or waiting for the downstream
const ANSWERED = 1; // next() resolved: the downstream's answer stands
const HEAD = 2; // the head hooks are running
const SENT = 3; // the head is written
type Stage = typeof OPEN | typeof ANSWERED | typeof HEAD | typeof SENT;

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
  /** The status and detail of the chain's own problem+json answer, when it gave one. */
  problem: { status: number; detail: string | undefined } | undefined;
  /** An unexpected error turned into a 500 on the way. */
  error: unknown;
  /**
   * Set when the request cannot be judged faithfully (a target the hosts would read differently,
   * a header section the host cut short): the chain still runs, but the application is never
   * entered and this becomes the answer.
   */
  readonly refusal: HttpError | undefined;
  /** True once the downstream application has been entered. */
  reachedDownstream = false;
  readonly #host: Host;
  #finish: FinishListener[] | undefined;
  #head: HeadHook<any>[] | undefined;
  #stage: Stage = OPEN;

  constructor(host: Host, state: S) {
    this.#host = host;
    this.state = state;
    this.startTime = performance.now();
    this.req = new BouncerRequest(host);
    this.res = new BouncerResponse(this, host);
    this.refusal = this.req.headersCut ? cutHeaders() : this.req.targetOk ? undefined : malformedTarget();
  }

  /**
   * True once the downstream's answer stands (`next()` resolved) or the head is being written:
   * from then on only head hooks change the response.
   */
  get answered(): boolean {
    return this.#stage !== OPEN;
  }

  /**
   * Registers `hook` to run once, synchronously, just before the response head is written —
   * whoever writes it (the application, the host's own 404/500, or the chain's answer). Register
   * on the way in: after `next()` has resolved it throws. Hooks run innermost first.
   *
   * @example
   * const poweredBy: Middleware = (ctx, next) => {
   *   ctx.onHead((c) => c.res.delete('X-Powered-By'));
   *   return next();
   * };
   */
  onHead(hook: HeadHook<S>): void {
    if (this.#stage !== OPEN)
      throw new TypeError('ctx.onHead(): register head hooks on the way in, before `await next()` resolves');
    if (this.#head) {
      this.#head.push(hook);
      return;
    }
    this.#head = [hook];
    this.#host.onHead(() => this.#runHead());
  }

  #runHead(): void {
    if (this.#stage >= HEAD) return;
    this.#stage = HEAD;
    const hooks = this.#head!;
    for (let i = hooks.length - 1; i >= 0; i--) {
      try {
        hooks[i](this);
      } catch (error) {
        this.#outboundError(error);
      }
    }
    this.#stage = SENT;
  }

  /** An error once the answer stands: reported, and the answer left exactly as it is. */
  #outboundError(error: unknown): void {
    if (this.error === undefined) this.error = error;
    try {
      this.#host.reportError(error);
    } catch {
      // A failing reporter must not break the answer being written.
    }
  }

  #assertOpen(what: string): void {
    if (this.#stage !== OPEN)
      throw new TypeError(
        `${what}: the downstream has already answered; answer on the way in, before next()`,
      );
  }

  /** Called by `runChain` when the downstream has produced its answer. */
  downstreamAnswered(): void {
    if (this.#stage === OPEN) this.#stage = ANSWERED;
  }

  /** Throws unless the response may still be changed here (on the way in, or in a head hook). */
  assertWritable(what: string): void {
    if (this.#stage === OPEN || this.#stage === HEAD) return;
    throw new TypeError(
      `${what}: the downstream has already answered; change the response head in a ctx.onHead() hook registered before next()`,
    );
  }

  /**
   * Answers now, without the application: call it on the way in and return without `next()`.
   * Headers already set on `ctx.res` are kept; head hooks registered by outer middleware still
   * stamp the answer. Once the downstream has answered it throws: an answer already produced
   * (on Express, possibly already on the wire) is never replaced.
   */
  respond(status: number, body: ResponseBody = null, headers?: Record<string, string>): void {
    this.#assertOpen('ctx.respond()');
    // A refused request gets no success from anyone (a CORS preflight grant, say): the refusal.
    if (status < 400 && this.refusal !== undefined) {
      this.fail(this.refusal);
      return;
    }
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
    this.#assertOpen('ctx.reject()');
    if (policy) this.rejection = { policy, reason: detail ?? '' };
    this.problem = { status, detail };
    this.#host.setHeader('Content-Type', PROBLEM_TYPE);
    this.respond(status, problemBody(status, detail), headers);
  }

  /**
   * Turns anything a middleware threw into the chain's answer (called by `compose`). Once the
   * downstream has answered, the error is only reported: the answer is left as it is.
   */
  fail(error: unknown): void {
    if (this.#stage !== OPEN) {
      this.#outboundError(error);
      return;
    }
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
