/** Base of every error Bouncer throws, so `instanceof BouncerError` catches them all. */
export class BouncerError extends Error {
  override name = 'BouncerError';
}

/**
 * A bad option, thrown when a factory runs (never per request). The message names the
 * middleware, the option and the bad value, and says what would be accepted.
 */
export class ConfigError extends BouncerError {
  override name = 'ConfigError';
  constructor(
    readonly middleware: string,
    readonly option: string,
    message: string,
  ) {
    super(`${middleware}: option \`${option}\` ${message}`);
  }
}

export interface HttpErrorOptions {
  /** Sent as the problem's `detail`: never put secrets or internals here. */
  detail?: string;
  headers?: Record<string, string>;
  /** Which policy produced this rejection (for the access log). */
  policy?: string;
  cause?: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  411: 'Length Required',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

/**
 * The brand an `HttpError` carries. `Symbol.for`, so that a rejection thrown by another copy of
 * `@bouncer/core` (the CommonJS build next to the ESM one, or two versions in one tree) is still
 * recognised: `instanceof` would see two unrelated classes and turn the 403 into a 500.
 * https://nodejs.org/api/packages.html#dual-package-hazard
 */
const HTTP_ERROR: unique symbol = Symbol.for('bouncer.http-error') as never;

/** A rejection: turned into one RFC 9457 `application/problem+json` response in one place. */
export class HttpError extends BouncerError {
  /** True for an `HttpError` from any copy of `@bouncer/core`; use it instead of `instanceof`. */
  static is(value: unknown): value is HttpError {
    if (typeof value !== 'object' || value === null) return false;
    const v = value as { [HTTP_ERROR]?: unknown; status?: unknown };
    return v[HTTP_ERROR] === true && typeof v.status === 'number';
  }

  override name = 'HttpError';
  readonly status: number;
  readonly detail: string | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly policy: string | undefined;

  constructor(status: number, options: HttpErrorOptions = {}) {
    super(options.detail ?? statusTitle(status), { cause: options.cause });
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HttpError: status must be an integer from 400 to 599, got ${status}`);
    }
    this.status = status;
    this.detail = options.detail;
    this.headers = options.headers;
    this.policy = options.policy;
  }
}
Object.defineProperty(HttpError.prototype, HTTP_ERROR, { value: true });

export const PROBLEM_TYPE = 'application/problem+json';

/** The one body shape of every rejection (RFC 9457 §3). */
export function problemBody(status: number, detail?: string): string {
  const problem: Record<string, unknown> = { type: 'about:blank', title: statusTitle(status), status };
  if (detail !== undefined) problem.detail = detail;
  return JSON.stringify(problem);
}
