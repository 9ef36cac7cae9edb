import { request } from './client';
import type { AppFactory, AppProbe, Comparable, ConformanceCase, FinishRecord } from './types';

export interface CaseResult {
  case: string;
  group: string;
  adapter: string;
  ok: boolean;
  error?: string;
  comparable?: Comparable;
  ms: number;
}

export interface ConformanceReport {
  adapters: string[];
  cases: ConformanceCase[];
  results: CaseResult[];
  /** Cases whose status/headers differ between adapters although each passed on its own. */
  mismatches: { case: string; detail: string }[];
  passed: number;
  failed: number;
}

/**
 * Runs every case against every adapter over real sockets, then checks that the adapters agree
 * byte for byte on what each case declares comparable (status and the bouncer-set headers).
 * A case counts as passed for an adapter when it passed there and agrees with the others.
 */
export async function runConformance(
  adapters: readonly AppFactory[],
  cases: readonly ConformanceCase[],
): Promise<ConformanceReport> {
  const results: CaseResult[] = [];
  for (const adapter of adapters) {
    const byChain = new Map<string, ConformanceCase[]>();
    for (const c of cases) byChain.set(c.chain.id, [...(byChain.get(c.chain.id) ?? []), c]);
    for (const group of byChain.values()) {
      const probe: AppProbe = { hits: new Map(), reported: [] };
      const finishes: FinishRecord[] = [];
      let app: Awaited<ReturnType<AppFactory['start']>>;
      try {
        app = adapter.startBuilder
          ? await adapter.startBuilder(group[0].chain, probe, finishes)
          : await adapter.start(group[0].chain.build(finishes), probe);
      } catch (error) {
        for (const c of group)
          results.push({
            case: c.name,
            group: c.group,
            adapter: adapter.name,
            ok: false,
            error: `server did not start: ${String(error)}`,
            ms: 0,
          });
        continue;
      }
      for (const c of group) {
        const started = performance.now();
        try {
          const comparable = await c.run({
            url: app.url,
            probe,
            finishes,
            request: async (method, path, init) => {
              const result = await request(app.url, method, path, init);
              await app.sync?.();
              return result;
            },
          });
          results.push({
            case: c.name,
            group: c.group,
            adapter: adapter.name,
            ok: true,
            comparable,
            ms: performance.now() - started,
          });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          results.push({
            case: c.name,
            group: c.group,
            adapter: adapter.name,
            ok: false,
            error: message,
            ms: performance.now() - started,
          });
        }
      }
      await app.close();
    }
  }

  const mismatches: ConformanceReport['mismatches'] = [];
  for (const c of cases) {
    const rows = results.filter((r) => r.case === c.name && r.ok && r.comparable);
    if (rows.length < 2) continue;
    const reference = JSON.stringify(rows[0].comparable);
    for (const row of rows.slice(1)) {
      const got = JSON.stringify(row.comparable);
      if (got !== reference) {
        row.ok = false;
        row.error = `differs from ${rows[0].adapter}: ${got} vs ${reference}`;
        mismatches.push({ case: c.name, detail: `${row.adapter} ${got} ≠ ${rows[0].adapter} ${reference}` });
      }
    }
  }
  const passed = results.filter((r) => r.ok).length;
  return {
    adapters: adapters.map((a) => a.name),
    cases: [...cases],
    results,
    mismatches,
    passed,
    failed: results.length - passed,
  };
}

/** The matrix as text: one row per case, one column per adapter. */
export function formatMatrix(report: ConformanceReport, color = false): string {
  const paint = (s: string, code: number) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const width = Math.min(90, Math.max(...report.cases.map((c) => c.name.length + c.group.length + 3)));
  const lines: string[] = [];
  lines.push(`${'case'.padEnd(width)}  ${report.adapters.map((a) => a.padEnd(8)).join(' ')}`);
  lines.push('-'.repeat(width + 2 + report.adapters.length * 9));
  for (const c of report.cases) {
    const label = `[${c.group}] ${c.name}`;
    const cells = report.adapters.map((a) => {
      const r = report.results.find((x) => x.case === c.name && x.adapter === a);
      return r?.ok ? paint('pass'.padEnd(8), 32) : paint('FAIL'.padEnd(8), 31);
    });
    lines.push(
      `${(label.length > width ? `${label.slice(0, width - 1)}…` : label).padEnd(width)}  ${cells.join(' ')}`,
    );
  }
  const failures = report.results.filter((r) => !r.ok);
  if (failures.length) {
    lines.push('', 'Failures:');
    for (const f of failures) lines.push(`  ${f.adapter} · ${f.case}: ${f.error}`);
  }
  return lines.join('\n');
}
