// From raw wrk rounds to the summary: medians per variant, ratios, generator ceiling, targets.
import { median } from './stats';
import type { Kind, Stack, Variant } from './variants';
import type { WrkResult } from './wrk';

export interface Measurement {
  variant: string;
  round: number;
  result: WrkResult;
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
      if (s.stack !== 'raw') {
        s.vsNative = ratio(s.requestsPerSec, rps.get(`${s.stack}:native`));
        s.vsFloor = ratio(s.requestsPerSec, rps.get(`${s.stack}:headers`));
      } else {
        // The raw server stands in for node:http: its floor is node:http sending the same headers.
        s.vsFloor = ratio(s.requestsPerSec, rps.get('node:headers'));
      }
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
 * request (raw + policy against raw bare) within 1.5× of the in-process chain's (`micro`'s
 * full-policy case), when the micro-benchmark ran.
 */
export function targets(summaries: readonly VariantSummary[], microPolicyNs?: number): Target[] {
  const byId = new Map(summaries.map((s) => [s.id, s]));
  const out: Target[] = [];
  const check = (name: string, id: string, threshold: number, key: 'vsBare' | 'vsFloor') => {
    const s = byId.get(id);
    if (!s) return;
    const ratio = s.problems.length === 0 ? s[key] : undefined;
    out.push({ name, ratio, threshold, pass: ratio !== undefined && ratio >= threshold });
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
    // Expressed as micro ÷ raw so that, like the others, higher is better: ≥ 1/1.5.
    const ratio = microPolicyNs / cost;
    out.push({
      name: `@bouncer/raw: policy cost ${Math.round(cost)} ns/request ≤ 1.5× the in-process chain's ${Math.round(microPolicyNs)} ns`,
      ratio,
      threshold: 1 / 1.5,
      pass: ratio >= 1 / 1.5,
    });
  }
  return out;
}

/** A variant's median req/s, when it was measured without problems. */
function cleanRate(summaries: readonly VariantSummary[], id: string): number | undefined {
  const s = summaries.find((v) => v.id === id);
  return s?.requestsPerSec && s.problems.length === 0 ? s.requestsPerSec : undefined;
}

/** What the policy adds per request on the raw server, in ns: 1/(raw + policy) − 1/(raw bare). */
export function rawPolicyCostNs(summaries: readonly VariantSummary[]): number | undefined {
  const bare = cleanRate(summaries, 'raw:bare');
  const policy = cleanRate(summaries, 'raw:bouncer');
  if (!bare || !policy) return undefined;
  return 1e9 / policy - 1e9 / bare;
}

/**
 * Where raw's policy cost goes, in ns per request, when the three raw variants were measured:
 * sending the policy's header bytes (raw + the same headers, no logic, against raw bare) and the
 * chain's logic (raw + policy against raw + the same headers).
 */
export function rawPolicySplitNs(
  summaries: readonly VariantSummary[],
): { bytes: number; logic: number } | undefined {
  const bare = cleanRate(summaries, 'raw:bare');
  const headers = cleanRate(summaries, 'raw:headers');
  const policy = cleanRate(summaries, 'raw:bouncer');
  if (!bare || !headers || !policy) return undefined;
  return { bytes: 1e9 / headers - 1e9 / bare, logic: 1e9 / policy - 1e9 / headers };
}

/** `PASS  name (0.93×)` / `MISS  name (0.71×)` / `MISS  name (not measured)`. */
export function targetLine(t: Target): string {
  const measured = t.ratio === undefined ? 'not measured' : `${t.ratio.toFixed(2)}×`;
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
