import { type ExpectGuardedOptions, expectGuarded, type RouteReport } from '@bouncer/core/audit';
import { type AuditableRawServer, auditRoutes, type RawAuditOptions } from './audit';

export { UnguardedRoutesError } from '@bouncer/core/audit';
export type { ExpectGuardedOptions, RouteReport };

/** A raw server as `createServer()` returns it: auditable, and able to listen and close. */
export interface ServableRawServer extends AuditableRawServer {
  listen(port: number, host: string): Promise<{ port: number }>;
  close(options?: { deadline?: number }): Promise<void>;
}

/**
 * Test helper: audits the server's route table, then listens on 127.0.0.1 (port 0) and sends every
 * route a request the policy must reject (no credentials, plus `options.headers`). Throws an
 * `UnguardedRoutesError` naming each route the audit found open or that answered without the
 * bouncer's rejection. The server is closed afterwards.
 *
 * @example
 * await expectAllRoutesGuarded(createServer({ chain: policy, handler: router.handle }), { router });
 */
export async function expectAllRoutesGuarded(
  server: ServableRawServer,
  options: ExpectGuardedOptions & RawAuditOptions = {},
): Promise<readonly RouteReport[]> {
  return expectGuarded(
    auditRoutes(server, options),
    async () => {
      const { port } = await server.listen(0, '127.0.0.1');
      return { url: `http://127.0.0.1:${port}`, close: () => server.close({ deadline: 1000 }) };
    },
    options,
  );
}
