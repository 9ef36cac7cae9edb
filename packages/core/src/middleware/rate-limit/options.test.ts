import { describe, expect, it, vi } from 'vitest';
import { configErrorMessage as message, runFake } from '../../_testing';
import { MemoryStore, rateLimit } from '.';

// rateLimit's option checks, each with the exact error it teaches.

const ok = { limit: 5, windowMs: 60_000 };
const limiter = (o: object) => () => rateLimit({ ...ok, store: new MemoryStore(), ...o } as never);

describe('rateLimit options', () => {
  it('needs an options object', () => {
    for (const options of [undefined, null, 5]) {
      expect(message(() => rateLimit(options as never))).toBe(
        'rateLimit: option `limit` and `windowMs` are required, e.g. rateLimit({ limit: 100, windowMs: 60_000 })',
      );
    }
  });

  it('names a bad limit or window', () => {
    for (const limit of [0, 1.5, '5']) {
      expect(message(limiter({ limit }))).toBe(
        `rateLimit: option \`limit\` must be a whole number ≥ 1, got ${JSON.stringify(limit)} (to refuse every request, use ipFilter or a route guard, not a zero limit)`,
      );
    }
    for (const windowMs of [0, 2.5, '1s']) {
      expect(message(limiter({ windowMs, headers: false }))).toBe(
        `rateLimit: option \`windowMs\` must be a whole number of milliseconds ≥ 1, got ${JSON.stringify(windowMs)}`,
      );
    }
    expect(limiter({ windowMs: 1, headers: false })).not.toThrow();
    expect(message(limiter({ windowMs: 1500 }))).toBe(
      'rateLimit: option `windowMs` must be whole seconds when headers are on (RateLimit-Policy `w` is an integer of seconds), got 1500: use a multiple of 1000 or `headers: false`',
    );
  });

  it('names a bad headers, ipv6Prefix, policyName or failMode', () => {
    expect(message(limiter({ headers: 'yes' }))).toBe(
      'rateLimit: option `headers` must be a boolean, got "yes"',
    );
    for (const ipv6Prefix of [0, 129, 56.5, '56']) {
      expect(message(limiter({ ipv6Prefix }))).toBe(
        `rateLimit: option \`ipv6Prefix\` must be a whole number from 1 to 128, got ${JSON.stringify(ipv6Prefix)} (48–64 is usual)`,
      );
    }
    for (const ipv6Prefix of [1, 128]) expect(limiter({ ipv6Prefix })).not.toThrow();
    for (const policyName of ['', 'a b', 'x'.repeat(65), 5]) {
      expect(message(limiter({ policyName }))).toBe(
        `rateLimit: option \`policyName\` must be 1–64 characters of [A-Za-z0-9_.-], got ${JSON.stringify(policyName)}`,
      );
    }
    expect(message(limiter({ failMode: 'shut' }))).toBe(
      `rateLimit: option \`failMode\` must be 'open' or 'closed', got "shut"`,
    );
  });

  it('refuses a store that is not an object with consume()', () => {
    const fn = Object.assign(() => {}, { consume: () => {}, reset: () => {} });
    for (const [store, shown] of [
      [5, '5'],
      [{}, '{}'],
      [{ consume: 1 }, '{"consume":1}'],
      [fn, 'a function'],
    ] as const) {
      expect(message(() => rateLimit({ ...ok, store: store as never }))).toBe(
        `rateLimit: option \`store\` must implement RateLimitStore (consume, reset), got ${shown}`,
      );
    }
  });

  it('refuses a second limiter of one name on one store', () => {
    const store = new MemoryStore();
    rateLimit({ ...ok, store, policyName: 'api' });
    expect(message(() => rateLimit({ ...ok, store, policyName: 'api' }))).toBe(
      'rateLimit: option `policyName` "api" is already used by another rateLimit on this store: they would count into the same buckets; give each limiter its own policyName',
    );
  });

  it('names a bad cost, skip or warn', () => {
    for (const cost of [0, -1, Number.POSITIVE_INFINITY, Number.NaN, '2']) {
      expect(message(limiter({ cost }))).toBe(
        `rateLimit: option \`cost\` must be a number > 0 or a function, got ${JSON.stringify(cost)}`,
      );
    }
    expect(message(limiter({ skip: true }))).toBe('rateLimit: option `skip` must be a function, got true');
    expect(message(limiter({ warn: 'log' }))).toBe('rateLimit: option `warn` must be a function, got "log"');
    expect(message(limiter({ key: 'user' }))).toBe(
      `rateLimit: option \`key\` must be 'ip', 'subject' or a function, got "user"`,
    );
  });

  it('names an unknown option and the one it resembles', () => {
    expect(message(limiter({ windowMS: 5 }))).toMatch(
      /^rateLimit: option `windowMS` is not a known option: did you mean `windowMs`\?/,
    );
  });

  it('warns on console.warn by default when the store fails', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const error = new Error('down');
      const store = { name: 'down', consume: () => Promise.reject(error), reset: () => {} };
      await runFake(rateLimit({ ...ok, store }));
      expect(warn).toHaveBeenCalledWith(
        'bouncer rateLimit "default": store "down" failed; requests pass unlimited until it recovers',
        error,
      );
    } finally {
      warn.mockRestore();
    }
  });
});
