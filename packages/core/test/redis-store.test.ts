import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import Redis, { type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { runFake } from '../src/_testing';
import { BouncerError, ConfigError } from '../src/errors';
import { rateLimit } from '../src/middleware/rate-limit';
import { gcraStep } from '../src/middleware/rate-limit/gcra';
import { GCRA_SCRIPT } from '../src/middleware/rate-limit/redis-script';
import {
  type RedisClientLike,
  RedisStore,
  type RedisStoreOptions,
  StoreUnavailableError,
} from '../src/middleware/rate-limit/redis-store';
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from '../src/middleware/rate-limit/store';

// ---------------------------------------------------------------------------------------------
// The contract's GCRA (`gcraStep`, shared with the memory store) is the yardstick for the Lua
// script; wrapped in a map it is also a fallback that counts how often it was asked, so tests
// can tell which path answered.

class CountingStore implements RateLimitStore {
  readonly name = 'counting';
  calls = 0;
  tats = new Map<string, number>();
  consume(key: string, rule: RateLimitRule, cost: number): RateLimitDecision {
    this.calls++;
    const now = Date.now();
    const decision = gcraStep(this.tats.get(key), now, rule, cost);
    if (decision.allowed) this.tats.set(key, now + decision.resetMs);
    return decision;
  }
  reset(key: string): void {
    this.tats.delete(key);
  }
}

const runId = `bouncer-test:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
const prefixes: string[] = [];
let prefixCount = 0;
function freshPrefix(): string {
  const prefix = `${runId}${prefixCount++}:`;
  prefixes.push(prefix);
  return prefix;
}

function elapsed(start: number): number {
  return performance.now() - start;
}

async function settle<T>(work: Promise<T>) {
  const start = performance.now();
  try {
    return { ok: true as const, value: await work, ms: elapsed(start) };
  } catch (error) {
    return { ok: false as const, error, ms: elapsed(start) };
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

// ---------------------------------------------------------------------------------------------

describe('RedisStore options', () => {
  const client = {
    script: async () => '',
    evalsha: async () => [],
    eval: async () => [],
    del: async () => 0,
  };

  it.each<[string, Partial<RedisStoreOptions>]>([
    ['client', { client: {} as RedisClientLike }],
    ['client', { client: undefined }],
    ['prefix', { prefix: 'rl:{app}:' }],
    ['prefix', { prefix: 5 as unknown as string }],
    ['timeoutMs', { timeoutMs: 0 }],
    ['timeoutMs', { timeoutMs: Number.NaN }],
    ['timeoutMs', { timeoutMs: 2 ** 31 }],
    ['fallback', { fallback: {} as RateLimitStore }],
    ['onError', { onError: 'log' as unknown as () => void }],
  ])('rejects a bad `%s` when constructed, naming the option', (option, bad) => {
    const make = () => new RedisStore({ client, ...bad } as RedisStoreOptions);
    expect(make).toThrow(ConfigError);
    expect(make).toThrow(`RedisStore: option \`${option}\``);
  });

  it('accepts an ioredis Redis or Cluster client as is, without connecting', () => {
    expectTypeOf<Redis>().toExtend<RedisClientLike>();
    expectTypeOf<Cluster>().toExtend<RedisClientLike>();
    const redis = new Redis({ lazyConnect: true });
    expect(new RedisStore({ client: redis }).name).toBe('redis');
    redis.disconnect();
  });
});

// A client whose every reply the test controls: no sockets, exact timing of failures.
function scriptedClient(evalsha: (...args: string[]) => Promise<unknown>) {
  const calls = { script: 0, evalsha: 0, eval: 0 };
  const client: RedisClientLike = {
    script: async () => {
      calls.script++;
      return 'a'.repeat(40);
    },
    evalsha: (_sha, _n, ...args) => {
      calls.evalsha++;
      return evalsha(...args);
    },
    eval: async () => {
      calls.eval++;
      return [1, 0, '1', '0'];
    },
    del: async () => 1,
  };
  return { client, calls };
}

const rule = { limit: 10, windowMs: 60_000 };

describe('RedisStore failure handling (scripted client)', () => {
  it('rejects with StoreUnavailableError once the timeout passes, and swallows late replies and errors', async () => {
    const late: { resolve: (reply: unknown) => void; reject: (error: Error) => void }[] = [];
    const { client } = scriptedClient(() => new Promise((resolve, reject) => late.push({ resolve, reject })));
    const store = new RedisStore({ client, timeoutMs: 20 });
    const first = await settle(store.consume('k', rule, 1));
    expect(first.ok || first.error).toBeInstanceOf(StoreUnavailableError);
    expect(first.ok || first.error).toBeInstanceOf(BouncerError);
    expect(String(first.ok || (first.error as Error).message)).toMatch(/no reply from Redis within 20 ms/);
    late[0].reject(new Error('Command timed out')); // ioredis's own commandTimeout, much later
    const second = await settle(store.consume('k', rule, 1));
    expect(second.ok).toBe(false);
    late[1].resolve([1, 9, '6000', '0']); // Redis answers after all
    expect(late).toHaveLength(2);
    await sleep(5); // an unhandled rejection would surface here (checked in afterAll)
  });

  it('calls onError once per outage, not per request, and again after a recovery', async () => {
    let failing = true;
    const { client } = scriptedClient(async () => {
      if (failing) throw new Error('connect ECONNREFUSED');
      return [1, 9, '6000', '0'];
    });
    const errors: unknown[] = [];
    const store = new RedisStore({ client, onError: (error) => errors.push(error) });
    for (let i = 0; i < 5; i++)
      await expect(store.consume('k', rule, 1)).rejects.toThrow(StoreUnavailableError);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).cause).toEqual(new Error('connect ECONNREFUSED'));
    failing = false;
    expect((await store.consume('k', rule, 1)).allowed).toBe(true);
    failing = true;
    await expect(store.consume('k', rule, 1)).rejects.toThrow(StoreUnavailableError);
    expect(errors).toHaveLength(2);
  });

  it('survives an onError hook that throws', async () => {
    const { client } = scriptedClient(async () => {
      throw new Error('down');
    });
    const store = new RedisStore({
      client,
      onError: () => {
        throw new Error('logger broke');
      },
    });
    await expect(store.consume('k', rule, 1)).rejects.toThrow(StoreUnavailableError);
  });

  it('while down, lets one call probe Redis and fails the others over without waiting', async () => {
    let pending = 0;
    const { client, calls } = scriptedClient(() => {
      pending++;
      return new Promise(() => {});
    });
    const fallback = new CountingStore();
    const store = new RedisStore({ client, timeoutMs: 30, fallback });
    await store.consume('k', rule, 1); // the outage starts: this call waited out the timeout
    const burst = await Promise.all(Array.from({ length: 10 }, () => settle(store.consume('k', rule, 1))));
    expect(burst.every((r) => r.ok)).toBe(true);
    expect(calls.evalsha).toBe(2); // the first call, then a single probe during the burst
    expect(pending).toBe(2);
    expect(fallback.calls).toBe(11);
    expect(burst.filter((r) => r.ms < 25)).toHaveLength(9);
  });

  it('keeps the probe to one call when a call begun before the outage fails during the probe', async () => {
    const replies: { resolve: (reply: unknown) => void; reject: (error: Error) => void }[] = [];
    const { client, calls } = scriptedClient(
      () => new Promise((resolve, reject) => replies.push({ resolve, reject })),
    );
    const fallback = new CountingStore();
    const store = new RedisStore({ client, timeoutMs: 10_000, fallback });
    const sent = async (n: number) => {
      while (calls.evalsha < n) await sleep(1);
    };
    const before = [store.consume('k', rule, 1), store.consume('k', rule, 1)];
    await sent(2);
    replies[0].reject(new Error('ECONNRESET')); // the outage starts
    await before[0];
    const probe = store.consume('k', rule, 1);
    await sent(3);
    replies[1].reject(new Error('ECONNRESET')); // the older call fails while the probe is out
    await before[1];
    expect((await store.consume('k', rule, 1)).allowed).toBe(true);
    expect(calls.evalsha).toBe(3); // answered by the fallback: the probe is still out
    expect(fallback.calls).toBe(3);
    for (const reply of replies.slice(2)) reply.resolve([1, 9, '6000', '0']);
    expect((await probe).remaining).toBe(9);
  });

  it('answers from the fallback while Redis fails, and from Redis again afterwards', async () => {
    let failing = true;
    const { client } = scriptedClient(async () => {
      if (failing) throw new Error("Stream isn't writeable");
      return [1, 4, '6000', '0'];
    });
    const fallback = new CountingStore();
    const store = new RedisStore({ client, fallback });
    expect(await store.consume('k', rule, 1)).toMatchObject({ allowed: true, remaining: 9 });
    expect(fallback.calls).toBe(1);
    failing = false;
    expect(await store.consume('k', rule, 1)).toMatchObject({ allowed: true, remaining: 4 });
    expect(fallback.calls).toBe(1);
  });

  it('wraps a failing fallback in StoreUnavailableError', async () => {
    const { client } = scriptedClient(async () => {
      throw new Error('down');
    });
    const fallback = new CountingStore();
    fallback.consume = () => {
      throw new TypeError('fallback broke');
    };
    const store = new RedisStore({ client, fallback });
    await expect(store.consume('k', rule, 1)).rejects.toThrow(StoreUnavailableError);
  });

  it('treats a malformed script reply as a failure, not as a decision', async () => {
    const { client } = scriptedClient(async () => [1, 'x', '1']);
    const store = new RedisStore({ client });
    await expect(store.consume('k', rule, 1)).rejects.toThrow(/unexpected reply/);
  });

  it('retries SCRIPT LOAD on the next call when it failed', async () => {
    const { client, calls } = scriptedClient(async () => [1, 9, '6000', '0']);
    let loads = 0;
    client.script = async () => {
      loads++;
      if (loads === 1) throw new Error('connect ECONNREFUSED');
      return 'b'.repeat(40);
    };
    const store = new RedisStore({ client });
    await expect(store.consume('k', rule, 1)).rejects.toThrow(StoreUnavailableError);
    expect(await store.consume('k', rule, 1)).toMatchObject({ allowed: true });
    expect(await store.consume('k', rule, 1)).toMatchObject({ allowed: true });
    expect(loads).toBe(2);
    expect(calls.evalsha).toBe(2);
  });

  it('resets the fallback too, and rejects a reset Redis cannot do only without a fallback', async () => {
    const { client } = scriptedClient(async () => [1, 9, '6000', '0']);
    client.del = async () => {
      throw new Error('down');
    };
    await expect(new RedisStore({ client }).reset('k')).rejects.toThrow(StoreUnavailableError);
    const fallback = new CountingStore();
    fallback.tats.set('k', 1);
    await new RedisStore({ client, fallback }).reset('k');
    expect(fallback.tats.has('k')).toBe(false);
  });
});

describe('RedisStore options, word for word (scripted client)', () => {
  const client = scriptedClient(async () => [1, 9, '6000', '0']).client;
  const message = (options: unknown) => {
    try {
      new RedisStore(options as RedisStoreOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('expected a ConfigError');
  };

  it('describes a bad client so that it can be recognised', () => {
    const got = (value: unknown) => message({ client: value }).replace(/^.* got /, '');
    expect(message({ client: {} })).toBe(
      'RedisStore: option `client` must be a Redis client with a `script` method (an ioredis Redis or Cluster), got an object (no keys)',
    );
    expect(message({ client: { ...client, del: 1 } })).toMatch(
      /with a `del` method .* got an object \(script, evalsha, eval, del\)$/,
    );
    expect(got({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toBe('an object (a, b, c, d, e)');
    expect(got([1, 2])).toBe('an array of 2');
    expect(got(() => {})).toBe('a function');
    expect(got(null)).toBe('null');
    expect(got(undefined)).toBe('undefined');
    expect(got('x'.repeat(60))).toBe(JSON.stringify('x'.repeat(60)));
    expect(got('x'.repeat(61))).toBe(JSON.stringify(`${'x'.repeat(60)}…`));
  });

  it('names each other bad option and its value', () => {
    expect(message({ client, prefix: 'a{b}' })).toBe(
      'RedisStore: option `prefix` must be a string without `{` or `}`, got "a{b}"',
    );
    for (const timeoutMs of [0, -1, 2 ** 31, '50']) {
      expect(message({ client, timeoutMs })).toBe(
        `RedisStore: option \`timeoutMs\` must be a number of milliseconds from 1 to 2147483647, got ${typeof timeoutMs === 'string' ? `"${timeoutMs}"` : timeoutMs}`,
      );
    }
    expect(() => new RedisStore({ client, timeoutMs: 2 ** 31 - 1 })).not.toThrow();
    for (const [fallback, shown] of [
      [null, 'null'],
      [{}, 'an object (no keys)'],
    ] as const) {
      expect(message({ client, fallback })).toBe(
        `RedisStore: option \`fallback\` must be a RateLimitStore (e.g. a MemoryStore), got ${shown}`,
      );
    }
    expect(message({ client, onError: 'log' })).toBe(
      'RedisStore: option `onError` must be a function, got "log"',
    );
  });

  it('keys under bouncer:rl: by default, tagged with the FNV-1a hash of the key', () => {
    const store = new RedisStore({ client });
    // FNV-1a 32-bit test vectors (draft-eastlake-fnv): "" → 811c9dc5, "a" → e40c292c, "foobar" → bf9cf968.
    expect(store.keyFor('')).toBe('bouncer:rl:{811c9dc5}');
    expect(store.keyFor('a')).toBe('bouncer:rl:{e40c292c}a');
    expect(store.keyFor('foobar')).toBe('bouncer:rl:{bf9cf968}foobar');
  });

  it('names its error class', async () => {
    const store = new RedisStore({ client: scriptedClient(() => Promise.reject(new Error('down'))).client });
    const error = await store.consume('k', rule, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).name).toBe('StoreUnavailableError');
    expect((error as Error).message).toBe('RedisStore: Redis unavailable (down)');
  });
});

describe('RedisStore replies (scripted client)', () => {
  const answer = async (reply: unknown) => {
    const store = new RedisStore({ client: scriptedClient(async () => reply).client });
    return store.consume('k', rule, 1).catch((e: Error) => e.message);
  };

  it('reads a four-number reply as the decision', async () => {
    expect(await answer([1, 9, '6000', '0'])).toEqual({
      allowed: true,
      limit: 10,
      remaining: 9,
      resetMs: 6000,
      retryAfterMs: 0,
    });
    expect(await answer([0, 0, '6000', '500'])).toMatchObject({ allowed: false, retryAfterMs: 500 });
  });

  it.each([
    [[1, 9, 6000], 'an array of 3'],
    [[1, 9, 6000, 0, 0], 'an array of 5'],
    [[1, 'x', 6000, 0], 'an array of 4'],
    [[1, 9, 6000, 'NaN'], 'an array of 4'],
    ['abcd', '"abcd"'],
    [null, 'null'],
  ])('refuses the reply %j', async (reply, shown) => {
    expect(await answer(reply)).toBe(
      `RedisStore: Redis unavailable (unexpected reply from the rate-limit script: ${shown})`,
    );
  });

  it('refuses a SCRIPT LOAD answer that is not a SHA-1 in hex', async () => {
    for (const sha of [
      5,
      'A'.repeat(40),
      'a'.repeat(41),
      ` ${'a'.repeat(40)}`,
      `${'a'.repeat(40)}\n`,
      'a'.repeat(39),
    ]) {
      const { client } = scriptedClient(async () => [1, 9, '6000', '0']);
      client.script = async () => sha;
      const message = await new RedisStore({ client }).consume('k', rule, 1).catch((e: Error) => e.message);
      expect(message).toBe(`RedisStore: Redis unavailable (SCRIPT LOAD answered ${JSON.stringify(sha)})`);
    }
  });

  it('refuses a SCRIPT LOAD answer that only reads as a SHA-1 once turned into text', async () => {
    const { client } = scriptedClient(async () => [1, 9, '6000', '0']);
    client.script = async () => ['a'.repeat(40)];
    expect(await new RedisStore({ client }).consume('k', rule, 1).catch((e: Error) => e.message)).toBe(
      'RedisStore: Redis unavailable (SCRIPT LOAD answered an array of 1)',
    );
  });

  it('passes on a rejection that carries no error at all', async () => {
    const store = new RedisStore({ client: scriptedClient(() => Promise.reject(undefined)).client });
    expect(await store.consume('k', rule, 1).catch((e: Error) => e.message)).toBe(
      'RedisStore: Redis unavailable (undefined)',
    );
  });
});

describe('RedisStore lifecycle (scripted client)', () => {
  it('loads the script once on ready(), and on every master of a cluster', async () => {
    const { client, calls } = scriptedClient(async () => [1, 9, '6000', '0']);
    await new RedisStore({ client }).ready();
    expect(calls.script).toBe(1);
    const masters = [scriptedClient(async () => []), scriptedClient(async () => [])];
    const cluster = Object.assign(scriptedClient(async () => []).client, {
      nodes(role: string) {
        expect(role).toBe('master');
        return masters.map((m) => m.client);
      },
    });
    const loads: unknown[][] = [];
    for (const master of masters)
      master.client.script = async (...args: unknown[]) => {
        loads.push(args);
        return 'b'.repeat(40);
      };
    await new RedisStore({ client: cluster }).ready();
    expect(loads).toEqual([
      ['LOAD', GCRA_SCRIPT],
      ['LOAD', GCRA_SCRIPT],
    ]);
  });

  it('rejects ready() when Redis cannot load the script', async () => {
    const { client } = scriptedClient(async () => []);
    client.script = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    await expect(new RedisStore({ client }).ready()).rejects.toThrow('connect ECONNREFUSED');
  });

  it('closes its fallback, and does without one', async () => {
    const { client } = scriptedClient(async () => []);
    let closed = 0;
    const fallback = {
      ...new CountingStore(),
      consume: () => ({}) as never,
      reset() {},
      close: () => void closed++,
    };
    await new RedisStore({ client, fallback }).close();
    expect(closed).toBe(1);
    await new RedisStore({ client }).close();
    await new RedisStore({ client, fallback: new CountingStore() }).close();
  });

  it('counts Redis as back once a reset succeeds, so the next failure is a new outage', async () => {
    let failing = true;
    const { client } = scriptedClient(async () => {
      if (failing) throw new Error('down');
      return [1, 9, '6000', '0'];
    });
    const errors: unknown[] = [];
    const store = new RedisStore({ client, onError: (e) => errors.push(e), fallback: new CountingStore() });
    await store.consume('k', rule, 1);
    expect(errors).toHaveLength(1);
    await store.reset('k');
    await store.consume('k', rule, 1);
    expect(errors).toHaveLength(2);
    failing = false;
  });
});

// ---------------------------------------------------------------------------------------------
// Against the shared Redis on 127.0.0.1:6379.

describe('RedisStore against Redis', () => {
  let admin: Redis;
  beforeAll(async () => {
    admin = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    for (const prefix of prefixes) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
    await admin.quit();
  });

  // Generous timeout: these tests check the arithmetic, not the outage behaviour.
  const store = (prefix = freshPrefix(), client: RedisClientLike = admin) =>
    new RedisStore({ client, prefix, timeoutMs: 5_000 });

  it('admits a request up to 1 µs before its slot with remaining 0, never -1 (script on a fixed clock)', async () => {
    // The script itself, with Redis's TIME replaced by a fixed clock (ARGV[4], ARGV[5]) so the
    // stored backlog can be put a fraction of a microsecond-slack before the slot.
    const fixed = GCRA_SCRIPT.replace("redis.call('TIME')", '{ ARGV[4], ARGV[5] }');
    expect(fixed).not.toBe(GCRA_SCRIPT);
    const key = `${freshPrefix()}edge`;
    for (const early of ['0.0000001', '0.0005', '0.001']) {
      // limit 1 per 1000 ms: a backlog of `early` ms means the slot opens `early` ms from now.
      await admin.set(key, `5000000:${early}`);
      const reply = (await admin.eval(fixed, 1, key, '1000', '1', '1', '5', '0')) as unknown[];
      expect(reply.slice(0, 2), `early by ${early} ms`).toEqual([1, 0]);
    }
    await admin.set(key, '5000000:0.0011');
    const denied = (await admin.eval(fixed, 1, key, '1000', '1', '1', '5', '0')) as unknown[];
    expect(denied[0]).toBe(0);
    // Through the store and the middleware: an on-time request is never a store failure.
    const s = store();
    const d = await s.consume('client', { limit: 1, windowMs: 1000 }, 1);
    expect(d.remaining).toBe(0);
  });

  it('admits exactly `limit` requests at once and tells the next one when to retry', async () => {
    const s = store();
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await s.consume('client', { limit: 3, windowMs: 60_000 }, 1));
    expect(decisions.map((d) => [d.allowed, d.remaining, d.limit])).toEqual([
      [true, 2, 3],
      [true, 1, 3],
      [true, 0, 3],
      [false, 0, 3],
    ]);
    // The four calls take milliseconds, so Redis's clock moved only that much between them.
    expect(decisions[0].resetMs).toBeCloseTo(20_000, 2);
    expect(decisions[3].retryAfterMs).toBeGreaterThan(19_000); // loose: a busy machine spaces the calls out
    expect(decisions[3].retryAfterMs).toBeLessThanOrEqual(20_000);
    // Denied with a full bucket: retryAfter − reset = interval × cost − window, whatever the clock.
    expect(decisions[3].retryAfterMs - decisions[3].resetMs).toBeCloseTo(20_000 - 60_000, 3);
  });

  it('makes the same decisions as the reference GCRA for any sequence of costs', async () => {
    const s = store();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 60_000, max: 3_600_000 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 12 }),
        async (limit, windowMs, costs) => {
          // A window of a minute or more makes the interval ≥ 6 s, far more than the milliseconds
          // the sequence takes, so the reference can run at one constant `now`.
          const r = { limit, windowMs };
          const key = `seq-${run++}`;
          let tat: number | undefined;
          for (const cost of costs) {
            const expected = gcraStep(tat, 0, r, cost);
            const got = await s.consume(key, r, cost);
            // Landing within a millisecond of the boundary, the answer depends on how much time
            // passed in Redis (and on float rounding of interval × cost): either is right there.
            const edge = Math.abs(Math.max(tat ?? 0, 0) + (r.windowMs / limit) * cost - r.windowMs) < 1;
            if (!edge) expect(got.allowed).toBe(expected.allowed);
            const want = got.allowed === expected.allowed ? expected : gcraStep(tat, 1, r, cost);
            expect(got.allowed).toBe(want.allowed);
            expect([got.remaining, got.limit]).toEqual([want.remaining, limit]);
            expect(Math.abs(got.resetMs - want.resetMs)).toBeLessThan(500);
            expect(Math.abs(got.retryAfterMs - want.retryAfterMs)).toBeLessThan(500);
            if (got.allowed) tat = Math.max(tat ?? 0, 0) + (r.windowMs / limit) * cost;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('charges a cost greater than 1 as that many requests', async () => {
    const s = store();
    const r = { limit: 10, windowMs: 60_000 };
    expect(await s.consume('bulk', r, 4)).toMatchObject({ allowed: true, remaining: 6 });
    expect(await s.consume('bulk', r, 4)).toMatchObject({ allowed: true, remaining: 2 });
    const denied = await s.consume('bulk', r, 4);
    expect(denied).toMatchObject({ allowed: false, remaining: 0 });
    expect(denied.retryAfterMs).toBeGreaterThan(11_900);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(12_000);
    expect(await s.consume('bulk', r, 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('counts remaining exactly when the interval is not a whole number of milliseconds', async () => {
    // 60000 / 7 ms: with the TAT kept as one epoch-ms double, 4 of 7 used left "2" remaining.
    const s = store();
    const r = { limit: 7, windowMs: 60_000 };
    expect(await s.consume('sevenths', r, 4)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await s.consume('sevenths', r, 1)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await s.consume('sevenths', r, 2)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('admits again once retryAfterMs has passed', async () => {
    const s = store();
    const r = { limit: 2, windowMs: 300 };
    await s.consume('recover', r, 1);
    await s.consume('recover', r, 1);
    const denied = await s.consume('recover', r, 1);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(100);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(150);
    await sleep(denied.retryAfterMs + 10);
    expect(await s.consume('recover', r, 1)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('stores the TAT under `<prefix>{<tag>}<key>` with an expiry at the TAT, and no write when denying', async () => {
    const prefix = freshPrefix();
    const s = store(prefix);
    const r = { limit: 2, windowMs: 60_000 };
    const first = await s.consume('user:42', r, 1);
    const key = s.keyFor('user:42');
    expect(key).toMatch(new RegExp(`^${prefix}\\{[0-9a-f]{8}\\}user:42$`));
    expect(await admin.keys(`${prefix}*`)).toEqual([key]);
    const ttl = await admin.pttl(key);
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(Math.ceil(first.resetMs));
    await s.consume('user:42', r, 1);
    const tat = await admin.get(key);
    expect((await s.consume('user:42', r, 1)).allowed).toBe(false);
    expect(await admin.get(key)).toBe(tat);
    expect(await admin.pttl(key)).toBeGreaterThan(59_000);
  });

  it('keeps keys with braces, newlines and globs as plain data', async () => {
    const prefix = freshPrefix();
    const s = store(prefix);
    const odd = 'a}b{*\n"c';
    expect((await s.consume(odd, rule, 1)).remaining).toBe(9);
    expect(await admin.keys(`${prefix}*`)).toEqual([s.keyFor(odd)]);
    expect((await s.consume('a', rule, 1)).remaining).toBe(9);
  });

  it('never lets a key choose its own Cluster hash tag: the tag is a hash, the key follows it', () => {
    const s = store('p:');
    // Redis Cluster hashes only the text between the first `{` and the next `}` (Cluster spec, "Hash tags").
    const tagOf = (redisKey: string) => {
      const open = redisKey.indexOf('{');
      return redisKey.slice(open + 1, redisKey.indexOf('}', open + 1));
    };
    const hostile = ['}', 'x}', '{victim}', 'sub:}{victim}', 'a}b', '{}', ''];
    const tags = hostile.map((k) => tagOf(s.keyFor(k)));
    for (const [i, k] of hostile.entries()) {
      expect(tags[i]).toMatch(/^[0-9a-f]{8}$/);
      expect(s.keyFor(k)).toBe(`p:{${tags[i]}}${k}`);
    }
    expect(new Set(tags).size).toBe(hostile.length);
    // 4096 ordinary keys land on 4096 distinct tags: the tag spreads keys across slots.
    const many = new Set(
      Array.from({ length: 4096 }, (_, i) => tagOf(s.keyFor(`rl:ip:10.0.${i >> 8}.${i & 255}`))),
    );
    expect(many.size).toBe(4096);
  });

  it('forgets a key on reset', async () => {
    const s = store();
    const r = { limit: 1, windowMs: 60_000 };
    await s.consume('login', r, 1);
    expect((await s.consume('login', r, 1)).allowed).toBe(false);
    await s.reset('login');
    expect((await s.consume('login', r, 1)).allowed).toBe(true);
  });

  it('reloads the script after SCRIPT FLUSH (NOSCRIPT) and keeps deciding correctly', async () => {
    const counts = { evalsha: 0, eval: 0, script: 0 };
    const client = new Proxy(admin, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (prop !== 'evalsha' && prop !== 'eval' && prop !== 'script') return value;
        return (...args: unknown[]) => {
          counts[prop]++;
          return value.apply(target, args);
        };
      },
    });
    const s = store(freshPrefix(), client);
    const r = { limit: 3, windowMs: 60_000 };
    expect((await s.consume('flush', r, 1)).remaining).toBe(2);
    await admin.script('FLUSH');
    expect((await s.consume('flush', r, 1)).remaining).toBe(1);
    expect((await s.consume('flush', r, 1)).remaining).toBe(0);
    expect(counts).toEqual({ script: 1, evalsha: 3, eval: 1 });
  });

  it('drives the rateLimit middleware: 429 with Retry-After past the limit, 503 when down and closed', async () => {
    const limiter = rateLimit({ limit: 2, windowMs: 60_000, store: store(), warn: () => {} });
    const statuses = [];
    let last: Awaited<ReturnType<typeof runFake>> | undefined;
    for (let i = 0; i < 3; i++) {
      last = await runFake(limiter, { peer: '203.0.113.9' });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last?.headers['retry-after']).toBe('30');
    const { client: dead } = scriptedClient(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    const closed = rateLimit({
      limit: 2,
      windowMs: 60_000,
      store: new RedisStore({ client: dead }),
      failMode: 'closed',
      warn: () => {},
    });
    const down = await runFake(closed, { peer: '203.0.113.9' });
    expect([down.status, down.reached]).toEqual([503, false]);
  });

  it('never over-admits when several clients consume one key concurrently', async () => {
    const prefix = freshPrefix();
    const clients = Array.from({ length: 5 }, () => new Redis({ host: '127.0.0.1', port: 6379 }));
    try {
      const stores = clients.map((c) => store(prefix, c));
      const r = { limit: 100, windowMs: 3_600_000 }; // a slot every 36 s: the burst never outlasts one
      const decisions = await Promise.all(
        stores.flatMap((s) => Array.from({ length: 200 }, () => s.consume('hot', r, 1))),
      );
      expect(decisions).toHaveLength(1_000);
      expect(decisions.filter((d) => d.allowed)).toHaveLength(100);
      const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
      expect(new Set(remaining).size).toBe(100); // each slot handed out once: 99 … 0
    } finally {
      await Promise.all(clients.map((c) => c.quit()));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Against a redis-server this file starts, kills, stops and restarts.

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 5_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
  });
  return child;
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGCONT');
  child.kill('SIGKILL');
  await exited;
}

// Polls until `check` passes (a bounded loop: the test fails rather than waits forever).
async function eventually(check: () => Promise<boolean>, what: string): Promise<number> {
  const start = performance.now();
  while (elapsed(start) < 5_000) {
    if (await check()) return elapsed(start);
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Observed {
  scenario: string;
  calls: number;
  redis: number;
  fallback: number;
  rejected: number;
  /** Calls that waited out (most of) the timeout: the probes. The rest failed over at once. */
  waited: number;
  maxMs: number;
  medianMs: number;
}
const observed: Observed[] = [];

function observe(
  scenario: string,
  results: Awaited<ReturnType<typeof settle>>[],
  fallback?: CountingStore,
  before = 0,
) {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const fallbackCalls = fallback ? fallback.calls - before : 0;
  const row: Observed = {
    scenario,
    calls: results.length,
    fallback: fallbackCalls,
    redis: results.filter((r) => r.ok).length - fallbackCalls,
    rejected: results.filter((r) => !r.ok).length,
    waited: results.filter((r) => r.ms >= 40).length,
    maxMs: Math.round(ms[ms.length - 1] * 10) / 10,
    medianMs: Math.round(ms[Math.floor(ms.length / 2)] * 10) / 10,
  };
  observed.push(row);
  return row;
}

// The first call Redis answered again after an outage; `maxMs` is how long that took to happen.
function recovered(scenario: string, ms: number) {
  const rounded = Math.round(ms);
  observed.push({
    scenario,
    calls: 1,
    redis: 1,
    fallback: 0,
    rejected: 0,
    waited: 0,
    maxMs: rounded,
    medianMs: rounded,
  });
}

describe('RedisStore when its Redis fails', () => {
  let port: number;
  let server: ChildProcess | undefined;
  let client: Redis;
  const r = { limit: 1_000, windowMs: 60_000 };
  const burst = (store: RedisStore, key: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => settle(store.consume(key, r, 1))));
  const serial = async (store: RedisStore, key: string, n: number) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await settle(store.consume(key, r, 1)));
    return results;
  };
  const ready = () => eventually(async () => client.status === 'ready', 'the client to reconnect');

  beforeAll(async () => {
    port = await freePort();
    server = await startRedis(port);
    // The client options the README recommends, with a quick reconnect for the test's sake.
    client = new Redis({
      host: '127.0.0.1',
      port,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 300,
      retryStrategy: () => 25,
    });
    client.on('error', () => {}); // reconnection noise; the store reports outages itself
    await ready();
  });

  afterAll(async () => {
    await kill(server);
    client?.disconnect();
    console.table(observed);
  });

  it('fails fast with StoreUnavailableError when Redis is killed, then resumes from Redis on restart', async () => {
    const errors: unknown[] = [];
    const store = new RedisStore({ client, prefix: 'kill:', onError: (e) => errors.push(e) });
    expect((await store.consume('k', r, 1)).remaining).toBe(999);

    await kill(server);
    const down = [...(await serial(store, 'k', 20)), ...(await burst(store, 'k', 50))];
    const row = observe('killed, no fallback', down);
    expect(row.rejected).toBe(70);
    expect(down.every((d) => !d.ok && d.error instanceof StoreUnavailableError)).toBe(true);
    expect(row.maxMs).toBeLessThan(1_000); // bounded by the 50 ms timeout, never a hang
    expect(errors).toHaveLength(1);

    server = await startRedis(port);
    await ready();
    const back = await serial(store, 'k', 3);
    observe('restarted, no fallback', back);
    // The restarted server (no persistence) holds a fresh bucket: the decisions are Redis's.
    expect(back.map((b) => b.ok && b.value.remaining)).toEqual([999, 998, 997]);
    expect(await client.exists(store.keyFor('k'))).toBe(1);
    expect(errors).toHaveLength(1);
  });

  it('answers from the fallback while Redis is killed, and from Redis after the restart', async () => {
    const errors: unknown[] = [];
    const fallback = new CountingStore();
    const store = new RedisStore({ client, prefix: 'kill-fb:', fallback, onError: (e) => errors.push(e) });
    expect((await store.consume('k', r, 1)).remaining).toBe(999);
    expect(fallback.calls).toBe(0);

    await kill(server);
    const down = [...(await serial(store, 'k', 20)), ...(await burst(store, 'k', 50))];
    const row = observe('killed, fallback', down, fallback);
    expect(row).toMatchObject({ fallback: 70, rejected: 0, redis: 0 });
    expect(row.maxMs).toBeLessThan(1_000);
    expect(errors).toHaveLength(1);

    server = await startRedis(port);
    await ready();
    const before = fallback.calls;
    const back = await serial(store, 'k', 3);
    observe('restarted, fallback', back, fallback, before);
    expect(fallback.calls).toBe(before);
    expect(back.map((b) => b.ok && b.value.remaining)).toEqual([999, 998, 997]);
  });

  it('times out instead of hanging while Redis is paused (SIGSTOP), and resumes on SIGCONT', async () => {
    const errors: unknown[] = [];
    const store = new RedisStore({ client, prefix: 'stop:', onError: (e) => errors.push(e) });
    expect((await store.consume('k', r, 1)).remaining).toBe(999);

    server!.kill('SIGSTOP');
    try {
      const down = [...(await serial(store, 'k', 10)), ...(await burst(store, 'k', 50))];
      const row = observe('paused, no fallback', down);
      expect(row.rejected).toBe(60);
      expect(down.every((d) => !d.ok && d.error instanceof StoreUnavailableError)).toBe(true);
      expect(String((down[0] as { error: Error }).error.message)).toMatch(/no reply from Redis within 50 ms/);
      expect(row.maxMs).toBeLessThan(1_000);
      expect(errors).toHaveLength(1);
    } finally {
      server!.kill('SIGCONT');
    }
    const waited = await eventually(
      async () => (await settle(store.consume('k', r, 1))).ok,
      'Redis to answer again',
    );
    recovered('resumed after SIGCONT, no fallback', waited);
    // Every call that reached Redis before its timeout may still have been applied late: the
    // bucket only ever over-counts (fails safe), it never forgets a request it admitted.
    expect(await client.get(store.keyFor('k'))).toMatch(/^\d+:[\d.e+]+$/);
    expect((await store.consume('k', r, 1)).remaining).toBeLessThanOrEqual(997);
  });

  it('answers from the fallback while Redis is paused, and from Redis after SIGCONT', async () => {
    const errors: unknown[] = [];
    const fallback = new CountingStore();
    const store = new RedisStore({ client, prefix: 'stop-fb:', fallback, onError: (e) => errors.push(e) });
    expect((await store.consume('k', r, 1)).remaining).toBe(999);

    server!.kill('SIGSTOP');
    try {
      const down = [...(await serial(store, 'k', 10)), ...(await burst(store, 'k', 50))];
      const row = observe('paused, fallback', down, fallback);
      expect(row).toMatchObject({ fallback: 60, rejected: 0, redis: 0 });
      expect(row.maxMs).toBeLessThan(1_000);
      expect(errors).toHaveLength(1);
    } finally {
      server!.kill('SIGCONT');
    }
    const before = fallback.calls;
    const waited = await eventually(async () => {
      const calls = fallback.calls;
      await store.consume('k', r, 1);
      return fallback.calls === calls;
    }, 'Redis to answer again');
    recovered(`resumed after SIGCONT (fallback answered ${fallback.calls - before}× meanwhile)`, waited);
    const settled = fallback.calls;
    const back = await serial(store, 'k', 3);
    observe('resumed after SIGCONT, fallback', back, fallback, settled);
    expect(fallback.calls).toBe(settled);
    expect(back.every((b) => b.ok)).toBe(true);
  });
});
