// The one policy every example mounts unchanged: Express, Koa, Hono and the raw server answer
// the same requests with the same status and the same bouncer headers.
import { type BouncerPolicy, type BouncerState, bouncer, MemoryStore, RedisStore } from '@bouncer/core';

/** A development secret: set JWT_SECRET in any real deployment. */
export const DEV_JWT_SECRET = 'bouncer-demo-secret-change-me-0123456789';

export const policyObject = {
  trustProxy: 'loopback',
  requestId: true,
  timing: { serverTiming: true },
  securityHeaders: { xFrameOptions: { action: 'deny' } },
  cors: { origin: ['https://app.example'], credentials: true },
  ipFilter: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] },
  bodyLimit: '64kb',
  rateLimit: { limit: Number(process.env.RATE_LIMIT ?? 100), window: '60s', key: 'ip' },
  jwt: {
    algorithms: ['HS256'],
    issuer: 'bouncer-demo',
    audience: 'pricing-api',
    public: [{ method: 'GET', path: '/health' }],
  },
} satisfies BouncerPolicy;

export type PolicyState = BouncerState;

/** Redis when REDIS_URL is set (limits shared by every instance), memory otherwise. */
async function rateLimitStore() {
  const url = process.env.REDIS_URL;
  if (!url) return undefined;
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    lazyConnect: true,
  });
  client.on('error', () => {}); // outages are reported once by the store, not per reconnect attempt
  // Connect before serving: with the offline queue off, a request before `ready` would be decided
  // by the local fallback, and the first few limits would not be shared.
  await client
    .connect()
    .catch((error: unknown) =>
      console.warn(`REDIS_URL: cannot connect yet (${String(error)}); deciding locally until it answers`),
    );
  const store = new RedisStore({
    client,
    fallback: new MemoryStore(),
    onError: (error) =>
      console.warn(`rate-limit store: Redis unavailable, deciding locally (${String(error)})`),
  });
  await store.ready().catch(() => {}); // load the script before serving; an outage is reported by the store
  return store;
}

export const policy = bouncer(policyObject, {
  jwtSecret: process.env.JWT_SECRET ?? DEV_JWT_SECRET,
  rateLimitStore: await rateLimitStore(),
  logger: process.env.ACCESS_LOG === '0' ? false : undefined,
});
