import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUuid } from './uuid';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('randomUuid', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives version 4, variant 10 ids in the 8-4-4-4-12 layout, across several draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = randomUuid();
      expect(id).toMatch(V4);
      seen.add(id);
    }
    expect(seen.size).toBe(5000);
  });

  it('spreads its bits: every hex digit appears in every random position', () => {
    const digits = Array.from({ length: 36 }, () => new Set<string>());
    for (let i = 0; i < 4000; i++) {
      const id = randomUuid();
      for (let p = 0; p < 36; p++) digits[p].add(id[p]);
    }
    for (let p = 0; p < 36; p++) {
      if (p === 8 || p === 13 || p === 18 || p === 23) expect([...digits[p]]).toEqual(['-']);
      else if (p === 14) expect([...digits[p]]).toEqual(['4']);
      else if (p === 19) expect([...digits[p]].sort()).toEqual(['8', '9', 'a', 'b']);
      else expect(digits[p].size, `position ${p}`).toBe(16);
    }
  });

  it('formats the bytes the Web Crypto source gave, in order', () => {
    // The next draw gives bytes 0, 1, 2, … and the one after all 0xff: the ids show exactly those
    // bits, in order, with only the version and variant bits overwritten.
    let call = 0;
    vi.spyOn(crypto, 'getRandomValues').mockImplementation((a: ArrayBufferView) => {
      const bytes = a as Uint8Array;
      if (call++ === 0) for (let i = 0; i < bytes.length; i++) bytes[i] = i & 0xff;
      else bytes.fill(0xff);
      return a;
    });
    // Drain whatever the pool held before the spy.
    let id = randomUuid();
    for (let i = 0; i < 2048 && call === 0; i++) id = randomUuid();
    expect(id).toBe('00010203-0405-4607-8809-0a0b0c0d0e0f');
    expect(randomUuid()).toBe('10111213-1415-4617-9819-1a1b1c1d1e1f');
    while (call === 1) id = randomUuid();
    expect(id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});
