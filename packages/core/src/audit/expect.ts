import { BouncerError } from '../errors';
import { publicTest } from './describe-chain';
import { formatRouteReport, isLeak } from './format';
import { type ProbeOptions, type ProbeResult, probeRoutes } from './probe';
import type { AuditOptions, RouteReport } from './types';

export interface ExpectGuardedOptions extends AuditOptions, ProbeOptions {}

/** A route found open, by the static audit, by the probe, or by both. */
export interface UnguardedRoute {
  method: string;
  path: string;
  /** The static audit's reason, when it saw the problem. */
  reason?: string;
  /** The probe's answer, when a request got through without the bouncer's rejection. */
  answer?: string;
}

/** Thrown by `expectAllRoutesGuarded`: names every open route, with the full table in the message. */
export class UnguardedRoutesError extends BouncerError {
  override name = 'UnguardedRoutesError';
  constructor(
    readonly routes: readonly UnguardedRoute[],
    readonly report: readonly RouteReport[],
    readonly probes: readonly ProbeResult[],
  ) {
    const list = routes.map((r) => {
      const why = [r.reason && `audit: ${r.reason}`, r.answer && `probe: answered ${r.answer}`].filter(
        Boolean,
      );
      return `  ${r.method} ${r.path} — ${why.join('; ')}`;
    });
    super(
      `${routes.length} route(s) answer without the bouncer:\n${list.join('\n')}\n\n${formatRouteReport(report)}`,
    );
  }
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * The adapter-independent half of `expectAllRoutesGuarded`: takes the static report, starts the
 * app, probes every route, stops the app, and throws `UnguardedRoutesError` naming each route the
 * audit or the probe found open. Public routes must not be rejected by the bouncer.
 */
export async function expectGuarded(
  report: readonly RouteReport[],
  start: () => Promise<RunningServer>,
  options: ExpectGuardedOptions = {},
): Promise<readonly RouteReport[]> {
  const server = await start();
  let probes: ProbeResult[];
  try {
    probes = await probeRoutes(server.url, report, options);
  } finally {
    await server.close();
  }
  const isPublic = publicTest(options.isPublic, []);
  const open = new Map<string, UnguardedRoute>();
  const keyOf = (method: string, path: string) =>
    `${method === 'ALL' || method === 'USE' ? 'GET' : method} ${path}`;
  for (const r of report) {
    if (isLeak(r)) open.set(keyOf(r.method, r.path), { method: r.method, path: r.path, reason: r.reason });
  }
  for (const p of probes) {
    const route = report.find(
      (r) => r.path === p.path && keyOf(r.method, r.path) === keyOf(p.method, p.path),
    );
    const expectedPublic = route?.public === true || isPublic(p.method, p.url);
    const wrong = expectedPublic ? p.rejected : !p.rejected;
    if (!wrong) continue;
    const key = keyOf(p.method, p.path);
    const found = open.get(key) ?? { method: route?.method ?? p.method, path: p.path };
    found.answer = expectedPublic ? `${p.answer} (public route rejected)` : p.answer;
    open.set(key, found);
  }
  if (open.size > 0) throw new UnguardedRoutesError([...open.values()], report, probes);
  return report;
}
