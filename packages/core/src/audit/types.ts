import type { EffectivePolicy } from '../policy/route-gates';
import type { Middleware } from '../types';
import type { UpgradeSource } from './upgrades';

/** One registered route and whether the bouncer's chain runs before its handler. */
export interface RouteReport {
  /** Upper-case method as registered; `ALL` for handlers that take every method. */
  method: string;
  /** The route's full path pattern (mount paths and prefixes included), as the framework spells it. */
  path: string;
  /** True when a bouncer chain runs before the handler and the policy does not exempt the route. */
  guarded: boolean;
  /** Why the route is not guarded (one of `REASONS`, or `outside the bouncer's path pattern …`). */
  reason?: string;
  /** Where it was found: router, sub-app or mount chain, for the reader of the report. */
  source?: string;
  /** True when the policy deliberately lets it through without credentials (`isPublic`). */
  public?: boolean;
  /**
   * What the bouncer in front applies to this route, when it is a `bouncer()` policy: its
   * authentication, rate limiter and body limit after the `routes` section.
   */
  policy?: EffectivePolicy;
}

/** Says whether a method and concrete path are public by design (e.g. `GET /health`). */
export type IsPublic = (method: string, path: string) => boolean;

export interface AuditOptions {
  /**
   * Routes the policy lets through on purpose; they are reported as public, not as leaks. When
   * absent, the audit asks the chain's middleware for an `isPublic(method, path)` property.
   * @default undefined
   */
  isPublic?: IsPublic;
  /**
   * The server the app listens on: its `'upgrade'` listeners (WebSockets) are reported too, as
   * `UPGRADE *`, unguarded unless `guardUpgrade(server, policy)` covers them.
   * @default undefined (not checked)
   */
  server?: UpgradeSource;
}

/** What an adapter attaches to the function it returns, so audits can find the bouncer in a stack. */
export interface BouncerMark {
  chain: Middleware<any>;
  options: unknown;
}

/** The fixed wording of each finding, so tests and tooling can match on it. */
export const REASONS = {
  before: 'registered before app.use(bouncer)',
  unguardedMount: 'mounted on an unguarded router/sub-app',
  public: 'excluded as public by the policy',
  none: 'no bouncer mounted',
  opaque: 'handled by a mounted app the audit cannot list',
} as const;

/** The reason for a route that a path-scoped bouncer does not cover. */
export function outsidePattern(pattern: string): string {
  return `outside the bouncer's path pattern ${pattern}`;
}
