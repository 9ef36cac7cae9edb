import type { Context } from './context';

export type Awaitable<T> = T | Promise<T>;

/** Per-request values that middleware hand to the application (authenticated user, request id, …). */
export type State = Record<string, unknown>;

/**
 * What an adapter implements, once per request, so that the core never touches a framework.
 * Everything here is a thin view over the host's own request and response objects: the core
 * reads and writes through it, it never copies the host's headers or body up front.
 */
export interface Host {
  /** Request method, upper-case as received. */
  readonly method: string;
  /** The request-target exactly as received (`/a/b?x=1`, or absolute-form). */
  readonly target: string;
  /** `https` when the connection itself is TLS; forwarded protocol headers are not trusted here. */
  readonly scheme: 'http' | 'https';
  /** Socket peer address as the runtime reports it (the core normalises IPv4-mapped IPv6). */
  readonly peer: string;
  /**
   * True when the host dropped field lines of this request's header section (Node keeps only the
   * first `maxHeadersCount` lines and silently ignores the rest): the chain answers 431, since a
   * line a proxy appended last (`X-Forwarded-For`) may be among those dropped.
   */
  readonly headersCut?: boolean;
  /** A request header, `name` lower-case; several field lines joined with `, `. */
  header(name: string): string | undefined;
  /** A request header's field lines one by one (`name` lower-case); empty when absent. */
  headerValues(name: string): readonly string[];
  /**
   * Reads the request body, never buffering more than `limit` bytes: past it, rejects with a 413
   * `HttpError`. Afterwards the host's own downstream (body parsers, handlers) must still receive
   * the same bytes through its usual means. Called at most once per request by the core.
   */
  readBody(limit: number): Promise<Uint8Array>;

  /** The response status the downstream produced (meaningful once `next()` has returned). */
  status(): number;
  /** A response header (`name` lower-case); several values joined with `, `. */
  getHeader(name: string): string | undefined;
  setHeader(name: string, value: string | readonly string[]): void;
  removeHeader(name: string): void;
  /**
   * Optional: sets `names[i]` to `values[i]` for each header the response does not carry yet
   * (`lower[i]` is its lower-case name). A host implements it when it can check a whole fixed
   * set more cheaply than one `getHeader()` per name; without it the core does exactly that.
   */
  setMissing?(names: readonly string[], lower: readonly string[], values: readonly string[]): void;

  /**
   * Calls `listener` once, synchronously, at the moment the host commits the response head: the
   * status is final, the downstream's headers are set, and nothing of the head is serialised yet,
   * so the listener may still read the status and set or remove headers. On Node that is inside
   * `writeHead` (explicit or implicit); elsewhere, wherever the host turns the answer into bytes.
   * Called at most once per request by the core, on the first `ctx.onHead()` registration.
   */
  onHead(listener: () => void): void;
  /** Called once, on the first `onFinish` registration; `listener` must fire exactly once. */
  onFinish(listener: (info: HostFinish) => void): void;
  /** Hands an unexpected error to the framework's own error reporting. */
  reportError(error: unknown): void;
}

export interface HostFinish {
  /** Bytes of response body written to the connection. */
  bytes: number;
  /** True when the client went away before the response was complete. */
  aborted: boolean;
}

export interface FinishInfo extends HostFinish {
  status: number;
  /** Milliseconds from the chain's start to the last byte (or the abort). */
  duration: number;
}

/**
 * Hands the request to the rest of the chain and the application. The promise resolves once the
 * downstream has produced its answer (its status and headers are decided; on Express the head
 * may already be on the wire). From then on the response can only be changed by head hooks
 * (`ctx.onHead()`) registered before: `ctx.res.set()`/`append()`/`delete()`/`vary()` and
 * `ctx.respond()` throw, on every host alike.
 */
export type Next = () => Promise<void>;

/**
 * A Bouncer middleware: inbound work, then `await next()`. Outbound work (headers that depend on
 * the final answer) is a head hook registered on the way in with `ctx.onHead()`.
 */
export type Middleware<S extends object = State> = (ctx: Context<S>, next: Next) => Awaitable<void>;

/**
 * Runs once, synchronously, just before the response head is written: `ctx.res.status` is final
 * and `ctx.res` may set or remove headers. Hooks run innermost first (the reverse of their
 * registration), so the onion order holds on the way out. A hook that throws is reported to the
 * host; the other hooks still run and the answer goes out as it stands.
 */
export type HeadHook<S extends object = State> = (ctx: Context<S>) => void;

/** Body given to `ctx.respond()`. Strings are sent as UTF-8. */
export type ResponseBody = string | Uint8Array | null;

export interface ShortCircuit {
  status: number;
  body: Uint8Array | null;
}
