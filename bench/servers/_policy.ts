// The Bouncer policy every Bouncer variant mounts, in one file: the declarative object the lead's
// `bouncer(policy, extras)` turns into a chain (request id and timing outermost, then client IP,
// security headers, CORS, and the gates from cheapest to dearest).
import { type BouncerPolicy, bouncer, type Chain } from '@bouncer/core';
import { BODY_LIMIT, DENY, JWT_AUDIENCE, JWT_ISSUER, JWT_SECRET, ORIGIN, RATE_LIMIT } from './_settings';

/** Security headers, CORS, rate limit, request id, timing with logging off, IP deny list, body limit; JWT when asked. */
export function benchPolicyObject(jwt: boolean): BouncerPolicy {
  return {
    requestId: true,
    timing: { log: false },
    securityHeaders: true,
    cors: { origin: [ORIGIN] },
    ipFilter: { deny: DENY },
    bodyLimit: BODY_LIMIT,
    rateLimit: { limit: RATE_LIMIT.limit, windowMs: RATE_LIMIT.windowMs },
    jwt: jwt ? { algorithms: ['HS256'], issuer: JWT_ISSUER, audience: JWT_AUDIENCE } : false,
  };
}

/** The chain the Bouncer variants mount (a fresh one per call: no rate-limit state is shared). */
export function benchPolicy(options: { jwt: boolean }): Chain<any> {
  return bouncer(
    benchPolicyObject(options.jwt),
    options.jwt ? { jwtSecret: JWT_SECRET, logger: false } : { logger: false },
  );
}
