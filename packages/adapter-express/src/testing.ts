import { createServer } from 'node:http';
import { type ExpectGuardedOptions, expectGuarded, type RouteReport } from '@bouncer/core/audit';
import { type LoopbackServer, listenLoopback } from '@bouncer/node-http';
import type { Express } from 'express';
import { auditRoutes } from './audit';

export { UnguardedRoutesError } from '@bouncer/core/audit';
export type { ExpectGuardedOptions, RouteReport };

/**
 * Test helper: audits `app`'s routes, then serves it on 127.0.0.1 (port 0) and sends every route a
 * request the policy must reject (no credentials, plus `options.headers`). Throws an
 * `UnguardedRoutesError` naming each route that the audit found open or that answered without the
 * bouncer's rejection (status in `options.statuses` with its problem+json body).
 *
 * @example
 * await expectAllRoutesGuarded(createApp(), { isPublic: (m, p) => p === '/health' });
 */
export async function expectAllRoutesGuarded(
  app: Express,
  options: ExpectGuardedOptions = {},
): Promise<readonly RouteReport[]> {
  return expectGuarded(auditRoutes(app, options), () => serve(app), options);
}

function serve(app: Express): Promise<LoopbackServer> {
  return listenLoopback(createServer(app));
}
