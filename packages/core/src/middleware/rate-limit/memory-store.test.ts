import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import { gcraStep } from './gcra';
import { MemoryStore, memoryStore } from './memory-store';

const rule = { limit: 3, windowMs: 60_000 };

function clocked(maxKeys?: number) {
  const clock = { t: 1_000_000 };
  const store = new MemoryStore({ maxKeys, now: () => clock.t });
  return { clock, store };
}

describe('gcraStep', () => {
  it('follows the contract example: 3 at once pass with 2,1,0, the 4th waits 20 s', () => {
    let tat: number | undefined;
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = gcraStep(tat, 0, rule, 1);
      expect(d.allowed).toBe(true);
      remaining.push(d.remaining);
      tat = d.resetMs;
    }
    expect(remaining).toEqual([2, 1, 0]);
    expect(gcraStep(tat, 0, rule, 1)).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      resetMs: 60_000,
      retryAfterMs: 20_000,
    });
  });

  it('admits a request up to 1 µs before its slot with remaining 0, never -1', () => {
    const r = { limit: 1, windowMs: 1000 };
    for (const early of [1e-7, 5e-4, 1e-3]) {
      const d = gcraStep(early, 0, r, 1);
      expect(d, `early by ${early} ms`).toMatchObject({ allowed: true, remaining: 0, retryAfterMs: 0 });
    }
    expect(gcraStep(1.1e-3, 0, r, 1).allowed).toBe(false);
  });

  it('admits a request exactly the slack early, and measures from now, not from zero', () => {
    // 0.001 + 2^-30 - 2^-30 is exactly 0.001 in binary floating point: the boundary itself.
    const tiny = { limit: 1, windowMs: 2 ** -30 };
    expect(gcraStep(0.001, 0, tiny, 1).allowed).toBe(true);
    const now = 1_000_000;
    expect(gcraStep(now + 50_000, now, rule, 1)).toEqual({
      allowed: false,
      limit: 3,
      remaining: 0,
      resetMs: 50_000,
      retryAfterMs: 10_000,
    });
  });

  it('starts a stale theoretical arrival time over from now', () => {
    expect(gcraStep(0, 1_000_000, rule, 1)).toEqual({
      allowed: true,
      limit: 3,
      remaining: 2,
      resetMs: 20_000,
      retryAfterMs: 0,
    });
  });

  it('keeps remaining exact when windowMs / limit is not a whole number', () => {
    const r = { limit: 7, windowMs: 60_000 };
    let tat: number | undefined;
    const seen: number[] = [];
    for (let i = 0; i < 7; i++) {
      const d = gcraStep(tat, 0, r, 1);
      seen.push(d.remaining);
      tat = d.resetMs;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);
  });
});

describe('MemoryStore', () => {
  it('refills one request per emission interval, without a boundary burst (ITU-T I.371)', () => {
    const { clock, store } = clocked();
    for (let i = 0; i < 3; i++) expect(store.consume('k', rule, 1).allowed).toBe(true);
    expect(store.consume('k', rule, 1).allowed).toBe(false);
    clock.t += 19_999;
    expect(store.consume('k', rule, 1).retryAfterMs).toBe(1);
    clock.t += 1;
    expect(store.consume('k', rule, 1)).toMatchObject({ allowed: true, remaining: 0 });
    // Right after the "window" a fixed-window limiter would allow 3 more; GCRA allows 1 per 20 s.
    clock.t += 40_000;
    expect(store.consume('k', rule, 1).allowed).toBe(true);
    expect(store.consume('k', rule, 1).allowed).toBe(true);
    expect(store.consume('k', rule, 1).allowed).toBe(false);
  });

  it('does not extend a denial while the client keeps hammering', () => {
    const { clock, store } = clocked();
    for (let i = 0; i < 3; i++) store.consume('k', rule, 1);
    for (let i = 0; i < 50; i++) store.consume('k', rule, 1);
    clock.t += 20_000;
    expect(store.consume('k', rule, 1).allowed).toBe(true);
  });

  it('charges cost units and refuses a cost larger than what is left without draining it', () => {
    const { store } = clocked();
    expect(store.consume('k', rule, 2)).toMatchObject({ allowed: true, remaining: 1 });
    expect(store.consume('k', rule, 2).allowed).toBe(false);
    expect(store.consume('k', rule, 1)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('admits exactly `limit` of many back-to-back requests (ITU-T I.371)', () => {
    const { store } = clocked();
    const r = { limit: 10, windowMs: 1000 };
    const allowed = Array.from({ length: 100 }, () => store.consume('k', r, 1).allowed).filter(Boolean);
    expect(allowed).toHaveLength(10);
  });

  it('keeps keys apart and resets one key', () => {
    const { store } = clocked();
    for (let i = 0; i < 3; i++) store.consume('a', rule, 1);
    expect(store.consume('a', rule, 1).allowed).toBe(false);
    expect(store.consume('b', rule, 1).allowed).toBe(true);
    store.reset('a');
    expect(store.consume('a', rule, 1).allowed).toBe(true);
  });

  it('stays within maxKeys under a flood of distinct keys', () => {
    const { store } = clocked(1000);
    let largest = 0;
    for (let i = 0; i < 50_000; i++) {
      store.consume(`ip:2001:db8:${i.toString(16)}::/56`, rule, 1);
      largest = Math.max(largest, store.size);
    }
    expect(largest).toBe(1000);
    expect(store.size).toBe(1000);
  });

  it('evicts the least recently used key, not a recently used one', () => {
    const { clock, store } = clocked(3);
    store.consume('old', rule, 1);
    store.consume('busy', rule, 1);
    store.consume('mid', rule, 1);
    clock.t += 1;
    store.consume('busy', rule, 1); // touched: now the youngest
    store.consume('new', rule, 1);
    store.consume('busy', rule, 1);
    // 'busy' kept its state (3 used → denied); 'old' was evicted (fresh again).
    expect(store.consume('busy', rule, 1).allowed).toBe(false);
    expect(store.consume('old', rule, 1).remaining).toBe(2);
  });

  it('keeps the LRU order exact when the last-used key is updated in place', () => {
    const { clock, store } = clocked(3);
    store.consume('a', rule, 1);
    store.consume('b', rule, 1);
    store.consume('b', rule, 1); // last used: updated where it stands
    store.consume('a', rule, 1); // moves behind b
    store.consume('c', rule, 1);
    clock.t += 1;
    store.consume('d', rule, 1); // full: evicts b, the least recently used
    expect(store.size).toBe(3);
    expect(store.consume('a', rule, 1).allowed).toBe(true);
    expect(store.consume('a', rule, 1).allowed).toBe(false); // a kept its two earlier requests
    expect(store.consume('b', rule, 1).remaining).toBe(2); // b was forgotten: fresh again
  });

  it('drops the last-used key once expired when a request is denied on it', () => {
    const { clock, store } = clocked();
    store.consume('k', { limit: 1, windowMs: 10 }, 1);
    clock.t += 100;
    expect(store.consume('k', { limit: 1, windowMs: 10 }, 2).allowed).toBe(false);
    expect(store.size).toBe(0);
    expect(store.consume('k', { limit: 1, windowMs: 10 }, 1).allowed).toBe(true);
  });

  it('counts a key whose quota is restored exactly now as expired, and drops it on a denial', () => {
    const { clock, store } = clocked();
    const short = { limit: 1, windowMs: 10 };
    store.consume('k', short, 1);
    clock.t += 10;
    expect(store.consume('k', short, 2).allowed).toBe(false);
    expect(store.size).toBe(0);
  });

  it('keeps expired keys while below maxKeys: it sweeps only when it must make room', () => {
    const { clock, store } = clocked(10);
    const short = { limit: 1, windowMs: 10 };
    store.consume('a', short, 1);
    store.consume('b', short, 1);
    clock.t += 100;
    store.consume('c', short, 1);
    expect(store.size).toBe(3);
  });

  it('drops expired keys before evicting live ones', () => {
    const { clock, store } = clocked(3);
    store.consume('live', rule, 1);
    store.consume('live', rule, 1);
    store.consume('live', rule, 1);
    store.consume('short1', { limit: 1, windowMs: 10 }, 1);
    store.consume('short2', { limit: 1, windowMs: 10 }, 1);
    clock.t += 100;
    store.consume('new', rule, 1);
    expect(store.size).toBe(2);
    expect(store.consume('live', rule, 1).allowed).toBe(false);
  });

  it('is named memory, and made by memoryStore() too', () => {
    expect(new MemoryStore().name).toBe('memory');
    expect(memoryStore({ maxKeys: 1 })).toBeInstanceOf(MemoryStore);
  });

  it('forgets every key on close', () => {
    const { store } = clocked();
    store.consume('a', rule, 1);
    store.consume('b', rule, 1);
    store.close();
    expect(store.size).toBe(0);
  });

  it('makes no room while updating the newest key in place', () => {
    const { store } = clocked(2);
    const one = { limit: 1, windowMs: 60_000 };
    store.consume('a', one, 1);
    store.consume('b', one, 1);
    store.consume('b', one, 1);
    expect(store.consume('a', one, 1).allowed).toBe(false);
  });

  it('sweeps expired keys when full, at the latest every maxKeys / 8 inserts', () => {
    const { clock, store } = clocked(8);
    const one = { limit: 1, windowMs: 1000 };
    for (let i = 0; i < 9; i++) store.consume(`k${i}`, one, 1);
    expect(store.size).toBe(8);
    // Every key expires exactly now: one insert sweeps them all.
    clock.t += 1000;
    store.consume('fresh', one, 1);
    expect(store.size).toBe(1);
  });

  it('refuses a bad maxKeys', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '10'])
      expect(() => new MemoryStore({ maxKeys: bad as never })).toThrow(ConfigError);
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(
      'MemoryStore: option `maxKeys` must be a whole number ≥ 1, got 0',
    );
    expect(new MemoryStore({ maxKeys: 1 }).size).toBe(0);
    expect(() => new MemoryStore({ now: 5 as never })).toThrow(
      'MemoryStore: option `now` must be a function, got 5',
    );
  });
});
