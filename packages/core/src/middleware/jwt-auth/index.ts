import type { JWTVerifyOptions } from 'jose';
import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { isPlainQuotable, isToken } from '../../utils/http-grammar';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { RecentBearers, VerifiedTokens } from './cache';
import type { JwtPayload as JWTPayload } from './claims';
import { buildVerifier, count, seconds, stringList } from './config';
import { checkAlgorithms, type JwtAlgorithm, type JwtPublicKey } from './keys';
import { type AuthModeOf, compileMode } from './mode';
import { compilePublic, type PublicMatcher } from './public-routes';
import { COMPACT_JWS, presentedToken } from './token';
import { failureReason, TOKEN_ERRORS } from './verify';

export type { JwtPayload, PublicJwk } from './claims';
export type { JwtAlgorithm, JwtPublicKey } from './keys';
export type { AuthMode, AuthModeOf } from './mode';
export type { PublicMatcher, PublicRoute } from './public-routes';

/** What `jwtAuth` puts on `ctx.state`: the verified claims (absent on public routes). */
export interface JwtAuthState<P extends JWTPayload = JWTPayload> {
  auth?: Readonly<P>;
}

export interface JwtAuthOptions {
  /** Accepted `alg` values; required. `none` is refused, and every key must be able to serve them. */
  algorithms: readonly JwtAlgorithm[];
  /** Shared secret for HS* (at least the hash size: 32 bytes for HS256). */
  secret?: string | Uint8Array;
  /** Public key(s) for RS*, PS*, ES*, EdDSA: SPKI PEM, public JWK (its `kid` selects it), CryptoKey or KeyObject. */
  publicKey?: JwtPublicKey | readonly JwtPublicKey[];
  /** URL of a JSON Web Key Set (https, or http on loopback only). */
  jwksUri?: string;
  /** Remote key-set tuning. @default { cacheMaxAge: 600, cooldown: 30, timeout: 5 } (seconds) */
  jwks?: {
    /** Seconds keys are kept. @default 600 */
    cacheMaxAge?: number;
    /** Least seconds between refetches triggered by an unknown `kid`. @default 30 */
    cooldown?: number;
    /** Seconds before a key-set request is abandoned (answer 503). @default 5 */
    timeout?: number;
    /** Replacement `fetch` (proxies, tests). @default globalThis.fetch */
    fetch?: (url: string, init: any) => Promise<Response>;
  };
  /** Required `iss` value(s). @default not checked */
  issuer?: string | readonly string[];
  /** Required `aud` value(s): the token must name one of them. @default not checked */
  audience?: string | readonly string[];
  /** Required `typ` header, e.g. `'at+jwt'` (RFC 9068) so ID tokens are not taken as access tokens. @default not checked */
  typ?: string;
  /** Refuses tokens without `exp`. @default true */
  requireExp?: boolean;
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat`. @default 0 */
  clockTolerance?: number;
  /** Refuses tokens whose `iat` is older than this many seconds (`iat` becomes required). @default not checked */
  maxTokenAge?: number;
  /** `realm` of the `WWW-Authenticate` challenge. @default 'api' */
  realm?: string;
  /** Also read the token from this cookie when no `Authorization: Bearer` header is present. @default no cookie */
  cookie?: string;
  /** Longest token accepted, in characters. @default 8192 */
  maxTokenLength?: number;
  /**
   * Routes that need no token, or a predicate. Paths with dot segments or encoded slashes never
   * match. A route public for `GET` is public for `HEAD` too (routers answer HEAD from GET routes).
   * @default none
   */
  public?: PublicMatcher;
  /**
   * `false` makes a token optional (express-jwt's `credentialsRequired: false`): a request without
   * one passes with no `auth` on the state; a token that is present is verified, and refused when invalid.
   * @default true
   */
  credentialsRequired?: boolean;
  /**
   * Per-route authentication, asked before `public` and `credentialsRequired` (the policy's
   * `routes` section sets it); `undefined` leaves the route to them.
   * @default undefined
   */
  authMode?: AuthModeOf;
  /** Verified tokens remembered (LRU); `0` disables the cache. @default 1000 */
  cacheSize?: number;
  /** Seconds a verified token stays cached at most (it also leaves at its `exp`). @default 300 */
  cacheMaxAge?: number;
}

const KNOWN = [
  'algorithms',
  'secret',
  'publicKey',
  'jwksUri',
  'jwks',
  'issuer',
  'audience',
  'typ',
  'requireExp',
  'clockTolerance',
  'maxTokenAge',
  'realm',
  'cookie',
  'maxTokenLength',
  'public',
  'credentialsRequired',
  'authMode',
  'cacheSize',
  'cacheMaxAge',
];

/** NumericDate claims must be finite numbers: jose lets `1e400` (Infinity) through as an `exp`. */
function finiteDates(payload: JWTPayload): boolean {
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const v = payload[claim];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) return false;
  }
  return true;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Requires a valid JWT (`Authorization: Bearer`, or a cookie) and puts its verified claims on
 * `ctx.state.auth` (frozen: cached claims are shared by repeat requests). Otherwise answers 401
 * with an RFC 6750 §3 challenge: `Bearer realm="…"` alone when no token came, plus
 * `error="invalid_token"` (or `invalid_request` for malformed credentials) when one did. The
 * body never says why; the access log does (`ctx.rejection.reason`). When a remote key set
 * cannot be fetched the answer is 503: the client's token may well be fine.
 *
 * Put `cors()` before it: genuine preflights carry no token and are answered there.
 *
 * @example
 * compose([jwtAuth({ algorithms: ['RS256'], jwksUri: 'https://idp.example/.well-known/jwks.json', issuer: 'https://idp.example/', audience: 'api' })]);
 */
export function jwtAuth<P extends JWTPayload = JWTPayload>(
  options: JwtAuthOptions,
): Middleware<JwtAuthState<P>> {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('jwtAuth', 'algorithms', 'is required: call jwtAuth({ algorithms: [...], ... })');
  }
  assertKnownKeys('jwtAuth', options, KNOWN);
  const algorithms = checkAlgorithms(options.algorithms);
  const tolerance = seconds('clockTolerance', options.clockTolerance, 0);
  const requireExp = options.requireExp ?? true;
  if (typeof requireExp !== 'boolean')
    throw new ConfigError('jwtAuth', 'requireExp', `must be a boolean, got ${show(requireExp)}`);
  const verify: JWTVerifyOptions = {
    algorithms: [...algorithms],
    clockTolerance: tolerance,
    requiredClaims: requireExp ? ['exp'] : [],
  };
  const issuer = stringList('issuer', options.issuer);
  const audience = stringList('audience', options.audience);
  if (issuer !== undefined) verify.issuer = issuer;
  if (audience !== undefined) verify.audience = audience;
  if (options.typ !== undefined) {
    if (typeof options.typ !== 'string' || options.typ === '')
      throw new ConfigError('jwtAuth', 'typ', `must be a string, got ${show(options.typ)}`);
    verify.typ = options.typ;
  }
  const maxTokenAge =
    options.maxTokenAge === undefined ? undefined : seconds('maxTokenAge', options.maxTokenAge, 0);
  if (maxTokenAge !== undefined) verify.maxTokenAge = maxTokenAge;
  const verifier = buildVerifier(options, algorithms, verify);

  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string' || !isPlainQuotable(realm)) {
    throw new ConfigError(
      'jwtAuth',
      'realm',
      `must be printable ASCII without '"' or '\\', got ${show(realm)}`,
    );
  }
  if (options.cookie !== undefined && (typeof options.cookie !== 'string' || !isToken(options.cookie))) {
    throw new ConfigError(
      'jwtAuth',
      'cookie',
      `must be a cookie name (an HTTP token), got ${show(options.cookie)}`,
    );
  }
  const maxLength = count('maxTokenLength', options.maxTokenLength, 8192);
  const modeOf = compileMode(compilePublic(options.public), options.credentialsRequired, options.authMode);
  const cache = new VerifiedTokens(
    count('cacheSize', options.cacheSize, 1000),
    seconds('cacheMaxAge', options.cacheMaxAge, 300) * 1000,
    maxTokenAge,
  );
  const recent = new RecentBearers();
  const cookie = options.cookie;

  const challenge = `Bearer realm="${realm}"`;
  const invalidToken = `${challenge}, error="invalid_token", error_description="The access token is invalid"`;
  const invalidRequest = `${challenge}, error="invalid_request", error_description="The credentials are malformed"`;

  const deny = (ctx: Context<any>, header: string, detail: string, reason: string) => {
    ctx.reject(401, detail, 'jwtAuth', { 'WWW-Authenticate': header });
    ctx.rejection = { policy: 'jwtAuth', reason };
  };

  /** Everything after the cache missed: the full parse of the credentials, then the signature. */
  const authenticate = (ctx: Context<any>, optional: boolean): void | Promise<void> => {
    const presented = presentedToken(ctx, cookie);
    if ('none' in presented) {
      if (optional) return;
      return deny(ctx, challenge, 'Authentication required', 'no token');
    }
    // RFC 6750 §3.1 suggests 400 for invalid_request; 401 keeps one status for "authenticate again".
    if ('malformed' in presented)
      return deny(ctx, invalidRequest, 'Invalid credentials', presented.malformed);
    const { token } = presented;
    if (token.length > maxLength) return deny(ctx, invalidToken, 'Invalid access token', 'token too long');
    if (!COMPACT_JWS.test(token)) return deny(ctx, invalidToken, 'Invalid access token', 'not a compact JWS');
    const now = Date.now();
    const cached = cache.get(token, now, tolerance);
    if (cached !== undefined) {
      (ctx.state as JwtAuthState).auth = cached;
      return;
    }
    return verifier(token).then(
      (payload) => {
        if (!finiteDates(payload))
          return deny(ctx, invalidToken, 'Invalid access token', 'non-finite date claim');
        deepFreeze(payload);
        cache.set(token, payload, now, tolerance);
        (ctx.state as JwtAuthState).auth = payload;
      },
      (error: unknown) => {
        const code = (error as { code?: string }).code;
        if (code !== undefined && TOKEN_ERRORS.has(code)) {
          return deny(ctx, invalidToken, 'Invalid access token', failureReason(error));
        }
        if (options.jwksUri !== undefined) {
          ctx.reject(503, 'Token keys unavailable', 'jwtAuth', { 'Retry-After': '5' });
          ctx.rejection = {
            policy: 'jwtAuth',
            reason: `key set unavailable: ${code ?? (error as Error)?.name}`,
          };
          return;
        }
        throw error;
      },
    );
  };

  const middleware = phased<JwtAuthState<P>>('jwtAuth', {
    before(ctx) {
      const mode = modeOf(ctx);
      if (mode === 'public') return;
      // The common case first: one `Authorization: Bearer <token>` field whose token was verified
      // before. A cached token passed every check below, so the answer is the same, and it stays
      // synchronous: no promise unless a signature must really be verified.
      const fields = ctx.req.headerValues('authorization');
      if (fields.length === 1) {
        const field = fields[0];
        const known = recent.token(field);
        const token = known ?? (field.startsWith('Bearer ') ? field.slice(7) : undefined);
        const cached = token === undefined ? undefined : cache.get(token, Date.now(), tolerance);
        if (cached !== undefined) {
          if (known === undefined) recent.remember(field, token!);
          ctx.state.auth = cached as P;
          return;
        }
      }
      return authenticate(ctx, mode === 'optional');
    },
  });
  // The route audit asks the policy which routes pass without a token, and how each is
  // authenticated (only for route lists: a function needs a live request).
  const byRoute = modeOf.byRoute;
  if (byRoute) {
    Object.defineProperty(middleware, 'isPublic', {
      value: (method: string, path: string) => byRoute(method, path) !== 'required',
    });
    Object.defineProperty(middleware, 'authModeOf', { value: byRoute });
  }
  return middleware;
}
