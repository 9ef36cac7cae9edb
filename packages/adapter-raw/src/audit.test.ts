import { formatRouteReport, REASONS, UnguardedRoutesError } from '@bouncer/core/audit';
import { ROUTES_POLICY_REPORT, routesPolicy, testPolicy } from '@bouncer/test-kit';
import { describe, expect, it } from 'vitest';
import { auditRoutes } from './audit';
import { createServer, Router } from './index';
import { expectAllRoutesGuarded } from './testing';

function routes() {
  const router = new Router();
  router.get('/health', (_req, res) => res.json({ ok: true }));
  router.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
  router.post('/orders', (_req, res) => res.json({}, 201));
  return router;
}

describe('auditRoutes (raw server)', () => {
  it("reports each route's effective policy after the policy's routes section", () => {
    const router = new Router();
    router.get('/health', (_req, res) => res.json({}));
    router.post('/login', (_req, res) => res.json({}));
    router.post('/upload/:file', (_req, res) => res.json({}));
    router.get('/feed', (_req, res) => res.json({}));
    router.post('/orders', (_req, res) => res.json({}));
    const server = createServer({ chain: routesPolicy(), handler: router.handle });
    const report = auditRoutes(server, { router });
    expect(report.map((r) => [`${r.method} ${r.path}`, r.policy])).toEqual(ROUTES_POLICY_REPORT);
    expect(report.filter((r) => r.public).map((r) => r.path)).toEqual(['/health', '/login', '/feed']);
    expect(formatRouteReport(report)).toContain('auth optional, rate default 100/60s, body 65536');
  });

  it('reports every route guarded when the server runs a chain', () => {
    const router = routes();
    const server = createServer({ chain: testPolicy(['/health']), handler: router.handle });
    expect(auditRoutes(server, { router }).map((r) => [r.method, r.path, r.guarded, r.reason])).toEqual([
      ['GET', '/health', false, REASONS.public],
      ['GET', '/users/:id', true, undefined],
      ['POST', '/orders', true, undefined],
    ]);
  });

  it('flags every route of a server started without the chain', () => {
    const router = new Router();
    router.get('/export', (_req, res) => res.json({ data: 'all customer data' }));
    const server = createServer({ handler: router.handle });
    expect(auditRoutes(server, { router })).toEqual([
      {
        method: 'GET',
        path: '/export',
        guarded: false,
        reason: REASONS.none,
        source: 'server without a chain',
      },
    ]);
  });
});

describe('expectAllRoutesGuarded (raw server)', () => {
  it('passes when the chain guards every route', async () => {
    const router = routes();
    const server = createServer({ chain: testPolicy(['/health']), handler: router.handle });
    expect(await expectAllRoutesGuarded(server, { router })).toHaveLength(3);
  });

  it('finds the planted mistake — an internal server without the chain — by audit and by probe', async () => {
    const router = new Router();
    router.get('/export', (_req, res) => res.json({ data: 'all customer data' }));
    const server = createServer({ handler: router.handle });
    const error = (await expectAllRoutesGuarded(server, { router }).catch(
      (e: unknown) => e,
    )) as UnguardedRoutesError;
    expect(error).toBeInstanceOf(UnguardedRoutesError);
    expect(error.routes.map((r) => [r.method, r.path, r.reason, r.answer?.split(' ')[0]])).toEqual([
      ['GET', '/export', REASONS.none, '200'],
    ]);
  });
});
