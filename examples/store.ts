// Where the examples keep rate-limit state: Redis when REDIS_URL is set (limits shared by every
// instance), memory otherwise.
import { MemoryStore, RedisStore } from '@bouncer/core';

/** Redis when REDIS_URL is set (limits shared by every instance), memory otherwise. */
export async function rateLimitStore() {
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
