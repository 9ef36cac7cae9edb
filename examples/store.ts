// Where the examples keep rate-limit state: a Redis Cluster (REDIS_CLUSTER), one Redis
// (REDIS_URL), or memory; and what the limiter does while Redis cannot decide.
import { MemoryStore, RedisStore } from '@bouncer/core';

/**
 * What the limiter does while its Redis cannot decide (RATE_LIMIT_FAIL_MODE): `local` (default)
 * decides by a per-process memory store, `open` lets requests through, `closed` answers 503.
 */
export function failMode(): 'open' | 'closed' {
  const mode = process.env.RATE_LIMIT_FAIL_MODE ?? 'local';
  if (mode !== 'local' && mode !== 'open' && mode !== 'closed')
    throw new Error(`RATE_LIMIT_FAIL_MODE must be local, open or closed, got ${JSON.stringify(mode)}`);
  return mode === 'closed' ? 'closed' : 'open';
}

/** The store's per-call deadline (REDIS_TIMEOUT_MS, default 50 ms), past which Redis counts as failing. */
function storeTimeoutMs(): number {
  const ms = Number(process.env.REDIS_TIMEOUT_MS ?? 50);
  if (!Number.isInteger(ms) || ms < 1)
    throw new Error(
      `REDIS_TIMEOUT_MS must be a whole number of milliseconds ≥ 1, got ${process.env.REDIS_TIMEOUT_MS}`,
    );
  return ms;
}

/** `host:port,host:port,…` (REDIS_CLUSTER) as ioredis Cluster start-up nodes. */
function clusterNodes(list: string): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const m = /^\s*(\[[^\]]+\]|[^\s:]+):(\d{1,5})\s*$/.exec(entry);
    const port = Number(m?.[2]);
    if (!m || port < 1 || port > 65535)
      throw new Error(`REDIS_CLUSTER must be host:port,host:port,…, got ${JSON.stringify(entry)}`);
    return { host: m[1].replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * A Redis Cluster client for REDIS_CLUSTER, else a Redis client for REDIS_URL, else none. Both
 * fail fast (no offline queue, no retries per request) so an outage costs one store timeout, and
 * the cluster client follows MOVED/ASK redirections and refreshes its slot map after a failover.
 */
async function redisClient() {
  const { Cluster, Redis } = await import('ioredis');
  const commandTimeout = Math.max(500, storeTimeoutMs());
  const fast = { enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout } as const;
  if (process.env.REDIS_CLUSTER) {
    return {
      name: 'REDIS_CLUSTER',
      client: new Cluster(clusterNodes(process.env.REDIS_CLUSTER), {
        enableOfflineQueue: false,
        lazyConnect: true,
        redisOptions: fast,
        // Ask the cluster for its new slot map soon after a node drops, rather than once a minute.
        slotsRefreshInterval: 2000,
      }),
    };
  }
  if (process.env.REDIS_URL) {
    return { name: 'REDIS_URL', client: new Redis(process.env.REDIS_URL, { ...fast, lazyConnect: true }) };
  }
  return undefined;
}

/** Redis (Cluster) when REDIS_CLUSTER or REDIS_URL is set (limits shared by every instance), memory otherwise. */
export async function rateLimitStore() {
  const redis = await redisClient();
  if (!redis) return undefined;
  const { name, client } = redis;
  client.on('error', () => {}); // outages are reported once by the store, not per reconnect attempt
  client.on('node error', () => {});
  // Connect before serving: with the offline queue off, a request before `ready` would be decided
  // by the local fallback, and the first few limits would not be shared.
  // Bounded: a cluster that is down (or a startup node that never answers) must not keep the
  // server from listening; the limiter then follows its fail mode until Redis answers.
  const local = (process.env.RATE_LIMIT_FAIL_MODE ?? 'local') === 'local';
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    client.connect(),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('not ready within 5 s')), 5000);
    }),
  ])
    .catch((error: unknown) =>
      console.warn(
        `${name}: cannot connect yet (${String(error)}); ${local ? 'deciding locally' : `failing ${failMode()}`} until it answers`,
      ),
    )
    .finally(() => clearTimeout(timer));
  const store = new RedisStore({
    client,
    timeoutMs: storeTimeoutMs(),
    fallback: local ? new MemoryStore() : undefined,
    onError: (error) =>
      console.warn(
        `rate-limit store: Redis unavailable, ${local ? 'deciding locally' : `failing ${failMode()}`} (${String(error)})`,
      ),
  });
  await store.ready().catch(() => {}); // load the script before serving; an outage is reported by the store
  return store;
}
