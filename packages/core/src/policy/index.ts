import { type Chain, compose } from '../compose';
import { ConfigError } from '../errors';
import { bodyLimit, parseByteSize } from '../middleware/body-limit';
import { clientIp } from '../middleware/client-ip';
import { cors } from '../middleware/cors';
import { ipFilter } from '../middleware/ip-filter';
import { jwtAuth } from '../middleware/jwt-auth';
import { metrics } from '../middleware/metrics';
import { rateLimit } from '../middleware/rate-limit';
import { rejectionBody } from '../middleware/rejection-body';
import { requestId } from '../middleware/request-id';
import { securityHeaders } from '../middleware/security-headers';
import { timing } from '../middleware/timing';
import type { Middleware } from '../types';
import type { BouncerExtras, BouncerPolicy, BouncerState } from './types';
import { checkKeys, section } from './validate';

export type * from './types';

/**
 * Builds the whole bouncer from one declarative policy, in the safe order:
 * request id and timing outermost (they see every answer), the client-IP resolver, security
 * headers and CORS (stamped on every answer, rejections included), then the gates from cheapest
 * to dearest — IP filter, body limit, rate limit, authentication — so an attacker is turned
 * away before anything costly runs. With `rateLimit.key: 'subject'` the limiter moves behind
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
export function bouncer(policy: BouncerPolicy = {}, extras: BouncerExtras = {}): Chain<BouncerState> {
  checkKeys('bouncer', 'policy', policy, [
    'trustProxy',
    'requestId',
    'timing',
    'securityHeaders',
    'cors',
    'ipFilter',
    'bodyLimit',
    'rateLimit',
    'jwt',
  ]);
  checkKeys('bouncer', 'extras', extras, [
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
  if (sh) chain.push(securityHeaders(sh === true ? {} : sh));

  const co = section('cors', policy.cors, false);
  if (co) {
    const options = co === true ? {} : co;
    chain.push(cors({ ...options, ...(extras.corsOrigin ? { origin: extras.corsOrigin } : {}) }));
  }

  const ipf = section('ipFilter', policy.ipFilter, false);
  if (ipf) chain.push(ipFilter(ipf === true ? {} : ipf));

  const bl = section('bodyLimit', policy.bodyLimit, true, 'size');
  if (bl) {
    // The shorthand is checked under the policy's own name (`bodyLimit`, not bodyLimit's `limit`).
    const options =
      bl === true ? {} : typeof bl === 'object' ? bl : { limit: parseByteSize(bl, 'bouncer', 'bodyLimit') };
    chain.push(bodyLimit(options));
  }

  let limiter: Middleware<any> | undefined;
  let bySubject = false;
  const rl = section('rateLimit', policy.rateLimit, false);
  if (rl) {
    if (rl === true) throw new ConfigError('bouncer', 'rateLimit', 'needs `{ limit, window }`, got true');
    checkKeys('bouncer', 'rateLimit', rl, RATE_LIMIT_KEYS);
    const { window, windowMs, ...rest } = rl;
    if (window !== undefined && windowMs !== undefined) {
      throw new ConfigError(
        'bouncer',
        'rateLimit.window',
        'and `rateLimit.windowMs` were both given: keep one',
      );
    }
    bySubject = rl.key === 'subject';
    limiter = rateLimit({
      ...rest,
      windowMs: windowMs ?? parseDuration(window, 'rateLimit.window'),
      ...(extras.rateLimitStore ? { store: extras.rateLimitStore } : {}),
      ...(extras.rateLimitKey ? { key: extras.rateLimitKey } : {}),
      ...(warn ? { warn } : {}),
    });
  }
  if (limiter && !bySubject) chain.push(limiter);

  const jw = section('jwt', policy.jwt, false);
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
    chain.push(
      jwtAuth({
        ...jw,
        ...(extras.jwtSecret ? { secret: extras.jwtSecret } : {}),
        ...(extras.jwtKeys ? { publicKey: extras.jwtKeys } : {}),
      } as never),
    );
  } else if (extras.jwtSecret || extras.jwtKeys) {
    throw new ConfigError('bouncer', 'extras.jwtSecret', 'was given but the policy has no `jwt` section');
  }
  if (limiter && bySubject) chain.push(limiter);

  return compose<BouncerState>(chain);
}

/** What a policy's `rateLimit` section takes: rateLimit()'s JSON options, with `window` for `windowMs`. */
const RATE_LIMIT_KEYS = [
  'limit',
  'window',
  'windowMs',
  'key',
  'ipv6Prefix',
  'headers',
  'failMode',
  'policyName',
];

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
