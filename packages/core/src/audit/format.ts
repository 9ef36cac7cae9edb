import type { RouteReport } from './types';

/**
 * A plain-text table of the audit, one route a line, unguarded routes first so they are not missed
 * in a long list:
 *
 * ```
 * METHOD  PATH        GUARDED  REASON
 * GET     /export     NO       registered before app.use(bouncer)
 * GET     /health     public   excluded as public by the policy
 * GET     /prices     yes
 * ```
 */
export function formatRouteReport(reports: readonly RouteReport[]): string {
  const rows = [...reports]
    .sort((a, b) => rank(a) - rank(b))
    .map((r) => [r.method, r.path, r.public ? 'public' : r.guarded ? 'yes' : 'NO', detail(r)]);
  const header = ['METHOD', 'PATH', 'GUARDED', 'REASON'];
  // The effective policy column appears only when a `bouncer()` policy described its routes.
  if (reports.some((r) => r.policy)) {
    header.splice(3, 0, 'POLICY');
    for (const [i, r] of [...reports].sort((a, b) => rank(a) - rank(b)).entries())
      rows[i].splice(3, 0, describe(r));
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const unguarded = reports.filter(isLeak).length;
  const summary = `${reports.length} route(s), ${unguarded} unguarded`;
  return [line(header), ...rows.map(line), summary].join('\n');
}

/** True for a route that answers without the bouncer and is not public by design. */
export function isLeak(report: RouteReport): boolean {
  return !report.guarded && !report.public;
}

function rank(r: RouteReport): number {
  return isLeak(r) ? 0 : r.public ? 1 : 2;
}

function detail(r: RouteReport): string {
  if (!r.reason) return r.source ? `(${r.source})` : '';
  return r.source ? `${r.reason} (${r.source})` : r.reason;
}

/** `auth optional, rate login 5/900s, body 65536` */
function describe(r: RouteReport): string {
  const p = r.policy;
  if (!p) return '';
  return `auth ${p.auth}, rate ${p.rateLimit}, body ${p.bodyLimit ?? 'off'}`;
}
