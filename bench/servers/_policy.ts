// The Bouncer policy every Bouncer variant mounts, in one file: the declarative object the lead's
// `bouncer(policy, extras)` turns into a chain (request id and timing outermost, then client IP,
// security headers, CORS, and the gates from cheapest to dearest).
import { type BouncerPolicy, bouncer, type Chain, RedisStore } from '@bouncer/core';
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

/**
 * The chain for a server mode: `bouncer`, `bouncer-jwt`, `bouncer-redis` (the same policy with
 * its rate limit kept in the Redis at REDIS_URL, default 127.0.0.1:6379, under a per-run prefix) or
 * `bouncer-cluster` (the same in the Redis Cluster at REDIS_CLUSTER, `host:port,…`, which
 * `pnpm bench` starts on loopback ports for the run).
 */
export async function chainFor(mode: string): Promise<Chain<any> | undefined> {
  if (mode === 'bouncer' || mode === 'bouncer-jwt') return benchPolicy({ jwt: mode === 'bouncer-jwt' });
  if (mode !== 'bouncer-redis' && mode !== 'bouncer-cluster') return undefined;
  const { Cluster, Redis } = await import('ioredis');
  const fast = { enableOfflineQueue: false, maxRetriesPerRequest: 0 } as const;
  let client: InstanceType<typeof Redis> | InstanceType<typeof Cluster>;
  if (mode === 'bouncer-cluster') {
    const spec = process.env.REDIS_CLUSTER;
    if (!spec) throw new Error('bouncer-cluster needs REDIS_CLUSTER=host:port,… (pnpm bench starts one)');
    const nodes = spec.split(',').map((hp) => {
      const [host, port] = hp.split(':');
      return { host, port: Number(port) };
    });
    client = new Cluster(nodes, { enableOfflineQueue: false, lazyConnect: true, redisOptions: fast });
  } else {
    client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { ...fast, lazyConnect: true });
  }
  await client.connect();
  const store = new RedisStore({ client, prefix: `bouncer:bench:${process.pid}:` });
  await store.ready();
  return bouncer(benchPolicyObject(false), { logger: false, rateLimitStore: store });
}
