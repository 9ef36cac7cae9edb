import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('answers what was stored, and undefined for what was not', () => {
    const cache = new BoundedCache<string | null>(8);
    cache.set('a', 'A');
    cache.set('gone', null);
    expect(cache.get('a')).toBe('A');
    expect(cache.get('gone')).toBeNull();
    expect(cache.get('b')).toBeUndefined();
  });

  it('never holds more than maxEntries under a flood of fresh keys', () => {
    const cache = new BoundedCache<number>(100);
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      cache.set(`k${i}`, i);
      largest = Math.max(largest, cache.size);
    }
    expect(largest).toBe(100);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k9999')).toBe(9999);
  });

  it('keeps a key in steady use through a flood, and forgets one-off keys', () => {
    const cache = new BoundedCache<number>(100);
    cache.set('busy', 1);
    cache.set('once', 2);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`flood${i}`, i);
      if (i % 40 === 0) expect(cache.get('busy'), `after ${i}`).toBe(1);
    }
    expect(cache.get('busy')).toBe(1);
    expect(cache.get('once')).toBeUndefined();
    expect(cache.size).toBeLessThanOrEqual(100);
  });
});

describe('BoundedCache: misses', () => {
  it('does not spend its room on keys it does not hold', () => {
    const cache = new BoundedCache<number>(4);
    cache.set('a', 1);
    for (const k of ['w', 'x', 'y', 'z', 'v']) expect(cache.get(k)).toBeUndefined();
    expect(cache.get('a')).toBe(1);
  });
});
