// The policy every stack mounts in the browser suite, and the tokens its pages send.
import { type BouncerState, bouncer, type Middleware } from '@bouncer/core';
import { SignJWT } from 'jose';

/** Test-only HS256 key (RFC 7518 §3.2 wants at least 256 bits for HS256). */
const SECRET = 'browser-suite-hs256-secret-not-for-production!';
const ISSUER = 'bouncer-browser-suite';
const AUDIENCE = 'browser-api';

/** Requests a subject may make per window before the bouncer answers 429. */
export const RATE_LIMIT = 3;

/**
 * The bouncer for an API whose only trusted page origin is `allowedOrigin`: CORS with credentials,
 * `RateLimit` and `Retry-After` exposed to page script, helmet's headers with `X-Frame-Options: DENY`,
 * HS256 bearer tokens, and a small per-subject rate limit.
 *
 * The limit keys on the token's subject (it runs after authentication), so each test spends the
 * quota of its own subject and the tests of one stack do not eat each other's requests.
 * `publicPaths` are reachable without a token (pages and assets a browser loads by navigation).
 */
export function browserPolicy(
  allowedOrigin: string,
  publicPaths: readonly string[] = [],
): Middleware<BouncerState> {
  return bouncer(
    {
      timing: { log: false },
      securityHeaders: { xFrameOptions: { action: 'deny' } },
      cors: { origin: [allowedOrigin], credentials: true, exposeHeaders: ['RateLimit', 'Retry-After'] },
      rateLimit: { limit: RATE_LIMIT, window: '60s', key: 'subject' },
      jwt: {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        public: publicPaths.map((path) => ({ method: 'GET', path })),
      },
    },
    { jwtSecret: SECRET, logger: false },
  );
}

/** A bearer token the policy accepts, for `subject`, valid five minutes. */
export function mintToken(subject: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
}
