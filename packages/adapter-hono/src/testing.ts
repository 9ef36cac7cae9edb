import { createServer } from 'node:http';
import { type ExpectGuardedOptions, expectGuarded, type RouteReport } from '@bouncer/core/audit';
import { type LoopbackServer, listenLoopback } from '@bouncer/node-http';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { auditRoutes } from './audit';

export { UnguardedRoutesError } from '@bouncer/core/audit';
export type { ExpectGuardedOptions, RouteReport };

/**
 * Test helper: audits `app`'s routes, then serves `app.fetch` through @hono/node-server on
 * 127.0.0.1 (port 0) and sends every route a request the policy must reject (no credentials, plus
 * `options.headers`). Throws an `UnguardedRoutesError` naming each route the audit found open or
 * that answered without the bouncer's rejection.
 *
 * @example
 * await expectAllRoutesGuarded(createApp(), { isPublic: (m, p) => p === '/health' });
 */
export async function expectAllRoutesGuarded(
  app: Hono<any, any, any>,
  options: ExpectGuardedOptions = {},
): Promise<readonly RouteReport[]> {
  return expectGuarded(auditRoutes(app, options), () => serve(app), options);
}

function serve(app: Hono<any, any, any>): Promise<LoopbackServer> {
  return listenLoopback(createServer(getRequestListener(app.fetch)));
}
