import type { Middleware } from '@bouncer/core';
import {
  type AuditOptions,
  describeChain,
  effectivePolicy,
  probePath,
  publicTest,
  REASONS,
  type RouteReport,
} from '@bouncer/core/audit';

/** What the audit needs of a raw server: the chain it runs and the handler it runs it around. */
export interface AuditableRawServer {
  readonly chain: Middleware<any> | undefined;
  readonly handler: Function;
}

/** A route table in registration order (`Router#routes`). */
interface RouteTable {
  readonly routes: readonly { method: string; path: string }[];
}

export interface RawAuditOptions extends AuditOptions {
  /**
   * The router behind `server.handler`, when the handler does not point back to it (a bound
   * `router.handle` carries no reference to its router unless the Router sets `handle.router`).
   * @default server.handler.router
   */
  router?: RouteTable;
}

/**
 * Lists every route of a raw Bouncer server's router and whether the server's chain runs before
 * it. The raw server runs its chain around the whole handler, so a route there is guarded exactly
 * when the server has a chain; the mistake this catches is a server (often a second, "internal"
 * one) started without it.
 *
 * @example
 * const open = auditRoutes(server, { router }).filter((r) => !r.guarded && !r.public);
 */
export function auditRoutes(server: AuditableRawServer, options: RawAuditOptions = {}): RouteReport[] {
  const router = options.router ?? (server.handler as { router?: RouteTable }).router;
  const chain = server.chain;
  const isPublic = publicTest(options.isPublic, chain ? [chain] : []);
  const source = chain ? `server chain: ${describeChain(chain).names.join(' → ')}` : 'server without a chain';
  const table = router?.routes ?? [{ method: '*', path: '/*' }];
  return table.map(({ method, path }) => {
    const m = method === '*' ? 'ALL' : method;
    const report: RouteReport = { method: m, path, guarded: chain !== undefined, source };
    if (!router) report.source = `${source}; handler without a route table`;
    const filled = probePath(path);
    const policy = chain && filled !== undefined ? effectivePolicy(chain, m, filled) : undefined;
    if (policy) report.policy = policy;
    if (filled !== undefined && isPublic(m === 'ALL' ? 'GET' : m, filled)) {
      report.public = true;
      if (report.guarded) report.reason = REASONS.public;
      report.guarded = false;
    }
    if (!chain) report.reason = REASONS.none;
    return report;
  });
}
