// The protection every protected variant is configured with, native stacks and Bouncer alike,
// so the comparison is between implementations of one policy, not between policies.
import { SignJWT } from 'jose';

/** The one origin allowed by CORS; the load generator sends it on every request. */
export const ORIGIN = 'https://app.example';

/**
 * Far above what one client can send in a run (≈ 60k req/s × 60 s), so no variant ever answers
 * 429 and every variant still does its full counting work on every request.
 */
export const RATE_LIMIT = { limit: 1_000_000_000, windowMs: 60_000 } as const;

/** Documentation ranges (RFC 5737, RFC 3849): never the loopback client, so nothing is denied. */
export const DENY = ['203.0.113.0/24', '198.51.100.0/24', '2001:db8::/32'];

export const BODY_LIMIT = '100kb';

/** HS256 needs at least 256 bits of key (RFC 7518 §3.2). Bench-only: never a real secret. */
export const JWT_SECRET = 'bench-only-hs256-secret-0123456789abcdef';
export const JWT_ISSUER = 'bench-issuer';
export const JWT_AUDIENCE = 'bench-api';

/** The one valid token every JWT variant is sent, repeated on every request (an hour of validity). */
export function signBenchToken(): Promise<string> {
  return new SignJWT({ scope: 'prices:read' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('bench-user')
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));
}
