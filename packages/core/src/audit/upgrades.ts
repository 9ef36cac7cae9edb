import type { RouteReport } from './types';

/**
 * Set on a Node server by `guardUpgrade()` (`@bouncer/node-http`): its `'upgrade'` listeners all run
 * behind the chain. `Symbol.for`, so two bundled copies of Bouncer still recognise each other.
 */
export const UPGRADE_GUARD: unique symbol = Symbol.for('bouncer.upgradeGuard') as never;

/** What the audit needs of a server: its `'upgrade'` listeners (a Node `http.Server` has them). */
export interface UpgradeSource {
  listeners(event: 'upgrade'): Function[];
}

/** The finding for an upgrade listener that runs without the bouncer. */
export const UPGRADE_UNGUARDED =
  'upgrade listener runs without the bouncer: call guardUpgrade(server, policy)';

/**
 * One report line per `'upgrade'` listener of `server` (a `ws` WebSocketServer attached with
 * `{ server }` adds one): guarded when `guardUpgrade` runs the chain in front of them. Node hands
 * upgrade requests to these listeners only, never to the app's routes, so an app whose every
 * route is guarded can still accept a WebSocket from a denied client.
 */
export function auditUpgrades(server: UpgradeSource | undefined): RouteReport[] {
  if (server === undefined || typeof server.listeners !== 'function') return [];
  const guarded = (server as unknown as Record<symbol, unknown>)[UPGRADE_GUARD] !== undefined;
  return server.listeners('upgrade').map((listener) => {
    const report: RouteReport = {
      method: 'UPGRADE',
      path: '*',
      guarded,
      source: `'upgrade' listener ${listener.name || '<anonymous>'}`,
    };
    if (!guarded) report.reason = UPGRADE_UNGUARDED;
    return report;
  });
}
