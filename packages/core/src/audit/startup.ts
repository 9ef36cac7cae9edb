import { UnguardedRoutesError } from './expect';
import { isLeak } from './format';
import type { RouteReport } from './types';

/** What `bouncer(chain, { audit })` does when its first request finds an unguarded route. */
export type AuditMode = 'warn' | 'throw';

/**
 * Throws `UnguardedRoutesError` naming every route of `report` that answers without the bouncer.
 * The adapters' `assertAllRoutesGuarded(app)` calls it before `listen()`: the one moment that can
 * refuse to serve a route registered ahead of the bouncer, which no request-time check ever sees.
 */
export function assertGuarded(report: RouteReport[]): RouteReport[] {
  const leaks = report.filter(isLeak);
  if (leaks.length > 0) {
    throw new UnguardedRoutesError(
      leaks.map(({ method, path, reason }) => ({ method, path, reason })),
      report,
      [],
    );
  }
  return report;
}

/**
 * The adapters' first-request audit: runs `audit(app)` once, on the first request the bouncer sees (the
 * first moment an adapter can reach the app from inside a middleware), and remembers the verdict.
 * `warn` logs the table and lets traffic through; `throw` reports an `UnguardedRoutesError` and
 * returns false from then on, so the adapter answers 500 instead of serving a half-guarded app —
 * failing closed without crashing the process. It can only refuse what reaches the bouncer: a
 * route registered before it keeps answering, so the report says to assert at startup instead.
 */
export function auditOnce<A>(
  mode: AuditMode,
  audit: (app: A) => RouteReport[],
): (app: A, report: (error: Error) => void) => boolean {
  if (mode !== 'warn' && mode !== 'throw') {
    throw new TypeError(`bouncer: option \`audit\` must be 'warn' or 'throw', got ${JSON.stringify(mode)}`);
  }
  let verdict: boolean | undefined;
  return (app, report) => {
    if (verdict !== undefined) return verdict;
    verdict = true;
    let routes: RouteReport[];
    try {
      routes = audit(app);
    } catch (error) {
      report(error as Error);
      return verdict;
    }
    const leaks = routes.filter(isLeak);
    if (leaks.length === 0) return verdict;
    const error = new UnguardedRoutesError(
      leaks.map(({ method, path, reason }) => ({ method, path, reason })),
      routes,
      [],
    );
    error.message +=
      '\nThese routes answer without the bouncer whatever it does now: call assertAllRoutesGuarded(app) before listen() to refuse to start.';
    if (mode === 'warn') console.warn(error.message);
    else {
      report(error);
      verdict = false;
    }
    return verdict;
  };
}
