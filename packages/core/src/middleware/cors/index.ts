import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { isToken } from '../../utils/http-grammar';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { CorsAnswer } from './answer';
import { type CorsOrigin, compileOrigin } from './origin';
import { PreflightAnswer } from './preflight';

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
 * the browser only hides the answer. The origin is decided on the way in and its headers are
 * stamped at the head of every answer, the other policies' rejections included.
 *
 * @example
 * compose([cors({ origin: ['https://app.example'], credentials: true, allowHeaders: ['authorization', 'content-type'] })]);
 */
export function cors(options: CorsOptions = {}): Middleware {
  const { answer, preflight } = compileCors(options);
  return phased('cors', {
    before(ctx) {
      const origin = ctx.req.header('origin');
      if (origin !== undefined && isPreflight(ctx)) return preflight.answer(ctx, origin);
      return answer.decide(ctx, origin);
    },
    head(ctx) {
      answer.head(ctx);
    },
  });
}

/** A CORS-preflight request (Fetch standard): `OPTIONS` with `Access-Control-Request-Method`. */
function isPreflight(ctx: Context<any>): boolean {
  return ctx.req.method === 'OPTIONS' && ctx.req.header('access-control-request-method') !== undefined;
}

/**
 * CORS split in two for the policy's chain: the headers of actual requests, set before the gates
 * (so their rejections carry them), and the preflight answer, given only after the IP filter and
 * the rate limit have let the request through — a denied or over-quota client gets no grant, and
 * every preflight counts against its client's quota.
 */
export function corsLayers(options: CorsOptions = {}): [headers: Middleware, preflight: Middleware] {
  const { answer, preflight } = compileCors(options);
  return [
    phased('cors', {
      before(ctx) {
        const origin = ctx.req.header('origin');
        if (origin !== undefined && isPreflight(ctx)) return;
        return answer.decide(ctx, origin);
      },
      head(ctx) {
        // A preflight's grant is the preflight layer's alone: one refused before it (a denied
        // address, a client over its quota) gets `Vary: Origin` and nothing else.
        if (ctx.req.header('origin') !== undefined && isPreflight(ctx)) answer.set(ctx, undefined, true);
        else answer.head(ctx);
      },
    }),
    phased('corsPreflight', {
      before(ctx) {
        const origin = ctx.req.header('origin');
        if (origin !== undefined && isPreflight(ctx)) return preflight.answer(ctx, origin);
      },
    }),
  ];
}

function compileCors(options: CorsOptions): { answer: CorsAnswer; preflight: PreflightAnswer } {
  assertKnownKeys('cors', options, KNOWN);
  const credentials = flag('credentials', options.credentials);
  const allowNull = flag('allowNullOrigin', options.allowNullOrigin);
  const origins = compileOrigin(options.origin ?? '*');
  if (credentials && origins.kind === 'any') {
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
  const answer = new CorsAnswer(
    origins,
    allowNull ? 'null' : undefined,
    credentials,
    expose === '' ? undefined : expose,
  );
  return { answer, preflight: new PreflightAnswer(answer, methods, allowHeaders, maxAge) };
}
