import { compose } from '../compose';
import { ConfigError } from '../errors';
import { clientIp } from '../middleware/client-ip';
import { corsLayers } from '../middleware/cors';
import { csrf } from '../middleware/csrf';
import { ipFilter } from '../middleware/ip-filter';
import type { AuthMode } from '../middleware/jwt-auth';
import { jwtAuth } from '../middleware/jwt-auth';
import { metrics } from '../middleware/metrics';
import { rejectionBody } from '../middleware/rejection-body';
import { requestId } from '../middleware/request-id';
import { securityHeaders } from '../middleware/security-headers';
import { timing } from '../middleware/timing';
import type { Middleware } from '../types';
import { assertNestedOptions } from '../utils/policy-options';
import { buildGates } from './route-gates';
import { compileRoutes } from './routes';
import type { BouncerChain, BouncerExtras, BouncerPolicy, BouncerState, DefaultClaims } from './types';
import { section } from './validate';

export type * from './types';

/**
 * Builds the whole bouncer from one declarative policy, in the safe order:
 * request id and timing outermost (they see every answer), the client-IP resolver, security
 * headers and CORS (stamped on every answer, rejections included), then the gates from cheapest
 * to dearest — IP filter, body limit, rate limit, authentication — so an attacker is turned
 * away before anything costly runs. CORS preflights are answered after the rate limit (a denied
 * or over-quota client gets no grant; every preflight is counted) and before authentication. With `rateLimit.key: 'subject'` the limiter moves behind
 * authentication, since it needs the verified subject.
 *
 * The policy is plain JSON (it can live in a config file); secrets, stores, loggers and
 * functions go in `extras`. Every option is validated here, at startup.
 *
 * @example
 * const chain = bouncer(
 *   { trustProxy: 'loopback', rateLimit: { limit: 100, window: '60s' },
 *     jwt: { algorithms: ['HS256'], issuer: 'me', audience: 'api', public: [{ method: 'GET', path: '/health' }] } },
 *   { jwtSecret: process.env.JWT_SECRET },
 * );
 */
export function bouncer<Claims extends object = DefaultClaims>(
  policy: BouncerPolicy = {},
  extras: BouncerExtras = {},
): BouncerChain<Claims> {
  assertNestedOptions('bouncer', 'policy', policy, [
    'trustProxy',
    'requestId',
    'timing',
    'securityHeaders',
    'cors',
    'ipFilter',
    'bodyLimit',
    'rateLimit',
    'routes',
    'csrf',
    'jwt',
  ]);
  assertNestedOptions('bouncer', 'extras', extras, [
    'jwtSecret',
    'jwtKeys',
    'logger',
    'rateLimitStore',
    'rateLimitKey',
    'corsOrigin',
    'metrics',
    'rejectionBody',
    'warn',
  ]);
  const warn = extras.warn;
  const chain: Middleware<any>[] = [];
  const routes = compileRoutes(policy.routes);

  const rid = section('requestId', policy.requestId, true);
  if (rid) chain.push(requestId(rid === true ? {} : rid));

  const tim = section('timing', policy.timing, true);
  if (tim) {
    const { log = true, ...rest } = tim === true ? {} : tim;
    chain.push(timing({ ...rest, logger: log ? extras.logger : false }));
  }

  if (extras.metrics !== undefined) chain.push(metrics({ record: extras.metrics }));
  if (extras.rejectionBody !== undefined) chain.push(rejectionBody(extras.rejectionBody));

  chain.push(clientIp({ trustProxy: policy.trustProxy ?? false, ...(warn ? { warn } : {}) }));

  const sh = section('securityHeaders', policy.securityHeaders, true);
  if (sh) {
    const options = sh === true ? {} : sh;
    // HTTPS behind a TLS proxy is told by the proxies trusted for the client address.
    chain.push(securityHeaders({ trustProxy: policy.trustProxy ?? false, ...options }));
  }

  const co = section('cors', policy.cors, false);
  let preflight: Middleware<any> | undefined;
  if (co) {
    const options = co === true ? {} : co;
    const [headers, answer] = corsLayers({
      ...options,
      ...(extras.corsOrigin ? { origin: extras.corsOrigin } : {}),
    });
    chain.push(headers);
    preflight = answer;
  }

  const ipf = section('ipFilter', policy.ipFilter, false);
  if (ipf) chain.push(ipFilter(ipf === true ? {} : ipf));

  const gates = buildGates(policy, extras, routes, section('bodyLimit', policy.bodyLimit, true, 'size'));
  if (gates.bodyLimit) chain.push(gates.bodyLimit);
  if (gates.limitBeforeAuth) chain.push(gates.limitBeforeAuth);
  // Preflights are answered only once the IP filter and the rate limit have let them through,
  // and before authentication (a browser never sends credentials on a preflight).
  if (preflight) chain.push(preflight);

  const jw = section('jwt', policy.jwt, false);
  const cf = section('csrf', policy.csrf, Boolean(jw && jw !== true && jw.cookie !== undefined));
  if (cf) {
    const options = cf === true ? {} : cf;
    const origins = co && co !== true ? co.origin : undefined;
    chain.push(
      csrf({
        ...(origins !== undefined && options.trustedOrigins === undefined
          ? { trustedOrigins: corsOrigins(origins) }
          : {}),
        ...options,
      }),
    );
  }
  let jwtMiddleware: Middleware<any> | undefined;
  if (jw) {
    if (jw === true) throw new ConfigError('bouncer', 'jwt', 'needs `{ algorithms, … }`, got true');
    // The keys live in `extras`, not in the JSON policy: say so here rather than let jwtAuth name
    // its own `secret` option, which a policy user never wrote.
    const keys = [extras.jwtSecret, extras.jwtKeys, jw.jwksUri].filter((k) => k !== undefined).length;
    if (keys !== 1) {
      throw new ConfigError(
        'bouncer',
        'extras.jwtSecret',
        keys === 0
          ? 'is missing: the `jwt` section needs one key source, `extras.jwtSecret` (HS*), `extras.jwtKeys` (public keys) or `jwt.jwksUri`'
          : 'conflicts: give exactly one of `extras.jwtSecret`, `extras.jwtKeys` or `jwt.jwksUri`',
      );
    }
    jwtMiddleware = jwtAuth({
      ...jw,
      ...(gates.authMode ? { authMode: gates.authMode } : {}),
      ...(extras.jwtSecret ? { secret: extras.jwtSecret } : {}),
      ...(extras.jwtKeys ? { publicKey: extras.jwtKeys } : {}),
    } as never);
    chain.push(jwtMiddleware);
  } else if (extras.jwtSecret || extras.jwtKeys) {
    throw new ConfigError('bouncer', 'extras.jwtSecret', 'was given but the policy has no `jwt` section');
  }
  if (gates.limitAfterAuth) chain.push(gates.limitAfterAuth);

  const composed = compose<BouncerState<Claims>>(chain) as BouncerChain<Claims>;
  // The route audit reports what each route ends up with.
  const modeOf = (jwtMiddleware as { authModeOf?: (m: string, p: string) => AuthMode } | undefined)
    ?.authModeOf;
  Object.defineProperty(composed, 'describeRoute', {
    value: (method: string, path: string) =>
      gates.describe(method, path, jwtMiddleware !== undefined, modeOf),
  });
  return composed;
}

/** The CORS origins, as the CSRF check's trusted origins: `*` trusts nobody, `https://App.example/` is `https://app.example`. */
function corsOrigins(origins: string | readonly string[]): string[] {
  const list = typeof origins === 'string' ? [origins] : [...origins];
  return list.filter((o) => o !== '*').map((o) => o.replace(/\/+$/, '').toLowerCase());
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `60000`, `'60s'`, `'1m'`, `'500ms'` → milliseconds. */
export function parseDuration(value: number | string | undefined, option: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value;
  if (typeof value === 'string') {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(value.trim());
    if (m) return Number(m[1]) * UNITS[m[2]];
  }
  throw new ConfigError(
    'bouncer',
    option,
    `must be a positive number of milliseconds or a number with a unit (${Object.keys(UNITS).join(', ')}), like '60s' or '1m', got ${JSON.stringify(value)}`,
  );
}
