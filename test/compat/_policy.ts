// The policy every compatibility case mounts, and what it is expected to do to an answer.
import { type BouncerState, bouncer, type Middleware } from '@bouncer/core';

/** The Origin every request of the suite sends, so the CORS layer stamps its answer headers. */
export const ORIGIN = 'https://app.example';

/**
 * The example policy (examples/policy.ts) without authentication: every outbound layer that
 * stamps a header, a rate limit far above what a case sends, and a body limit above every upload,
 * so that nothing here is rejected and any difference from the unguarded app is Bouncer's doing.
 * A fresh chain per server keeps the rate-limit counters of one case away from the next.
 */
export function compatPolicy(): Middleware<BouncerState> {
  return bouncer(
    {
      trustProxy: 'loopback',
      requestId: true,
      timing: { serverTiming: true, log: false },
      securityHeaders: { xFrameOptions: { action: 'deny' } },
      cors: { origin: [ORIGIN], credentials: true },
      bodyLimit: '1mb',
      rateLimit: { limit: 100_000, window: '60s', key: 'ip' },
    },
    { logger: false },
  );
}

/**
 * Fields the policy writes on every answer. When the application set one of them itself, the
 * application's value wins (helmet's precedence, documented in the adapters' READMEs), so the
 * guarded answer must then carry the unguarded answer's value.
 */
export const STAMPED = [
  'access-control-allow-credentials',
  'access-control-allow-origin',
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'ratelimit',
  'ratelimit-policy',
  'referrer-policy',
  'server-timing',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-request-id',
  'x-xss-protection',
] as const;

/** Fields the policy removes (securityHeaders' `xPoweredBy`, on by default). */
export const REMOVED = ['x-powered-by'] as const;

/** Fields the policy merges into the application's: CORS adds `Origin` to `Vary` (RFC 9110 §12.5.5). */
export const MERGED = { vary: ['origin'] } as const;
