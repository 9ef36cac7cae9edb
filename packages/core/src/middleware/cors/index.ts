import { ConfigError } from '../../errors';
import type { Middleware } from '../../types';
import { isToken } from '../../utils/policy-http';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { type CorsOrigin, compileOrigin, isSerializedOrigin } from './origin';
import { requestedHeaderNames } from './request-headers';

export type { CorsOrigin } from './origin';

export interface CorsOptions {
  /**
   * Origins whose pages may read responses: `'*'` (any, without credentials), an origin string or
   * array of them (normalised at startup: `'https://App.example/'` → `'https://app.example'`),
   * RegExps anchored with `^…$`, or a predicate `(origin, ctx) => boolean`.
   * @default '*'
   */
  origin?: CorsOrigin;
  /** Sends `Access-Control-Allow-Credentials: true`; needs explicit origins, never `'*'`. @default false */
  credentials?: boolean;
  /**
   * Answers the opaque origin `null` (sandboxed iframes, `file:` pages, some redirects) with
   * `Access-Control-Allow-Origin: null`. Any site can produce `Origin: null`, so this is close to
   * `'*'`: refused together with `credentials`. With `origin: '*'` the static `*` already covers
   * `null` (public, uncredentialed answers), so this option only matters for explicit origins.
   * @default false
   */
  allowNullOrigin?: boolean;
  /** Methods listed in `Access-Control-Allow-Methods` on preflights. @default ['GET','HEAD','PUT','PATCH','POST','DELETE'] */
  allowMethods?: readonly string[];
  /**
   * Request headers allowed on preflights. When unset, the names asked for in
   * `Access-Control-Request-Headers` are reflected, keeping only valid tokens (at most 64).
   * `Authorization` is never covered by `'*'` (Fetch standard): list it.
   * @default reflect the requested names
   */
  allowHeaders?: readonly string[];
  /** Response headers scripts may read (`Access-Control-Expose-Headers`). @default [] */
  exposeHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight answer (`Access-Control-Max-Age`). @default unset (browser default 5 s) */
  maxAge?: number;
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
const KNOWN = [
  'origin',
  'credentials',
  'allowNullOrigin',
  'allowMethods',
  'allowHeaders',
  'exposeHeaders',
  'maxAge',
];

function tokenList(
  option: string,
  value: readonly string[] | undefined,
  credentials: boolean,
): string | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value))
    throw new ConfigError('cors', option, `must be an array of names, got ${show(value)}`);
  for (const name of value) {
    if (typeof name !== 'string' || !isToken(name)) {
      throw new ConfigError(
        'cors',
        option,
        `entries must be HTTP tokens (RFC 9110 §5.6.2), got ${show(name)}`,
      );
    }
    // With credentials `*` is a literal name, not a wildcard (Fetch standard, CORS protocol).
    if (name === '*' && credentials) {
      throw new ConfigError('cors', option, "cannot contain '*' with `credentials: true`: list the names");
    }
  }
  return value.join(', ');
}

function flag(option: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new ConfigError('cors', option, `must be a boolean, got ${show(value)}`);
  return value;
}

/**
 * CORS per the Fetch standard. Genuine preflights (`OPTIONS` with `Origin` and
 * `Access-Control-Request-Method`) are answered here with 204 and never reach the application; a
 * preflight from a disallowed origin gets 403 (the browser would block either way, and the 403
 * is logged as a `cors` rejection). A plain `OPTIONS` passes through.
 *
 * CORS is not access control: a disallowed origin's simple requests still reach the application,
 * the browser only hides the answer. Headers are set before `next()`, so the other policies'
 * rejections carry them, and again after it, in case the application reset them.
 *
 * @example
 * compose([cors({ origin: ['https://app.example'], credentials: true, allowHeaders: ['authorization', 'content-type'] })]);
 */
export function cors(options: CorsOptions = {}): Middleware {
  assertKnownKeys('cors', options, KNOWN);
  const credentials = flag('credentials', options.credentials);
  const allowNull = flag('allowNullOrigin', options.allowNullOrigin);
  const matcher = compileOrigin(options.origin ?? '*');
  if (credentials && matcher === undefined) {
    // Reflecting the request's Origin "to make it work" let any site read credentialed answers
    // (hono CVE-2026-54290); the only safe answer to `*` + credentials is to refuse it.
    throw new ConfigError(
      'cors',
      'credentials',
      "cannot be true with origin '*': list the origins that may send credentials",
    );
  }
  if (credentials && allowNull) {
    throw new ConfigError(
      'cors',
      'allowNullOrigin',
      'cannot be true with `credentials: true`: any site can send `Origin: null`',
    );
  }
  const methods = tokenList('allowMethods', options.allowMethods ?? DEFAULT_METHODS, credentials)!;
  const allowHeaders = tokenList('allowHeaders', options.allowHeaders, credentials);
  const expose = tokenList('exposeHeaders', options.exposeHeaders, credentials);
  const exposeHeaders = expose === '' ? undefined : expose;
  let maxAge: string | undefined;
  if (options.maxAge !== undefined) {
    if (!Number.isSafeInteger(options.maxAge) || options.maxAge < 0) {
      throw new ConfigError(
        'cors',
        'maxAge',
        `must be an integer number of seconds >= 0, got ${show(options.maxAge)}`,
      );
    }
    maxAge = String(options.maxAge);
  }
  // With '*' the answer is the same for every origin: no `Vary: Origin`, so caches share it
  // (hono #5159). Otherwise the answer depends on Origin on every response, including ones
  // without Origin or from refused origins, or a cache could serve one origin's answer to another.
  const varyOrigin = matcher !== undefined;

  return async function corsMiddleware(ctx, next) {
    const origin = ctx.req.header('origin');
    const preflight =
      ctx.req.method === 'OPTIONS' &&
      origin !== undefined &&
      ctx.req.header('access-control-request-method') !== undefined;

    let allowed: string | undefined;
    if (matcher === undefined) allowed = '*';
    else if (origin === 'null') allowed = allowNull ? 'null' : undefined;
    else if (origin !== undefined && isSerializedOrigin(origin) && (await matcher(origin, ctx)) === true)
      allowed = origin;

    // `vary()` appends to whatever the response has: the request's own Vary is never read
    // (hono GHSA-q7jf-gf43-6x6p) and the application's Vary is kept (hono #4471).
    const apply = () => {
      if (varyOrigin) ctx.res.vary('Origin');
      if (allowed === undefined) return;
      ctx.res.set('Access-Control-Allow-Origin', allowed);
      if (credentials) ctx.res.set('Access-Control-Allow-Credentials', 'true');
      if (exposeHeaders !== undefined && !preflight)
        ctx.res.set('Access-Control-Expose-Headers', exposeHeaders);
    };

    apply();
    if (preflight) {
      if (allowed === undefined) {
        ctx.reject(403, 'Origin not allowed', 'cors');
        return;
      }
      ctx.res.set('Access-Control-Allow-Methods', methods);
      if (allowHeaders !== undefined) {
        if (allowHeaders !== '') ctx.res.set('Access-Control-Allow-Headers', allowHeaders);
      } else {
        ctx.res.vary('Access-Control-Request-Headers');
        const names = requestedHeaderNames(ctx.req.header('access-control-request-headers'));
        if (names.length > 0) ctx.res.set('Access-Control-Allow-Headers', names.join(', '));
      }
      if (maxAge !== undefined) ctx.res.set('Access-Control-Max-Age', maxAge);
      ctx.respond(204);
      return;
    }
    await next();
    apply();
  };
}
