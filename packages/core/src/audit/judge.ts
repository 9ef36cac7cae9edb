import type { EffectivePolicy } from '../policy/route-gates';
import type { Middleware } from '../types';
import { publicTest } from './describe-chain';
import { type AuditOptions, type IsPublic, outsidePattern, REASONS, type RouteReport } from './types';
import { auditUpgrades } from './upgrades';

/** A bouncer found in a framework's stack, in run order. */
export interface FoundGuard {
  /** Position in a depth-first walk of the app, i.e. the order in which the framework runs things. */
  seq: number;
  /** Stack ids from the app down to the stack that holds it: it covers routes in that subtree only. */
  scope: readonly number[];
  /** Its mount path or pattern, for the `outside the bouncer's path pattern` reason. */
  pattern: string;
  chain: Middleware<any>;
  /** Whether a request for this concrete path (a filled route pattern) passes through it. */
  covers(path: string): boolean;
}

/** A route found in a framework's stack. */
export interface FoundRoute {
  seq: number;
  scope: readonly number[];
  method: string;
  path: string;
  /** The pattern filled by `probePath`, or undefined for regular-expression routes. */
  filled: string | undefined;
  /** A bouncer among the route's own handlers, before the final one. */
  ownGuard: boolean;
  source: string;
}

/**
 * Decides one route: guarded when a bouncer in scope runs before it and covers its path. The reason
 * names the most specific mistake: a bouncer that would cover it but comes later; one that comes
 * earlier with a path pattern that misses it; one mounted only on other routers; none at all.
 */
export function judgeRoute(
  route: FoundRoute,
  guards: readonly FoundGuard[],
  isPublic: IsPublic,
): RouteReport {
  const report: RouteReport = {
    method: route.method,
    path: route.path,
    guarded: false,
    source: route.source,
  };
  const path = route.filled ?? route.path;
  if (route.filled !== undefined && isPublic(route.method === 'ALL' ? 'GET' : route.method, path))
    report.public = true;
  const inScope = guards.filter((g) => isPrefix(g.scope, route.scope));
  const before = inScope.filter((g) => g.seq < route.seq);
  const guard = before.find((g) => g.covers(path));
  const policy =
    guard && route.filled !== undefined ? effectivePolicy(guard.chain, route.method, path) : undefined;
  if (policy) report.policy = policy;
  if (route.ownGuard || guard) {
    if (report.public) report.reason = REASONS.public;
    else report.guarded = true;
    return report;
  }
  if (inScope.some((g) => g.seq > route.seq && g.covers(path))) report.reason = REASONS.before;
  else if (before.length > 0)
    report.reason = outsidePattern([...new Set(before.map((g) => g.pattern))].join(', '));
  else if (guards.length > 0) report.reason = REASONS.unguardedMount;
  else report.reason = REASONS.none;
  return report;
}

function isPrefix(outer: readonly number[], inner: readonly number[]): boolean {
  return outer.length <= inner.length && outer.every((id, i) => inner[i] === id);
}

/** The policy's own account of a route, when the chain is a `bouncer()` policy (`describeRoute`). */
export function effectivePolicy(
  chain: Middleware<any>,
  method: string,
  path: string,
): EffectivePolicy | undefined {
  const describe = (chain as { describeRoute?: (m: string, p: string) => EffectivePolicy }).describeRoute;
  if (typeof describe !== 'function') return undefined;
  return describe(method === 'ALL' || method === 'USE' ? 'GET' : method, path);
}

/**
 * The report of a whole app: every route judged against the guards found in its stack (public as
 * `options.isPublic` or the guards' own public routes say), then the server's upgrade listeners.
 */
export function judgeRoutes(
  routes: readonly FoundRoute[],
  guards: readonly FoundGuard[],
  options: AuditOptions,
): RouteReport[] {
  const isPublic = publicTest(
    options.isPublic,
    guards.map((g) => g.chain),
  );
  return [...routes.map((r) => judgeRoute(r, guards, isPublic)), ...auditUpgrades(options.server)];
}
