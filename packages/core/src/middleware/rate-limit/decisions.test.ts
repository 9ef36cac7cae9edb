import { describe, expect, it, vi } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { requestId } from '../request-id';
import { MemoryStore, type RateLimitDecision, type RateLimitStore, rateLimit } from '.';

// What the limiter makes of each decision a store returns, valid or not, and of a store that
// fails: the answer, the log line, and what it tells clients.

const valid: RateLimitDecision = { allowed: true, limit: 5, remaining: 4, resetMs: 12_000, retryAfterMs: 0 };
const storeOf = (consume: RateLimitStore['consume'], name = 'test'): RateLimitStore => ({
  name,
  consume,
  reset() {},
});

async function closed(decision: unknown) {
  const warn = vi.fn();
  const mw = rateLimit({
    limit: 5,
    windowMs: 60_000,
    store: storeOf(() => decision as never),
    failMode: 'closed',
    warn,
  });
  const r = await runFake(mw);
  return { status: r.status, warn };
}

describe('rateLimit: store decisions', () => {
  it('takes a well-formed decision, a zero reset included', async () => {
    expect((await closed(valid)).status).toBe(200);
    expect((await closed({ ...valid, resetMs: 0 })).status).toBe(200);
    expect((await closed({ ...valid, allowed: false, remaining: 0, retryAfterMs: 0 })).status).toBe(429);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'allowed'],
    ['allowed not a boolean', { ...valid, allowed: 1 }],
    ['remaining NaN', { ...valid, remaining: Number.NaN }],
    ['remaining negative', { ...valid, remaining: -1 }],
    ['resetMs infinite', { ...valid, resetMs: Number.POSITIVE_INFINITY }],
    ['resetMs negative', { ...valid, resetMs: -1 }],
    ['retryAfterMs missing', { ...valid, retryAfterMs: undefined }],
    ['retryAfterMs negative', { ...valid, retryAfterMs: -1 }],
  ])('treats a decision with %s as a store failure', async (_what, decision) => {
    const { status, warn } = await closed(decision);
    expect(status).toBe(503);
    expect(warn).toHaveBeenCalledTimes(1);
    const [line, error] = warn.mock.calls[0];
    expect(line).toBe('bouncer rateLimit "default": store "test" failed; requests get 503 until it recovers');
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^store returned an invalid decision: /);
  });

  it('fails open on a missing decision too', async () => {
    const mw = rateLimit({
      limit: 5,
      windowMs: 60_000,
      store: storeOf(() => undefined as never),
      warn: () => {},
    });
    expect((await runFake(mw)).status).toBe(200);
  });

  it('hands warn the error a store threw, and answers 503 with its own detail when failing closed', async () => {
    const error = new Error('ECONNRESET');
    const warn = vi.fn();
    const store = storeOf(() => {
      throw error;
    }, 'redis');
    const r = await runFake(rateLimit({ limit: 5, windowMs: 60_000, store, failMode: 'closed', warn }));
    expect(warn).toHaveBeenCalledWith(
      'bouncer rateLimit "default": store "redis" failed; requests get 503 until it recovers',
      error,
    );
    expect(JSON.parse(r.body!).detail).toBe('Rate limiting is temporarily unavailable.');
    expect(r.ctx.rejection?.policy).toBe('rateLimit');
    const open = vi.fn();
    await runFake(rateLimit({ limit: 5, windowMs: 60_000, store, policyName: 'o', warn: open }));
    expect(open).toHaveBeenCalledWith(
      'bouncer rateLimit "o": store "redis" failed; requests pass unlimited until it recovers',
      error,
    );
  });

  it('says nothing while the store is healthy, and "recovered" once per outage', async () => {
    const warn = vi.fn();
    let down = false;
    const inner = new MemoryStore();
    const store = storeOf((...a) => (down ? Promise.reject(new Error('down')) : inner.consume(...a)));
    const mw = rateLimit({ limit: 50, windowMs: 60_000, store, warn });
    for (let i = 0; i < 3; i++) await runFake(mw);
    expect(warn).not.toHaveBeenCalled();
    down = true;
    await runFake(mw);
    down = false;
    for (let i = 0; i < 3; i++) await runFake(mw);
    expect(warn.mock.calls.map(([line]) => line)).toEqual([
      'bouncer rateLimit "default": store "test" failed; requests pass unlimited until it recovers',
      'bouncer rateLimit "default": store "test" recovered',
    ]);
  });
});

describe('rateLimit: whole seconds in the headers', () => {
  it('does not add a second for float noise in the reset time', async () => {
    // At this clock reading, (now + 12000) - now is 12000.000000000116 in floating point.
    const store = new MemoryStore({ now: () => 1042541.6920691499 });
    const r = await runFake(rateLimit({ limit: 5, windowMs: 60_000, store }));
    expect(r.headers.ratelimit).toBe('"default";r=4;t=12');
  });

  it('still rounds a real fraction of a second up', async () => {
    let now = 1000;
    const store = new MemoryStore({ now: () => now });
    const mw = rateLimit({ limit: 1, windowMs: 60_000, store });
    await runFake(mw);
    now += 0.5;
    expect((await runFake(mw)).headers['retry-after']).toBe('60');
  });
});

describe('rateLimit: the 429 it answers', () => {
  it.each([
    [60_000, 'Rate limit exceeded: 1 requests per 60 s.'],
    [1000, 'Rate limit exceeded: 1 requests per 1 s.'],
    [1500, 'Rate limit exceeded: 1 requests per 1.5 s.'],
    [500, 'Rate limit exceeded: 1 requests per 500 ms.'],
  ])('states the quota of a %i ms window', async (windowMs, detail) => {
    const mw = rateLimit({ limit: 1, windowMs, headers: false });
    await runFake(mw);
    const r = await runFake(mw);
    expect(r.status).toBe(429);
    expect(JSON.parse(r.body!).detail).toBe(detail);
  });
});

describe('rateLimit: skip and cost on its own and fused', () => {
  it('lets a skipped request through to the application, uncounted', async () => {
    const mw = rateLimit({ limit: 1, windowMs: 60_000, skip: () => true });
    for (let i = 0; i < 3; i++) expect((await runFake(mw)).reached).toBe(true);
    const fused = compose([requestId(), rateLimit({ limit: 1, windowMs: 60_000, skip: () => true })]);
    for (let i = 0; i < 3; i++) expect((await runFake(fused)).reached).toBe(true);
  });

  it('answers 500 and reports why when the cost function returns no valid cost', async () => {
    const r = await runFake(rateLimit({ limit: 4, windowMs: 60_000, cost: () => '2' as never }));
    expect(r.status).toBe(500);
    expect((r.errors[0] as Error).message).toBe(
      'rateLimit: the `cost` function must return a number > 0, got "2"',
    );
  });
});
