import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import type { Middleware } from '../../types';
import { clientIp } from '../client-ip';
import { ipFilter } from '../ip-filter';
import { requestId } from '../request-id';
import { MemoryStore, type RateLimitStore, rateLimit } from '.';

const fixedStore = () => {
  const clock = { t: 0 };
  return { clock, store: new MemoryStore({ now: () => clock.t }) };
};

async function hit(
  mw: Middleware,
  peer = '203.0.113.9',
  extra: Parameters<typeof runFake>[1] = {},
  state = {},
) {
  return runFake(mw, { peer, ...extra }, {}, state);
}

describe('rateLimit', () => {
  it('allows `limit` requests with draft-10 headers, then answers 429 with Retry-After', async () => {
    const { store } = fixedStore();
    const mw = rateLimit({ limit: 3, windowMs: 60_000, store });
    const first = await hit(mw);
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(first.headers.ratelimit).toBe('"default";r=2;t=20');
    await hit(mw);
    expect((await hit(mw)).headers.ratelimit).toBe('"default";r=0;t=60');
    const denied = await hit(mw);
    expect(denied.status).toBe(429);
    expect(denied.reached).toBe(false);
    expect(denied.headers['retry-after']).toBe('20');
    expect(denied.headers.ratelimit).toBe('"default";r=0;t=20');
    expect(denied.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(denied.ctx.rejection?.policy).toBe('rateLimit');
    expect(JSON.parse(denied.body!)).toMatchObject({ status: 429 });
  });

  it('rounds Retry-After up to whole seconds, at least 1 (RFC 9110 §10.2.3)', async () => {
    const { clock, store } = fixedStore();
    const mw = rateLimit({ limit: 1, windowMs: 1000, store });
    await hit(mw);
    clock.t = 999.75;
    expect((await hit(mw)).headers['retry-after']).toBe('1');
    clock.t = 10;
    expect((await hit(mw)).headers['retry-after']).toBe('1');
  });

  it('stamps its headers at the head, so every answer carries them whatever the application reset', async () => {
    const mw = rateLimit({ limit: 5, windowMs: 60_000 });
    let seen: string | undefined;
    const res = await runFake(
      mw,
      {},
      {
        run: (host) => {
          seen = host.getHeader('ratelimit-policy');
        },
      },
    );
    expect(seen).toBeUndefined();
    expect(res.headers['ratelimit-policy']).toBe('"default";q=5;w=60');
    expect(res.headers.ratelimit).toMatch(/^"default";r=4;t=\d+$/);
    const cleared = await runFake(mw, {}, { run: (host) => host.resHeaders.clear() });
    expect(cleared.headers.ratelimit).toMatch(/^"default";r=3;t=\d+$/);
  });

  it('keeps one item per policy when several limiters share a response', async () => {
    const store = new MemoryStore();
    const chain = compose([
      rateLimit({ limit: 10, windowMs: 1000, store, policyName: 'burst' }),
      rateLimit({ limit: 1000, windowMs: 86_400_000, store, policyName: 'daily' }),
    ]);
    const res = await hit(chain);
    expect(res.headers['ratelimit-policy']).toBe('"burst";q=10;w=1, "daily";q=1000;w=86400');
    expect(res.headers.ratelimit).toBe('"burst";r=9;t=1, "daily";r=999;t=87');
  });

  it('ignores spoofed X-Forwarded-For when no proxy is trusted (express-rate-limit#134)', async () => {
    const chain = compose([clientIp({ warn: () => {} }), rateLimit({ limit: 2, windowMs: 60_000 })]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await hit(chain, '203.0.113.9', { headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status,
      );
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('groups an IPv6 client rotating through its /56 (RFC 6177) but not other networks', async () => {
    const mw = rateLimit({ limit: 2, windowMs: 60_000 });
    expect((await hit(mw, '2001:db8:1:2::1')).status).toBe(200);
    expect((await hit(mw, '2001:db8:1:2::2')).status).toBe(200);
    expect((await hit(mw, '2001:db8:1:ff:ffff::9')).status).toBe(429);
    expect((await hit(mw, '2001:db8:1:100::1')).status).toBe(200);
    const per64 = rateLimit({ limit: 1, windowMs: 60_000, ipv6Prefix: 64 });
    expect((await hit(per64, '2001:db8:1:2::1')).status).toBe(200);
    expect((await hit(per64, '2001:db8:1:3::1')).status).toBe(200);
  });

  it('keys IPv4-mapped forms as the IPv4 address, apart from other IPv4 clients (CVE-2026-30827) and from NAT64 (express-rate-limit#667, RFC 6052)', async () => {
    const mw = rateLimit({ limit: 2, windowMs: 60_000 });
    expect((await hit(mw, '::ffff:1.2.3.4')).status).toBe(200);
    expect((await hit(mw, '::ffff:102:304')).status).toBe(200);
    expect((await hit(mw, '1.2.3.4')).status).toBe(429);
    expect((await hit(mw, '1.2.3.5')).status).toBe(200);
    expect((await hit(mw, '64:ff9b::1.2.3.4')).status).toBe(200);
    expect((await hit(mw, '2001:db8:1234:5678::1.2.3.4')).status).toBe(200);
  });

  it('does not reset the quota when the port changes', async () => {
    const chain = compose([clientIp({ trustProxy: 1 }), rateLimit({ limit: 1, windowMs: 60_000 })]);
    expect((await hit(chain, '10.0.0.1', { headers: { 'x-forwarded-for': '1.2.3.4:5555' } })).status).toBe(
      200,
    );
    expect((await hit(chain, '10.0.0.1', { headers: { 'x-forwarded-for': '1.2.3.4:5556' } })).status).toBe(
      429,
    );
  });

  it('keys by subject after authentication, falling back to the address', async () => {
    const mw = rateLimit({ limit: 1, windowMs: 60_000, key: 'subject' });
    expect((await hit(mw, '1.1.1.1', {}, { auth: { sub: 'alice' } })).status).toBe(200);
    expect((await hit(mw, '2.2.2.2', {}, { auth: { sub: 'alice' } })).status).toBe(429);
    expect((await hit(mw, '1.1.1.1')).status).toBe(200);
    expect((await hit(mw, '1.1.1.1', {}, { auth: { sub: 42 } })).status).toBe(429);
  });

  it('keeps custom keys, subjects and addresses in separate namespaces', async () => {
    const keys: string[] = [];
    const store: RateLimitStore = {
      name: 'spy',
      consume(key, rule) {
        keys.push(key);
        return { allowed: true, limit: rule.limit, remaining: 1, resetMs: 1000, retryAfterMs: 0 };
      },
      reset() {},
    };
    await hit(
      rateLimit({ limit: 2, windowMs: 1000, store, policyName: 'a', key: () => 'ip:1.2.3.4' }),
      '1.2.3.4',
    );
    await hit(rateLimit({ limit: 2, windowMs: 1000, store, policyName: 'b' }), '1.2.3.4');
    await hit(
      rateLimit({ limit: 2, windowMs: 1000, store, policyName: 'c', key: 'subject' }),
      '1.2.3.4',
      {},
      { auth: { sub: 'ip:1.2.3.4' } },
    );
    await hit(rateLimit({ limit: 2, windowMs: 1000, store, policyName: 'd', key: () => 'x'.repeat(10_000) }));
    expect(keys.slice(0, 3)).toEqual(['a:key:ip:1.2.3.4', 'b:ip:1.2.3.4', 'c:sub:ip:1.2.3.4']);
    expect(keys[3].length).toBeLessThan(120);
    expect(keys[3].startsWith('d:key:xxxx')).toBe(true);
  });

  it('shortens keys over 200 characters to their first 64 and their SHA-256, so long keys never merge', async () => {
    const keys: string[] = [];
    const store: RateLimitStore = {
      name: 'spy',
      consume(key) {
        keys.push(key);
        return { allowed: true, limit: 2, remaining: 1, resetMs: 1, retryAfterMs: 0 };
      },
      reset() {},
    };
    const long = `${'k'.repeat(300)}{tag}`;
    const variants = [long, `${long}!`, long.replace('k', 'K'), 'é'.repeat(1500)];
    let value = '';
    const mw = rateLimit({ limit: 2, windowMs: 1000, store, policyName: 'p', key: () => value });
    for (value of [...variants, long]) await hit(mw);
    const digest = async (text: string) =>
      btoa(
        String.fromCharCode(
          ...new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))),
        ),
      )
        .replace(/=+$/, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_');
    expect(keys[0]).toBe(`p:key:${long.slice(0, 64)}…${await digest(long)}`);
    expect(keys[3]).toBe(`p:key:${'é'.repeat(64)}…${await digest('é'.repeat(1500))}`);
    expect(new Set(keys.slice(0, 4)).size).toBe(4);
    expect(keys[4]).toBe(keys[0]); // the same value, from the memo, is the same key
  });

  it('shares one fallback bucket for an unparsable address', async () => {
    const mw = rateLimit({ limit: 1, windowMs: 60_000 });
    expect((await hit(mw, '')).status).toBe(200);
    expect((await hit(mw, 'garbage')).status).toBe(429);
    expect((await hit(mw, '1.2.3.4')).status).toBe(200);
  });

  it('skips requests when told, without counting them', async () => {
    const mw = rateLimit({ limit: 1, windowMs: 60_000, skip: (ctx) => ctx.req.method === 'OPTIONS' });
    expect((await hit(mw, '1.2.3.4', { method: 'OPTIONS' })).headers.ratelimit).toBeUndefined();
    expect((await hit(mw, '1.2.3.4')).status).toBe(200);
    expect((await hit(mw, '1.2.3.4')).status).toBe(429);
  });

  it('charges the cost', async () => {
    const mw = rateLimit({ limit: 4, windowMs: 60_000, cost: (ctx) => (ctx.req.method === 'POST' ? 3 : 1) });
    expect((await hit(mw, '1.2.3.4', { method: 'POST' })).headers.ratelimit).toMatch(/r=1;/);
    expect((await hit(mw, '1.2.3.4', { method: 'POST' })).status).toBe(429);
    const bad = await hit(rateLimit({ limit: 4, windowMs: 60_000, cost: () => Number.NaN }));
    expect(bad.status).toBe(500);
  });

  it('works with an async store', async () => {
    const inner = new MemoryStore();
    const store: RateLimitStore = {
      name: 'async',
      consume: async (...a) => inner.consume(...a),
      reset: (k) => inner.reset(k),
    };
    const mw = rateLimit({ limit: 1, windowMs: 60_000, store });
    expect((await hit(mw)).status).toBe(200);
    expect((await hit(mw)).status).toBe(429);
  });

  it('sends no RateLimit fields with `headers: false`, on a pass or a 429, but still Retry-After', async () => {
    const { store } = fixedStore();
    const mw = rateLimit({ limit: 1, windowMs: 60_000, store, headers: false });
    const passed = await hit(mw);
    expect(passed.status).toBe(200);
    expect(passed.headers.ratelimit).toBeUndefined();
    expect(passed.headers['ratelimit-policy']).toBeUndefined();
    const denied = await hit(mw);
    expect(denied.status).toBe(429);
    expect(denied.headers['retry-after']).toBe('60');
    expect(denied.headers.ratelimit).toBeUndefined();
    expect(denied.headers['ratelimit-policy']).toBeUndefined();
  });

  it('is named rateLimit, as stack traces and the chain report it', () => {
    expect(rateLimit({ limit: 1, windowMs: 1000 }).name).toBe('rateLimit');
  });

  it('returns synchronously from a sync store when denying (no promise on the hot path)', () => {
    const mw = rateLimit({ limit: 1, windowMs: 60_000, headers: false });
    const ctx = { req: { ip: '1.2.3.4' }, state: {}, res: { get() {}, set() {} }, reject() {} } as never;
    const next = () => Promise.resolve();
    expect(mw(ctx, next)).toBeInstanceOf(Promise); // allowed: the downstream's own promise
    expect(mw(ctx, next)).toBeUndefined(); // denied: no promise at all
  });

  it('on its own, does not call the downstream after answering 503 for a failing store', async () => {
    const failing: RateLimitStore[] = [
      {
        name: 'throws',
        consume: () => {
          throw new Error('down');
        },
        reset: () => {},
      },
      { name: 'rejects', consume: () => Promise.reject(new Error('down')), reset: () => {} },
    ];
    for (const store of failing) {
      const mw = rateLimit({ limit: 1, windowMs: 60_000, store, failMode: 'closed', warn: () => {} });
      const rejections: number[] = [];
      const ctx = {
        req: { ip: '1.2.3.4' },
        state: {},
        res: { get() {}, set() {} },
        reject: (status: number) => rejections.push(status),
      } as never;
      let calls = 0;
      await mw(ctx, () => {
        calls++;
        return Promise.resolve();
      });
      expect(calls, store.name).toBe(0);
      expect(rejections).toEqual([503]);
    }
  });

  it('fails open by default, logging once per outage and again on recovery', async () => {
    const logs: string[] = [];
    let down = true;
    const inner = new MemoryStore();
    const store: RateLimitStore = {
      name: 'flaky',
      consume: (...a) => (down ? Promise.reject(new Error('ECONNREFUSED')) : inner.consume(...a)),
      reset: () => {},
    };
    const mw = rateLimit({ limit: 5, windowMs: 60_000, store, warn: (m) => logs.push(m) });
    for (let i = 0; i < 3; i++) {
      const res = await hit(mw);
      expect(res.status).toBe(200);
      expect(res.headers.ratelimit).toBeUndefined();
    }
    expect(logs).toHaveLength(1);
    down = false;
    await hit(mw);
    expect(logs).toHaveLength(2);
    expect(logs[1]).toMatch(/recovered/);
  });

  it('fails closed with 503 and Retry-After when configured, for throwing and garbage stores', async () => {
    const throwing: RateLimitStore = {
      name: 'down',
      consume: () => {
        throw new Error('down');
      },
      reset: () => {},
    };
    const garbage: RateLimitStore = {
      name: 'bad',
      consume: () => ({ allowed: false }) as never,
      reset: () => {},
    };
    for (const store of [throwing, garbage]) {
      const res = await hit(
        rateLimit({ limit: 10, windowMs: 60_000, store, failMode: 'closed', warn: () => {} }),
      );
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('6');
      expect(res.reached).toBe(false);
    }
  });

  it('fused with other policies, sets its headers and leaves no keys of its own on the state', async () => {
    const chain = compose([
      requestId(),
      clientIp({ warn: () => {} }),
      rateLimit({ limit: 5, windowMs: 60_000 }),
    ]);
    const res = await runFake(chain);
    expect(res.headers['ratelimit-policy']).toBe('"default";q=5;w=60');
    expect(res.headers.ratelimit).toMatch(/^"default";r=4;t=\d+$/);
    expect(Object.keys(res.state)).toEqual(['requestId']);
  });

  it("fused with other policies, stamps a later policy's rejection and answers its own 429", async () => {
    const { store } = fixedStore();
    const chain = compose([
      requestId(),
      rateLimit({ limit: 1, windowMs: 60_000, store }),
      ipFilter({ deny: ['203.0.113.0/24'] }),
    ]);
    const refused = await hit(chain);
    expect(refused.status).toBe(403);
    expect(refused.headers.ratelimit).toBe('"default";r=0;t=60');
    const limited = await hit(chain);
    expect(limited.status).toBe(429);
    expect(limited.ctx.rejection?.policy).toBe('rateLimit');
    expect(limited.headers['retry-after']).toBe('60');
    expect(limited.headers['x-request-id']).toBeDefined();
  });

  it('fused with other policies, waits for an async store and fails open or closed on it', async () => {
    const inner = new MemoryStore();
    let down = false;
    const store: RateLimitStore = {
      name: 'async',
      consume: async (...a) => {
        if (down) throw new Error('ECONNREFUSED');
        return inner.consume(...a);
      },
      reset: (k) => inner.reset(k),
    };
    const open = compose([requestId(), rateLimit({ limit: 1, windowMs: 60_000, store, warn: () => {} })]);
    expect((await hit(open)).headers.ratelimit).toBe('"default";r=0;t=60');
    expect((await hit(open)).status).toBe(429);
    down = true;
    expect((await hit(open)).status).toBe(200);
    const closed = compose([
      requestId(),
      rateLimit({ limit: 1, windowMs: 60_000, store, policyName: 'c', failMode: 'closed', warn: () => {} }),
    ]);
    const res = await hit(closed);
    expect(res.status).toBe(503);
    expect(res.reached).toBe(false);
  });

  it('keeps counting a client in its own bucket while fresh addresses churn the key memo', async () => {
    const { store } = fixedStore();
    const mw = rateLimit({ limit: 2, windowMs: 60_000, store });
    expect((await hit(mw, '2001:db8:1:2::1')).status).toBe(200);
    for (let i = 0; i < 6000; i++) await hit(mw, `2001:db8:${(i + 0x100).toString(16)}::1`);
    expect((await hit(mw, '2001:db8:1:2::2')).status).toBe(200);
    expect((await hit(mw, '2001:db8:1:2::3')).status).toBe(429);
  });

  it('validates options at startup', () => {
    const bad: unknown[] = [
      { limit: 0, windowMs: 1000 },
      { limit: -1, windowMs: 1000 },
      { limit: Number.NaN, windowMs: 1000 },
      { limit: 1.5, windowMs: 1000 },
      { limit: 1, windowMs: 0 },
      { limit: 1, windowMs: 1500 },
      { limit: 1, windowMs: 1000, ipv6Prefix: 129 },
      { limit: 1, windowMs: 1000, policyName: 'a b' },
      { limit: 1, windowMs: 1000, policyName: '"x"' },
      { limit: 1, windowMs: 1000, failMode: 'maybe' },
      { limit: 1, windowMs: 1000, cost: 0 },
      { limit: 1, windowMs: 1000, key: 'cookie' },
      { limit: 1, windowMs: 1000, windowMS: 5 },
    ];
    for (const options of bad)
      expect(() => rateLimit(options as never), JSON.stringify(options)).toThrow(ConfigError);
    expect(() => rateLimit({ limit: 1, windowMs: 1500, headers: false })).not.toThrow();
  });

  it('refuses two limiters with one policy name on one store', () => {
    const store = new MemoryStore();
    rateLimit({ limit: 1, windowMs: 1000, store });
    expect(() => rateLimit({ limit: 5, windowMs: 1000, store })).toThrow(/already used/);
    expect(() => rateLimit({ limit: 5, windowMs: 1000, store, policyName: 'other' })).not.toThrow();
  });
});
