// The files a run leaves: latest.json (everything), latest.md (the tables), ratios.svg.
import type { MemoryResult } from '../memory';
import type { MicroResult } from '../micro';
import type { Machine } from './machine';
import {
  type Ceiling,
  type CostNs,
  rawPolicySplitNs,
  type Target,
  targetLine,
  type VariantSummary,
} from './results';

interface RunConfig {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  connections: number;
  quick: boolean;
  wrk: string;
}

export interface Results {
  date: string;
  machine: Machine;
  config: RunConfig;
  variants: VariantSummary[];
  ceiling: Ceiling;
  targets: Target[];
  micro?: MicroResult | { error: string };
  memory?: MemoryResult | { error: string };
}

const num = (n: number | undefined, digits = 0) =>
  n === undefined
    ? '—'
    : n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ratio = (n: number | undefined) => (n === undefined ? '—' : `${n.toFixed(2)}×`);
const cost = (c: CostNs) =>
  c.cpu === undefined
    ? `${num(Math.round(c.throughput))} ns/request (from throughput)`
    : `${num(Math.round(c.cpu))} ns/request of server CPU (${num(Math.round(c.throughput))} ns from throughput)`;

export function throughputTable(variants: readonly VariantSummary[]): string {
  const rows = variants.map((v) => {
    const note = v.problems.length > 0 ? `⚠ ${v.problems.join('; ')}` : '';
    return `| ${v.label} | ${num(v.requestsPerSec)} | ${num(v.p50Ms, 2)} | ${num(v.p99Ms, 2)} | ${num(v.cpuUsPerRequest, 1)} | ${ratio(v.vsBare)} | ${ratio(v.vsFloor)} | ${ratio(v.vsNative)} | ${v.samples.map((s) => num(s)).join(' / ')} | ${note} |`;
  });
  return [
    '| variant | req/s (median) | p50 ms | p99 ms | server CPU µs/req | ÷ bare | ÷ floor | ÷ native | req/s per round | notes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...rows,
  ].join('\n');
}

export function ceilingLine(c: Ceiling): string {
  if (c.requestsPerSec === undefined) return 'Generator ceiling: not measured.';
  if (c.headroom === undefined)
    return `Generator ceiling: ${num(c.requestsPerSec)} req/s (nothing to compare with).`;
  const verdict = c.generatorBound
    ? 'less than 1.25× the fastest server: wrk (or the shared CPU) bounds these numbers, not the servers'
    : 'well above every server: the servers, not wrk, set the numbers';
  return `Generator ceiling (node:net responder, no parsing): ${num(c.requestsPerSec)} req/s = ${c.headroom.toFixed(2)}× the fastest server — ${verdict}.`;
}

export function toMarkdown(r: Results): string {
  const m = r.machine;
  const c = r.config;
  const out = [
    '# Bouncer benchmark',
    '',
    `- date: ${r.date}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}`,
    `- load: \`wrk -t1 -c${c.connections} -d${c.seconds}s --latency\` on 127.0.0.1, keep-alive, ${c.rounds} interleaved round(s) after a ${c.warmupSeconds} s warm-up per server; medians${c.quick ? ' (--quick: a smoke test, not a measurement)' : ''}`,
    '',
    '## Throughput',
    '',
    throughputTable(r.variants),
    '',
    ceilingLine(r.ceiling),
    '',
    '## Targets',
    '',
    '```',
    ...r.targets.map(targetLine),
    '```',
    '',
    '![ratios](ratios.svg)',
    '',
  ];
  const split = rawPolicySplitNs(r.variants);
  if (split) {
    out.push(
      "## Where raw's policy cost goes",
      '',
      `- sending the policy's headers (raw + the same headers, no logic − raw bare): ${cost(split.bytes)}`,
      `- the chain's logic (raw + policy − raw + the same headers): ${cost(split.logic)}`,
      '',
    );
  }
  if (r.micro) {
    out.push('## Core chain alone (in process, no network)', '');
    if ('error' in r.micro) out.push(`Not measured: ${r.micro.error}`);
    else {
      out.push(
        '| chain | ns/request | bytes allocated/request | iterations |',
        '|---|---:|---:|---:|',
        ...r.micro.cases.map(
          (k) =>
            `| ${k.name.trim()} | ${num(k.nsPerRequest)} | ${num(k.bytesPerRequest)} | ${num(k.iterations)} |`,
        ),
      );
    }
    out.push('');
  }
  if (r.memory) {
    out.push('## Rate-limit memory under an address flood', '');
    if ('error' in r.memory) out.push(`Not measured: ${r.memory.error}`);
    else {
      const k = r.memory;
      out.push(
        `- ${num(k.addresses)} distinct addresses, MemoryStore \`maxKeys\` ${num(k.maxKeys)}: ${num(k.storeKeys)} keys held at the end`,
        `- RSS: before ${k.rssBeforeMiB} MiB, store full ${k.rssFullMiB} MiB, peak ${k.rssPeakMiB} MiB, after ${k.rssAfterMiB} MiB`,
        `- live heap after GC: ${k.heapBeforeMiB} → ${k.heapAfterMiB} MiB (budget +${k.heapBudgetMiB} MiB)`,
        `- ${k.pass ? 'PASS' : 'MISS'}`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
