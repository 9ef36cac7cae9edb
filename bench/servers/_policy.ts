// The Bouncer policy every Bouncer variant mounts: the one file to change when the chain is
// built differently. It mirrors, layer for layer and in the same order, what the lead's
// declarative `bouncer(policy, extras)` builds from BENCH_POLICY below.
//
// TODO(bench): `bouncer()` is not exported from @bouncer/core yet, and the middleware are not
// either, so they are imported from the core's source. Once `bouncer` is exported, replace the
// body of `benchPolicy` with `return bouncer(BENCH_POLICY(jwt), { jwtSecret: JWT_SECRET, logger: false })`.
import { type Chain, compose, type Middleware } from '@bouncer/core';
import { bodyLimit } from '../../packages/core/src/middleware/body-limit';
import { clientIp } from '../../packages/core/src/middleware/client-ip';
import { cors } from '../../packages/core/src/middleware/cors';
import { ipFilter } from '../../packages/core/src/middleware/ip-filter';
import { jwtAuth } from '../../packages/core/src/middleware/jwt-auth';
import { rateLimit } from '../../packages/core/src/middleware/rate-limit';
import { requestId } from '../../packages/core/src/middleware/request-id';
import { securityHeaders } from '../../packages/core/src/middleware/security-headers';
import { timing } from '../../packages/core/src/middleware/timing';
import { BODY_LIMIT, DENY, JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, ORIGIN, RATE_LIMIT } from './_settings';

/** The declarative form of the same policy, for `bouncer()`. */
export function BENCH_POLICY(jwt: boolean) {
  return {
    requestId: true,
    timing: { log: false },
    securityHeaders: true,
    cors: { origin: [ORIGIN] },
    ipFilter: { deny: DENY },
    bodyLimit: BODY_LIMIT,
    rateLimit: { limit: RATE_LIMIT.limit, windowMs: RATE_LIMIT.windowMs },
    jwt: jwt ? { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE } : false,
  } as const;
}

/** The full Bouncer policy (security headers, CORS, rate limit, request id, timing without logging, IP deny list, body limit), optionally with JWT. */
export function benchPolicy(options: { jwt: boolean }): Chain<any> {
  const chain: Middleware<any>[] = [
    requestId(),
    timing({ logger: false }),
    clientIp({ trustProxy: false }),
    securityHeaders(),
    cors({ origin: [ORIGIN] }),
    ipFilter({ deny: DENY }),
    bodyLimit({ limit: BODY_LIMIT }),
    rateLimit({ limit: RATE_LIMIT.limit, windowMs: RATE_LIMIT.windowMs }),
  ];
  if (options.jwt) {
    chain.push(
      jwtAuth({ secret: JWT_SECRET, algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE }),
    );
  }
  return compose(chain);
}
