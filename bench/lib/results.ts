// From raw wrk rounds to the summary: medians per variant, ratios, generator ceiling, targets.
import { median } from './stats';
import type { Kind, Stack, Variant } from './variants';
import type { WrkResult } from './wrk';

export interface Measurement {
  variant: string;
  round: number;
  result: WrkResult;
  /** CPU seconds the server used over the round (see `cpu-time.ts`), where it could be read. */
  serverCpuSeconds?: number;
}

export interface VariantSummary {
  id: string;
  label: string;
  stack: Stack;
  kind: Kind;
  /** Medians over the rounds; undefined when the variant could not be measured. */
  requestsPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  /**
   * Median over the rounds of the server's CPU time per request, in µs: what a request costs the
   * server, without the time it sat idle waiting for wrk. Undefined where /proc is not readable.
   */
  cpuUsPerRequest?: number;
  rounds: number;
  /** Requests/s of every round, in round order, to show the spread. */
  samples: number[];
  non2xx: number;
  socketErrors: number;
  /** Against the bare framework (for raw and node:http, against bare `node:http`). */
  vsBare?: number;
  /** Against the same framework with its native security stack. */
  vsNative?: number;
  /** Against the same framework writing the same headers with no logic (`headers`, the floor). */
  vsFloor?: number;
  /** Why the numbers cannot be trusted or are missing (failed start, failed probe, errors). */
  problems: string[];
}

export interface Target {
  name: string;
  /** The measured ratio, when both sides were measured. */
  ratio?: number;
  threshold: number;
  pass: boolean;
  /**
   * The lowest and highest of the same ratio taken round by round (each round measures both
   * variants within seconds of each other): how far the machine's noise moves it.
   */
  perRound?: { min: number; max: number };
}

export interface Ceiling {
  requestsPerSec?: number;
  /** Ceiling ÷ the fastest real server. */
  headroom?: number;
  /** True when the ceiling is less than 1.25× the fastest server: wrk, not the servers, bounds the numbers. */
  generatorBound?: boolean;
}

/** Which variant each one is compared with. */
function bareOf(v: Pick<Variant, 'stack'>): string | undefined {
  if (v.stack === 'raw' || v.stack === 'node') return 'node:bare';
  if (v.stack === 'ceiling') return undefined;
  return `${v.stack}:bare`;
}

/** The floor a Bouncer variant is compared with: the same headers, no logic (node:http's for raw). */
function floorOf(v: Pick<Variant, 'stack'>): string {
  return v.stack === 'raw' ? 'node:headers' : `${v.stack}:headers`;
}

/** Round-by-round ratios of two variants measured in every round: their lowest and highest. */
export function roundRatios(
  samples: readonly number[],
  base: readonly number[],
): { min: number; max: number } | undefined {
  if (samples.length === 0 || samples.length !== base.length || base.some((b) => !(b > 0))) return undefined;
  const ratios = samples.map((r, i) => r / base[i]);
  return { min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** Medians and ratios for every variant; `problems` carries start and probe failures. */
export function summarise(
  variants: readonly Variant[],
  measurements: readonly Measurement[],
  problems: ReadonlyMap<string, string[]> = new Map(),
): VariantSummary[] {
  const summaries = variants.map((v): VariantSummary => {
    const mine = measurements.filter((m) => m.variant === v.id).sort((a, b) => a.round - b.round);
    const results = mine.map((m) => m.result);
    const issues = [...(problems.get(v.id) ?? [])];
    const non2xx = results.reduce((s, r) => s + r.non2xx, 0);
    const socketErrors = results.reduce((s, r) => s + r.socketErrors, 0);
    if (non2xx > 0) issues.push(`${non2xx} answers were not 2xx/3xx`);
    if (socketErrors > 0) issues.push(`${socketErrors} socket errors`);
    const summary: VariantSummary = {
      id: v.id,
      label: v.label,
      stack: v.stack,
      kind: v.kind,
      rounds: results.length,
      samples: results.map((r) => r.requestsPerSec),
      non2xx,
      socketErrors,
      problems: issues,
    };
    if (results.length > 0) {
      summary.requestsPerSec = median(results.map((r) => r.requestsPerSec));
      summary.p50Ms = median(results.map((r) => r.p50Ms));
      summary.p99Ms = median(results.map((r) => r.p99Ms));
      if (mine.every((m) => m.serverCpuSeconds !== undefined && m.result.requests > 0))
        summary.cpuUsPerRequest = median(mine.map((m) => (m.serverCpuSeconds! * 1e6) / m.result.requests));
    }
    return summary;
  });
  const rps = new Map(summaries.map((s) => [s.id, s.requestsPerSec]));
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
  for (const s of summaries) {
    const bare = bareOf(s);
    if (bare && bare !== s.id) s.vsBare = ratio(s.requestsPerSec, rps.get(bare));
    if (
      s.kind === 'bouncer' ||
      s.kind === 'bouncer-jwt' ||
      s.kind === 'bouncer-redis' ||
      s.kind === 'bouncer-cluster'
    ) {
      if (s.stack !== 'raw') s.vsNative = ratio(s.requestsPerSec, rps.get(`${s.stack}:native`));
      s.vsFloor = ratio(s.requestsPerSec, rps.get(floorOf(s)));
    }
  }
  return summaries;
}

export function ceiling(summaries: readonly VariantSummary[]): Ceiling {
  const top = summaries.find((s) => s.stack === 'ceiling')?.requestsPerSec;
  const others = summaries.filter((s) => s.stack !== 'ceiling' && s.requestsPerSec !== undefined);
  if (top === undefined || others.length === 0) return { requestsPerSec: top };
  const fastest = Math.max(...others.map((s) => s.requestsPerSec!));
  const headroom = top / fastest;
  return { requestsPerSec: top, headroom, generatorBound: headroom < 1.25 };
}

/**
 * The goals the report checks: on each framework the policy ≥ 0.95× the floor (the same headers,
 * no logic) and, with JWT, ≥ 0.85× bare; raw + policy ≥ bare node:http; and raw's policy cost per
 * request (raw + policy against raw bare, in server CPU time) within 1.5× of the in-process
 * chain's (`micro`'s full-policy case), when the micro-benchmark ran.
 */
export function targets(summaries: readonly VariantSummary[], microPolicyNs?: number): Target[] {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const out: Target[] = [];
  const check = (name: string, id: string, threshold: number, key: 'vsBare' | 'vsFloor') => {
    const s = byId.get(id);
    if (!s) return;
    const ratio = s.problems.length === 0 ? s[key] : undefined;
    const target: Target = { name, ratio, threshold, pass: ratio !== undefined && ratio >= threshold };
    const base = byId.get(key === 'vsBare' ? bareOf(s)! : floorOf(s));
    // A failed round is a problem: clean variants with as many samples were measured in the same rounds.
    if (ratio !== undefined && base && base.problems.length === 0) {
      const spread = roundRatios(s.samples, base.samples);
      if (spread) target.perRound = spread;
    }
    out.push(target);
  };
  for (const [stack, name] of [
    ['express', 'Express'],
    ['koa', 'Koa'],
    ['hono', 'Hono'],
  ] as const) {
    check(
      `${name}: Bouncer policy ≥ 0.95× the floor (same headers, no logic)`,
      `${stack}:bouncer`,
      0.95,
      'vsFloor',
    );
    check(`${name}: Bouncer policy + JWT ≥ 0.85× bare ${name}`, `${stack}:bouncer-jwt`, 0.85, 'vsBare');
  }
  check('@bouncer/raw with the full policy ≥ bare node:http', 'raw:bouncer', 1, 'vsBare');
  const cost = rawPolicyCostNs(summaries);
  if (cost !== undefined && microPolicyNs !== undefined && microPolicyNs > 0) {
    // Server CPU time where it was read (see `cpu-time.ts`), else the throughput difference.
    const ns = cost.cpu ?? cost.throughput;
    const basis =
      cost.cpu === undefined
        ? 'from throughput; server CPU time not readable'
        : `server CPU time; from throughput ${Math.round(cost.throughput)} ns`;
    // Expressed as micro ÷ raw so that, like the others, higher is better: ≥ 1/1.5.
    const ratio = microPolicyNs / ns;
    out.push({
      name: `@bouncer/raw: policy cost ${Math.round(ns)} ns/request (${basis}) ≤ 1.5× the in-process chain's ${Math.round(microPolicyNs)} ns`,
      ratio,
      threshold: 1 / 1.5,
      pass: ratio >= 1 / 1.5,
    });
  }
  return out;
}

/** A variant's summary, when it was measured at all and without problems. */
function clean(summaries: readonly VariantSummary[], id: string): VariantSummary | undefined {
  const s = summaries.find((v) => v.id === id);
  return s?.requestsPerSec && s.problems.length === 0 ? s : undefined;
}

/** What one variant costs per request over another, in ns, by both measures. */
export interface CostNs {
  /** Server CPU time per request, the difference (undefined where /proc was not readable). */
  cpu?: number;
  /** 1/(req/s) − 1/(req/s): includes any change in how long the server waited for wrk. */
  throughput: number;
}

function costNs(summaries: readonly VariantSummary[], over: string, base: string): CostNs | undefined {
  const a = clean(summaries, over);
  const b = clean(summaries, base);
  if (!a || !b) return undefined;
  const cost: CostNs = { throughput: 1e9 / a.requestsPerSec! - 1e9 / b.requestsPerSec! };
  if (a.cpuUsPerRequest !== undefined && b.cpuUsPerRequest !== undefined)
    cost.cpu = (a.cpuUsPerRequest - b.cpuUsPerRequest) * 1000;
  return cost;
}

/**
 * What the policy adds per request on the raw server (raw + policy against raw bare), in ns. The
 * comparison with the micro-benchmark uses the server's CPU time (the same kind of figure as the
 * micro's, a cost, not a pace); the throughput-derived difference is kept alongside.
 */
export function rawPolicyCostNs(summaries: readonly VariantSummary[]): CostNs | undefined {
  return costNs(summaries, 'raw:bouncer', 'raw:bare');
}

/**
 * Where raw's policy cost goes, in ns per request, when the three raw variants were measured:
 * sending the policy's header bytes (raw + the same headers, no logic, against raw bare) and the
 * chain's logic (raw + policy against raw + the same headers).
 */
export function rawPolicySplitNs(
  summaries: readonly VariantSummary[],
): { bytes: CostNs; logic: CostNs } | undefined {
  const bytes = costNs(summaries, 'raw:headers', 'raw:bare');
  const logic = costNs(summaries, 'raw:bouncer', 'raw:headers');
  return bytes && logic ? { bytes, logic } : undefined;
}

/** `PASS  name (0.93×)` / `MISS  name (0.71×)` / `MISS  name (not measured)`. */
export function targetLine(t: Target): string {
  const spread = t.perRound ? `; per round ${t.perRound.min.toFixed(2)}–${t.perRound.max.toFixed(2)}×` : '';
  const measured = t.ratio === undefined ? 'not measured' : `${t.ratio.toFixed(2)}×${spread}`;
  return `${t.pass ? 'PASS' : 'MISS'}  ${t.name} (${measured})`;
}

/**
 * The in-process chain's cost per request in ns: the micro-benchmark's full-policy case, the same
 * policy run through `runChain` over an in-memory host (context, chain and head hooks included,
 * as they are in what the raw server adds over serving bare).
 */
export function microPolicyNs(
  micro: { cases: readonly { name: string; nsPerRequest: number }[] } | { error: string } | undefined,
): number | undefined {
  if (!micro || 'error' in micro) return undefined;
  return micro.cases.find((c) => c.name === 'full policy, no JWT')?.nsPerRequest;
}
