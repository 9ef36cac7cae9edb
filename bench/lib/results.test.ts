import { describe, expect, it } from 'vitest';
import {
  ceiling,
  type Measurement,
  rawPolicyCostNs,
  rawPolicySplitNs,
  roundRatios,
  summarise,
  targetLine,
  targets,
} from './results';
import { VARIANTS } from './variants';
import type { WrkResult } from './wrk';

function wrk(requestsPerSec: number, extra: Partial<WrkResult> = {}): WrkResult {
  return {
    requestsPerSec,
    p50Ms: 1000 / requestsPerSec,
    p99Ms: 5000 / requestsPerSec,
    requests: requestsPerSec * 5,
    non2xx: 0,
    socketErrors: 0,
    ...extra,
  };
}

/** Three rounds per variant around the given req/s (the middle one is the median). */
function rounds(rps: Record<string, number>): Measurement[] {
  return Object.entries(rps).flatMap(([variant, r]) => [
    { variant, round: 0, result: wrk(r * 0.9) },
    { variant, round: 1, result: wrk(r) },
    { variant, round: 2, result: wrk(r * 1.2) },
  ]);
}

const RPS = {
  'ceiling:bare': 100_000,
  'node:bare': 40_000,
  'raw:bare': 42_000,
  'raw:bouncer': 38_000,
  'express:bare': 8_000,
  'express:native': 5_000,
  'express:bouncer': 7_600,
  'express:headers': 7_800,
  'express:bouncer-jwt': 7_000,
  'koa:bare': 28_000,
  'koa:native': 20_000,
  'koa:bouncer': 24_000,
  'koa:headers': 26_000,
  'koa:bouncer-jwt': 22_000,
  'hono:bare': 33_000,
  'hono:native': 9_000,
  'hono:bouncer': 30_000,
  'hono:headers': 31_000,
  'hono:bouncer-jwt': 29_000,
};

describe('summarise', () => {
  const summaries = summarise(VARIANTS, rounds(RPS));
  const byId = new Map(summaries.map((s) => [s.id, s]));

  it('reports the median of the rounds and keeps every round as a sample', () => {
    const s = byId.get('koa:bare')!;
    expect(s.requestsPerSec).toBe(28_000);
    expect(s.samples).toEqual([25_200, 28_000, 33_600]);
    expect(s.p50Ms).toBeCloseTo(1000 / 28_000, 9);
  });

  it('divides by the bare framework, and raw and node:http by bare node:http', () => {
    expect(byId.get('express:bouncer')!.vsBare).toBeCloseTo(0.95, 9);
    expect(byId.get('raw:bouncer')!.vsBare).toBeCloseTo(0.95, 9);
    expect(byId.get('raw:bare')!.vsBare).toBeCloseTo(1.05, 9);
    expect(byId.get('express:bare')!.vsBare).toBeUndefined();
  });

  it('divides Bouncer variants by the native stack of the same framework', () => {
    expect(byId.get('hono:bouncer')!.vsNative).toBeCloseTo(30 / 9, 9);
    expect(byId.get('hono:native')!.vsNative).toBeUndefined();
    expect(byId.get('raw:bouncer')!.vsNative).toBeUndefined();
  });

  it('divides Bouncer variants by the floor of the same framework (same headers, no logic)', () => {
    expect(byId.get('express:bouncer')!.vsFloor).toBeCloseTo(7_600 / 7_800, 9);
    expect(byId.get('koa:bouncer')!.vsFloor).toBeCloseTo(24_000 / 26_000, 9);
    expect(byId.get('koa:headers')!.vsFloor).toBeUndefined();
    expect(byId.get('raw:bouncer')!.vsFloor).toBeUndefined();
  });

  it('flags non-2xx answers and carries start or probe problems', () => {
    const measurements = [{ variant: 'express:bare', round: 0, result: wrk(8_000, { non2xx: 12 }) }];
    const [s] = summarise(
      VARIANTS.filter((v) => v.id === 'express:bare'),
      measurements,
      new Map([['express:bare', ['probe failed']]]),
    );
    expect(s.problems).toEqual(['probe failed', '12 answers were not 2xx/3xx']);
  });

  it('leaves a variant that was never measured without numbers', () => {
    const [s] = summarise(
      VARIANTS.filter((v) => v.id === 'koa:native'),
      [],
    );
    expect(s.requestsPerSec).toBeUndefined();
    expect(s.rounds).toBe(0);
  });
});

describe('ceiling', () => {
  it('compares the node:net responder with the fastest real server', () => {
    const c = ceiling(summarise(VARIANTS, rounds(RPS)));
    expect(c.headroom).toBeCloseTo(100_000 / 42_000, 9);
    expect(c.generatorBound).toBe(false);
  });

  it('says the generator is the bottleneck when the ceiling is barely above the servers', () => {
    const c = ceiling(summarise(VARIANTS, rounds({ ...RPS, 'ceiling:bare': 45_000 })));
    expect(c.generatorBound).toBe(true);
  });
});

describe('targets', () => {
  it('checks 0.95× the floor for the policy, 0.85× bare with JWT, and raw + policy ≥ node:http', () => {
    const lines = targets(summarise(VARIANTS, rounds(RPS))).map(targetLine);
    expect(lines).toEqual([
      'PASS  Express: Bouncer policy ≥ 0.95× the floor (same headers, no logic) (0.97×; per round 0.97–0.97×)',
      'PASS  Express: Bouncer policy + JWT ≥ 0.85× bare Express (0.88×; per round 0.88–0.88×)',
      'MISS  Koa: Bouncer policy ≥ 0.95× the floor (same headers, no logic) (0.92×; per round 0.92–0.92×)',
      'MISS  Koa: Bouncer policy + JWT ≥ 0.85× bare Koa (0.79×; per round 0.79–0.79×)',
      'PASS  Hono: Bouncer policy ≥ 0.95× the floor (same headers, no logic) (0.97×; per round 0.97–0.97×)',
      'PASS  Hono: Bouncer policy + JWT ≥ 0.85× bare Hono (0.88×; per round 0.88–0.88×)',
      'MISS  @bouncer/raw with the full policy ≥ bare node:http (0.95×; per round 0.95–0.95×)',
    ]);
  });

  it("holds raw's policy cost per request to 1.5× the in-process chain's, from throughput without CPU times", () => {
    const summaries = summarise(VARIANTS, rounds(RPS));
    // 1e9/38_000 − 1e9/42_000 ≈ 2,506 ns on the raw server.
    expect(rawPolicyCostNs(summaries)).toEqual({
      throughput: expect.closeTo(1e9 / 38_000 - 1e9 / 42_000, 6),
    });
    const within = targets(summaries, 2_000).at(-1)!;
    expect(within.name).toBe(
      "@bouncer/raw: policy cost 2506 ns/request (from throughput; server CPU time not readable) ≤ 1.5× the in-process chain's 2000 ns",
    );
    expect(within.pass).toBe(true);
    const beyond = targets(summaries, 1_600).at(-1)!;
    expect(beyond.pass).toBe(false);
    expect(targets(summaries).some((t) => t.name.includes('policy cost'))).toBe(false);
  });

  it("judges raw's policy cost by the server's CPU time per request when it was read", () => {
    // raw bare 42k req/s using 12 µs of CPU per request; raw + policy 38k using 15 µs per request.
    const withCpu = rounds(RPS).map((m) => {
      const us = m.variant === 'raw:bare' ? 12 : m.variant === 'raw:bouncer' ? 15 : 20;
      return { ...m, serverCpuSeconds: (m.result.requests * us) / 1e6 };
    });
    const summaries = summarise(VARIANTS, withCpu);
    expect(summaries.find((s) => s.id === 'raw:bare')!.cpuUsPerRequest).toBeCloseTo(12, 9);
    const cost = rawPolicyCostNs(summaries)!;
    expect(cost.cpu).toBeCloseTo(3_000, 6);
    expect(cost.throughput).toBeCloseTo(1e9 / 38_000 - 1e9 / 42_000, 6);
    const t = targets(summaries, 2_100).at(-1)!;
    expect(t.name).toBe(
      "@bouncer/raw: policy cost 3000 ns/request (server CPU time; from throughput 2506 ns) ≤ 1.5× the in-process chain's 2100 ns",
    );
    expect(t.pass).toBe(true); // 3000 ≤ 1.5 × 2100
    expect(targets(summaries, 1_900).at(-1)!.pass).toBe(false); // 3000 > 1.5 × 1900
  });

  it('leaves the CPU time out of a summary when some round of the variant has none', () => {
    const partial = rounds(RPS).map((m) =>
      m.variant === 'raw:bare' && m.round !== 1 ? { ...m, serverCpuSeconds: 0.5 } : m,
    );
    const s = summarise(VARIANTS, partial).find((v) => v.id === 'raw:bare')!;
    expect(s.cpuUsPerRequest).toBeUndefined();
  });

  it('is a MISS, not a pass, when a variant did not serve what it claims', () => {
    const summaries = summarise(
      VARIANTS,
      rounds(RPS),
      new Map([['express:bouncer', ['status 401, expected 200']]]),
    );
    const t = targets(summaries).find((x) => x.name.startsWith('Express: Bouncer policy ≥'))!;
    expect(t.pass).toBe(false);
    expect(targetLine(t)).toMatch(/^MISS .*not measured/);
  });
});

describe('per-round ratios', () => {
  it('pairs the rounds of two variants and gives the lowest and highest ratio', () => {
    expect(roundRatios([90, 100, 120], [100, 125, 100])).toEqual({ min: 0.8, max: 1.2 });
  });

  it('gives nothing when the rounds do not pair up or a base round is empty', () => {
    expect(roundRatios([90, 100], [100, 125, 100])).toBeUndefined();
    expect(roundRatios([], [])).toBeUndefined();
    expect(roundRatios([90], [0])).toBeUndefined();
  });

  it('shows how far the noise moved a target from round to round', () => {
    const noisy = rounds(RPS).map((m) =>
      m.variant === 'koa:headers' && m.round === 2 ? { ...m, result: wrk(RPS['koa:headers'] * 1.5) } : m,
    );
    const t = targets(summarise(VARIANTS, noisy)).find((x) => x.name.startsWith('Koa: Bouncer policy ≥'))!;
    // Rounds: 0.9·24k/0.9·26k, 24k/26k, 1.2·24k/1.5·26k.
    expect(t.perRound!.min).toBeCloseTo((1.2 * 24_000) / (1.5 * 26_000), 9);
    expect(t.perRound!.max).toBeCloseTo(24_000 / 26_000, 9);
  });
});

describe('the raw server against its floor', () => {
  const summaries = summarise(
    VARIANTS,
    rounds({
      'node:bare': 40_000,
      'node:headers': 32_000,
      'raw:bare': 50_000,
      'raw:headers': 40_000,
      'raw:bouncer': 36_000,
    }),
  );

  it('compares raw + policy with node:http sending the same headers', () => {
    const raw = summaries.find((s) => s.id === 'raw:bouncer')!;
    expect(raw.vsFloor).toBeCloseTo(36_000 / 32_000, 6);
    expect(raw.vsBare).toBeCloseTo(36_000 / 40_000, 6);
  });

  it('splits the policy cost into the header bytes and the logic', () => {
    const split = rawPolicySplitNs(summaries)!;
    expect(split.bytes.throughput).toBeCloseTo(1e9 / 40_000 - 1e9 / 50_000, 6);
    expect(split.logic.throughput).toBeCloseTo(1e9 / 36_000 - 1e9 / 40_000, 6);
    expect(split.logic.cpu).toBeUndefined();
    expect(rawPolicySplitNs(summaries.filter((s) => s.id !== 'raw:headers'))).toBeUndefined();
  });
});
