// Four server processes — one per adapter — share one Redis. A limit of N per client holds across
// all of them: at least 10×N concurrent requests for one client yield exactly N successes.
import { Agent, request } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExampleServer, STACKS, startExample, stopAll } from './_servers';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const N = 20;
const TOTAL = 10 * N + 40; // 240 requests, 60 per instance
// A fresh client address per run (RFC 2544 benchmarking range), so earlier runs never count.
const client = `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

let servers: ExampleServer[] = [];
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/health`, { headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe('one Redis, four stacks', () => {
  beforeAll(async () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.ping(); // fail here, clearly, when Redis is not running
    await redis.quit();
    // A store timeout above a shared CI machine's scheduling stalls: this test is about sharing one
    // quota, and a slow reply counted as an outage would decide locally (the default is 50 ms).
    servers = await Promise.all(
      STACKS.map((s) => startExample(s, { REDIS_URL, RATE_LIMIT: String(N), REDIS_TIMEOUT_MS: '2000' })),
    );
    // Warm each instance up (from another client address), as a server in service would be: a cold
    // process compiling its first requests can stall its event loop past the store's 50 ms timeout.
    const warm = `198.19.${Math.floor(Math.random() * 256)}.1`;
    for (let round = 0; round < 3; round++) {
      await Promise.all(
        servers.flatMap((s) => Array.from({ length: 10 }, () => get(s.url, { 'x-forwarded-for': warm }))),
      );
    }
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await stopAll(servers);
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = [
      ...(await redis.keys(`bouncer:rl:{*}*${client}*`)),
      ...(await redis.keys('bouncer:rl:{*}*198.19.*')),
    ];
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it(`admits exactly ${N} of ${TOTAL} concurrent requests spread over express, koa, hono and raw`, async () => {
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: TOTAL }, (_, i) =>
        get(servers[i % servers.length].url, { 'x-forwarded-for': client }),
      ),
    );
    const elapsed = Date.now() - started;
    const ok = replies.filter((r) => r.status === 200);
    const limited = replies.filter((r) => r.status === 429);
    const perStack = Object.fromEntries(
      STACKS.map((s, i) => [
        s,
        replies.filter((_, j) => j % servers.length === i && replies[j].status === 200).length,
      ]),
    );
    console.log(
      `shared limit: ${ok.length} × 200, ${limited.length} × 429 of ${TOTAL} in ${elapsed} ms; 200s per stack ${JSON.stringify(perStack)}`,
    );
    expect(ok.length + limited.length).toBe(TOTAL);
    // GCRA refills one request every 60 s / N = 3 s: allow for refills during a slow burst.
    const refilled = Math.floor(elapsed / (60_000 / N));
    expect(ok.length).toBeGreaterThanOrEqual(N);
    expect(ok.length).toBeLessThanOrEqual(N + refilled);
    if (elapsed < 60_000 / N) expect(ok.length).toBe(N);

    // Every 429 says when to come back: one emission interval (3 s) at most, rounded up.
    for (const r of limited) {
      const retry = Number(r.headers['retry-after']);
      expect(Number.isInteger(retry)).toBe(true);
      expect(retry).toBeGreaterThanOrEqual(1);
      expect(retry).toBeLessThanOrEqual(Math.ceil(60 / N));
    }
  });

  it('a denied client that waits Retry-After is admitted again, on any instance', async () => {
    const denied = await get(servers[0].url, { 'x-forwarded-for': client });
    expect(denied.status).toBe(429);
    await new Promise((r) => setTimeout(r, Number(denied.headers['retry-after']) * 1000 + 50));
    const again = await get(servers[3].url, { 'x-forwarded-for': client });
    expect(again.status).toBe(200);
    const next = await get(servers[1].url, { 'x-forwarded-for': client });
    expect(next.status).toBe(429);
  }, 10_000);
});
