import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeHost } from '../../_testing';
import { Context } from '../../context';
import { phasesOf } from '../../phases';
import { VerifiedTokens } from './cache';
import { type JwtAuthOptions, jwtAuth } from './index';

// When a verified token is kept, and when the cache must let it go so that the verifier decides
// again. A cache hit answers synchronously (no promise), a miss verifies: that is how these tests
// tell the two apart without looking inside.

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const T = Date.UTC(2026, 0, 1) / 1000;

afterEach(() => vi.useRealTimers());

const at = (seconds: number) => vi.setSystemTime(seconds * 1000);
const sign = (payload: Record<string, unknown>) =>
  new SignJWT({ sub: 'u1', ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(SECRET));

/** Runs the policy's inbound phase: `hit` when it answered from the cache. */
async function ask(mw: ReturnType<typeof jwtAuth>, token: string) {
  const ctx = new Context(new FakeHost({ headers: { authorization: `Bearer ${token}` } }), {});
  const out = phasesOf(mw)!.before!(ctx);
  const hit = out === undefined;
  await out;
  return { hit, status: ctx.problem?.status ?? 200 };
}
const auth = (o: Partial<JwtAuthOptions> = {}) => jwtAuth({ algorithms: ['HS256'], secret: SECRET, ...o });

describe('jwtAuth cache: what it keeps', () => {
  it('keeps a token that has no exp only for cacheMaxAge', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(T);
    const mw = auth({ requireExp: false, cacheMaxAge: 10 });
    const token = await sign({});
    expect(await ask(mw, token)).toEqual({ hit: false, status: 200 });
    at(T + 9);
    expect(await ask(mw, token)).toEqual({ hit: true, status: 200 });
    at(T + 10);
    expect(await ask(mw, token)).toEqual({ hit: false, status: 200 });
  });

  it('keeps a token past its exp while clockTolerance still accepts it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(T);
    const mw = auth({ clockTolerance: 10 });
    const token = await sign({ exp: T - 5 });
    expect(await ask(mw, token)).toEqual({ hit: false, status: 200 });
    expect(await ask(mw, token)).toEqual({ hit: true, status: 200 });
    at(T + 5);
    expect(await ask(mw, token)).toEqual({ hit: false, status: 401 });
  });

  it('keeps a token whose nbf has just been reached, or lies within clockTolerance', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(T);
    const exact = auth();
    const nbfNow = await sign({ exp: T + 60, nbf: T });
    expect(await ask(exact, nbfNow)).toEqual({ hit: false, status: 200 });
    expect(await ask(exact, nbfNow)).toEqual({ hit: true, status: 200 });
    const tolerant = auth({ clockTolerance: 10 });
    const early = await sign({ exp: T + 60, nbf: T + 5 });
    expect(await ask(tolerant, early)).toEqual({ hit: false, status: 200 });
    expect(await ask(tolerant, early)).toEqual({ hit: true, status: 200 });
  });

  it('drops a token whose nbf is ahead again after the clock steps back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(T);
    const mw = auth();
    const token = await sign({ exp: T + 60, nbf: T });
    expect((await ask(mw, token)).status).toBe(200);
    at(T - 30);
    expect(await ask(mw, token)).toEqual({ hit: false, status: 401 });
  });

  it('does not keep a token that reaches maxTokenAge right now, so it cannot push others out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    at(T);
    const mw = auth({ maxTokenAge: 60, cacheSize: 1 });
    const kept = await sign({ exp: T + 600, iat: T });
    expect((await ask(mw, kept)).status).toBe(200);
    // Accepted (age = maxTokenAge), but good for no later request: not cached.
    const ageing = await sign({ exp: T + 600, iat: T - 60 });
    expect(await ask(mw, ageing)).toEqual({ hit: false, status: 200 });
    expect(await ask(mw, kept)).toEqual({ hit: true, status: 200 });
  });
});

describe('VerifiedTokens: eviction order', () => {
  const filled = () => {
    const cache = new VerifiedTokens(4, 60_000);
    for (const t of ['a', 'b', 'c', 'd']) cache.set(t, { sub: t }, 0, 0);
    return cache;
  };
  const kept = (cache: VerifiedTokens, tokens: string[]) =>
    tokens.filter((t) => cache.get(t, 1, 0) !== undefined);

  it('leaves a hit in the newer half where it is', () => {
    const cache = filled();
    cache.get('c', 1, 0);
    for (const t of ['e', 'f', 'g']) cache.set(t, { sub: t }, 1, 0);
    expect(kept(cache, ['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual(['d', 'e', 'f', 'g']);
  });

  it('moves each hit in the older half to the back', () => {
    const cache = filled();
    cache.get('a', 1, 0);
    cache.get('b', 1, 0);
    cache.set('e', { sub: 'e' }, 1, 0);
    expect(kept(cache, ['a', 'b', 'c', 'd', 'e'])).toEqual(['a', 'b', 'd', 'e']);
  });
});

describe('VerifiedTokens: the claims are checked again on each hit', () => {
  // Stored with 60 s of tolerance, so only the claims check at `get` (tolerance 0) can drop it.
  const stored = (payload: Record<string, number>) => {
    const cache = new VerifiedTokens(4, 600_000);
    cache.set('t', { sub: 'u1', ...payload }, 0, 60);
    return cache;
  };

  it('keeps a token until its exp, and drops it at exp (RFC 7519 §4.1.4)', () => {
    expect(stored({ exp: 100 }).get('t', 99_999, 0)).toMatchObject({ sub: 'u1' });
    expect(stored({ exp: 100 }).get('t', 100_000, 0)).toBeUndefined();
    expect(stored({ exp: 100 }).get('t', 100_000, 1)).toMatchObject({ sub: 'u1' });
  });

  it('hands back a token whose nbf has come, not one whose nbf lies ahead (RFC 7519 §4.1.5)', () => {
    expect(stored({ nbf: 50 }).get('t', 50_000, 0)).toMatchObject({ sub: 'u1' });
    expect(stored({ nbf: 50 }).get('t', 49_000, 0)).toBeUndefined();
    expect(stored({ nbf: 50 }).get('t', 49_000, 1)).toMatchObject({ sub: 'u1' });
  });

  it('does not store a token that has already expired', () => {
    const cache = new VerifiedTokens(4, 600_000);
    cache.set('gone', { exp: 100 }, 100_000, 0);
    expect(cache.size).toBe(0);
    cache.set('kept', { exp: 100 }, 99_000, 0);
    expect(cache.size).toBe(1);
  });
});
