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

export type Next = () => Promise<void>;

/** A Bouncer middleware: inbound work, `await next()`, outbound work. */
export type Middleware<S extends object = State> = (ctx: Context<S>, next: Next) => Awaitable<void>;

/** Body given to `ctx.respond()`. Strings are sent as UTF-8. */
export type ResponseBody = string | Uint8Array | null;

export interface ShortCircuit {
  status: number;
  body: Uint8Array | null;
}
