// The one policy every example mounts unchanged: Express, Koa, Hono and the raw server answer
// the same requests with the same status and the same bouncer headers.
import { type BouncerPolicy, type BouncerState, bouncer } from '@bouncer/core';
import { failMode, rateLimitStore } from './store';

/** A development secret: set JWT_SECRET in any real deployment. */
export const DEV_JWT_SECRET = 'bouncer-demo-secret-change-me-0123456789';

export const policyObject = {
  trustProxy: 'loopback', // X-Forwarded-For only from proxies we run
  requestId: true, // X-Request-Id: reuse a safe one or make one
  timing: { serverTiming: true }, // one access-log line per request, Server-Timing
  securityHeaders: { xFrameOptions: { action: 'deny' } }, // helmet 8's set and defaults
  cors: { origin: ['https://app.example'], credentials: true },
  ipFilter: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] },
  bodyLimit: '64kb',
  rateLimit: {
    limit: Number(process.env.RATE_LIMIT ?? 100), // GCRA, IETF RateLimit headers
    window: process.env.RATE_LIMIT_WINDOW ?? '60s',
    key: 'ip',
    failMode: failMode(), // RATE_LIMIT_FAIL_MODE: local (default), open or closed
  },
  jwt: {
    algorithms: ['HS256'],
    issuer: 'bouncer-demo',
    audience: 'pricing-api',
    public: [{ method: 'GET', path: '/health' }],
  },
} satisfies BouncerPolicy;

/** What the chain leaves for handlers (`auth`, `requestId`, …): type your app's state with it. */
export type PolicyState = BouncerState;

export const policy = bouncer(policyObject, {
  jwtSecret: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
  rateLimitStore: await rateLimitStore(), // Redis Cluster or Redis when configured, else memory
  logger: process.env.ACCESS_LOG === '0' ? false : undefined,
});
