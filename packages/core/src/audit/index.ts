// Route audit: finds routes a bouncer does not cover, statically (each adapter walks its
// framework's route table) and over a socket (probe.ts). Portable: global fetch only.
export { type ChainDescription, describeChain, publicTest } from './describe-chain';
export {
  type ExpectGuardedOptions,
  expectGuarded,
  type RunningServer,
  type UnguardedRoute,
  UnguardedRoutesError,
} from './expect';
export { joinPath, PROBE_SEGMENT, probePath } from './fill-path';
export { formatRouteReport, isLeak } from './format';
export { effectivePolicy, type FoundGuard, type FoundRoute, judgeRoute, judgeRoutes } from './judge';
export { BOUNCER_MARK, markBouncer, readMark } from './mark';
export { type ProbeOptions, type ProbeResult, probeRoutes } from './probe';
export { type AuditMode, assertGuarded, auditOnce } from './startup';
export {
  type AuditOptions,
  type BouncerMark,
  type IsPublic,
  outsidePattern,
  REASONS,
  type RouteReport,
} from './types';
export { auditUpgrades, UPGRADE_GUARD, UPGRADE_UNGUARDED, type UpgradeSource } from './upgrades';
