import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { type RateLimitStore, rateLimit } from '.';
import { MemoryStore } from './memory-store';

// The store key each request is counted under: what an operator finds in a shared store.

function recording() {
  const keys: string[] = [];
  const inner = new MemoryStore();
  const store: RateLimitStore = {
    name: 'recording',
    consume: (key, rule, cost) => {
      keys.push(key);
      return inner.consume(key, rule, cost);
    },
    reset: () => {},
  };
  return { keys, store };
}

describe('rateLimit store keys', () => {
  it('keys an address by itself, an unreadable one as unknown, under the policy name', async () => {
    const { keys, store } = recording();
    const mw = rateLimit({ limit: 9, windowMs: 60_000, store, policyName: 'api' });
    for (const peer of ['192.0.2.1', '2001:db8:1:2::1', 'garbage', '']) await runFake(mw, { peer });
    expect(keys).toEqual(['api:ip:192.0.2.1', 'api:ip:2001:db8:1::/56', 'api:ip:unknown', 'api:ip:unknown']);
  });

  it('keys a subject by itself, and an empty subject by the address', async () => {
    const { keys, store } = recording();
    const mw = rateLimit({ limit: 9, windowMs: 60_000, store, key: 'subject' });
    await runFake(mw, { peer: '192.0.2.1' }, {}, { auth: { sub: 'ann' } });
    await runFake(mw, { peer: '192.0.2.1' }, {}, { auth: { sub: '' } });
    expect(keys).toEqual(['default:sub:ann', 'default:ip:192.0.2.1']);
  });

  it('keeps a custom key of up to 200 characters whole, and shortens a longer one', async () => {
    const { keys, store } = recording();
    let value = '';
    const mw = rateLimit({ limit: 9, windowMs: 60_000, store, key: () => value });
    for (value of ['k'.repeat(200), 'k'.repeat(201)]) await runFake(mw);
    expect(keys[0]).toBe(`default:key:${'k'.repeat(200)}`);
    expect(keys[1]).toMatch(new RegExp(`^default:key:${'k'.repeat(64)}…[A-Za-z0-9_-]{43}$`));
  });

  it('answers 500 when a custom key function returns no usable key, saying why', async () => {
    for (const [value, shown] of [
      ['', '""'],
      [5, '5'],
      [undefined, 'undefined'],
    ] as const) {
      const r = await runFake(rateLimit({ limit: 9, windowMs: 60_000, key: () => value as never }));
      expect(r.status).toBe(500);
      expect((r.errors[0] as Error).message).toBe(
        `rateLimit: the \`key\` function must return a non-empty string, got ${shown}`,
      );
    }
  });
});
