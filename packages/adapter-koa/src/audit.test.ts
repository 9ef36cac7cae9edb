import { formatRouteReport, REASONS, UnguardedRoutesError } from '@bouncer/core/audit';
import { ROUTES_POLICY_REPORT, routesPolicy, testPolicy } from '@bouncer/test-kit';
import Router from '@koa/router';
import Koa from 'koa';
import { describe, expect, it, vi } from 'vitest';
import { assertAllRoutesGuarded, auditRoutes, bouncer } from './index';
import { expectAllRoutesGuarded } from './testing';

const ok = (ctx: Koa.Context) => {
  ctx.body = { ok: true };
};
const open = (app: Koa) => auditRoutes(app).filter((r) => !r.guarded && !r.public);

describe('auditRoutes (Koa + @koa/router)', () => {
  it("reports each route's effective policy after the policy's routes section", () => {
    const app = new Koa();
    app.use(bouncer(routesPolicy()));
    const router = new Router();
    router
      .get('/health', ok)
      .post('/login', ok)
      .post('/upload/:file', ok)
      .get('/feed', ok)
      .post('/orders', ok);
    app.use(router.routes());
    const report = auditRoutes(app);
    expect(report.map((r) => [`${r.method} ${r.path}`, r.policy])).toEqual(ROUTES_POLICY_REPORT);
    expect(report.filter((r) => r.public).map((r) => r.path)).toEqual(['/health', '/login', '/feed']);
    expect(formatRouteReport(report)).toContain('auth optional, rate default 100/60s, body 65536');
  });

  it('reports every route guarded when the bouncer comes before router.routes()', () => {
    const app = new Koa();
    app.use(bouncer(testPolicy()));
    const router = new Router();
    router.get('/prices', ok).get('/users/:id', ok).post('/orders', ok);
    app.use(router.routes());
    app.use(router.allowedMethods());
    expect(auditRoutes(app).map((r) => `${r.method} ${r.path} ${r.guarded}`)).toEqual([
      'GET /prices true',
      'GET /users/:id true',
      'POST /orders true',
    ]);
  });

  it('flags the routes of a router mounted before app.use(bouncer)', () => {
    const app = new Koa();
    const early = new Router();
    early.get('/export', ok);
    app.use(early.routes());
    app.use(bouncer(testPolicy()));
    const late = new Router();
    late.get('/prices', ok);
    app.use(late.routes());
    expect(open(app)).toEqual([
      { method: 'GET', path: '/export', guarded: false, reason: REASONS.before, source: 'router' },
    ]);
  });

  it('assertAllRoutesGuarded refuses at startup an app with a router mounted before the bouncer', () => {
    const app = new Koa();
    const early = new Router();
    early.get('/export', ok);
    app.use(early.routes());
    app.use(bouncer(testPolicy()));
    expect(() => assertAllRoutesGuarded(app)).toThrow(UnguardedRoutesError);
    expect(() => assertAllRoutesGuarded(app)).toThrow(/GET \/export — audit: registered before/);
    const guarded = new Koa();
    guarded.use(bouncer(testPolicy()));
    guarded.use(early.routes());
    expect(assertAllRoutesGuarded(guarded)).toHaveLength(1);
  });

  it('follows prefixes and nested routers, and router-level bouncers with a path', () => {
    const app = new Koa();
    const users = new Router();
    users.get('/:id', ok);
    const api = new Router({ prefix: '/api' });
    api.use('/admin', bouncer(testPolicy()));
    api.get('/admin/stats', ok);
    api.use('/users', users.routes());
    app.use(api.routes());
    const report = auditRoutes(app);
    expect(report.map((r) => [r.method, r.path, r.guarded, r.reason])).toEqual([
      ['GET', '/api/admin/stats', true, undefined],
      ['GET', '/api/users/:id', false, "outside the bouncer's path pattern /api/admin"],
    ]);
  });

  it('tells a router without a bouncer from one with its own', () => {
    const app = new Koa();
    const guarded = new Router();
    guarded.use(bouncer(testPolicy()));
    guarded.get('/me', ok);
    const other = new Router();
    other.get('/report', ok);
    app.use(guarded.routes());
    app.use(other.routes());
    expect(auditRoutes(app).map((r) => [r.path, r.guarded, r.reason])).toEqual([
      ['/me', true, undefined],
      ['/report', false, REASONS.unguardedMount],
    ]);
  });

  it('counts a bouncer among a route’s own handlers', () => {
    const app = new Koa();
    const router = new Router();
    router.get('/one', bouncer(testPolicy()), ok);
    router.get('/two', ok);
    app.use(router.routes());
    expect(auditRoutes(app).map((r) => [r.path, r.guarded])).toEqual([
      ['/one', true],
      ['/two', false],
    ]);
  });
});

describe('expectAllRoutesGuarded (Koa)', () => {
  it('passes on a guarded app with a public route', async () => {
    const app = new Koa();
    app.use(bouncer(testPolicy(['/health'])));
    const router = new Router();
    router.get('/health', ok).get('/files/*path', ok).delete('/users/:id', ok);
    app.use(router.routes());
    expect(await expectAllRoutesGuarded(app)).toHaveLength(3);
  });

  it('finds the planted mistake by audit and by probe', async () => {
    const app = new Koa();
    const early = new Router();
    early.get('/export', (ctx) => {
      ctx.body = 'all customer data';
    });
    app.use(early.routes());
    app.use(bouncer(testPolicy()));
    const router = new Router();
    router.get('/prices', ok);
    app.use(router.routes());
    const error = (await expectAllRoutesGuarded(app).catch((e: unknown) => e)) as UnguardedRoutesError;
    expect(error).toBeInstanceOf(UnguardedRoutesError);
    expect(error.routes).toEqual([
      { method: 'GET', path: '/export', reason: REASONS.before, answer: '200 text/plain; charset=utf-8' },
    ]);
  });

  it("'throw' at startup answers 500 and reports through app.emit('error')", async () => {
    const app = new Koa();
    const errors: unknown[] = [];
    app.on('error', (e) => errors.push(e));
    const early = new Router();
    early.get('/export', ok);
    app.use(early.routes());
    app.use(bouncer(testPolicy(), { audit: 'throw' }));
    const { createServer } = await import('node:http');
    const server = createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/prices`);
      expect(res.status).toBe(500);
    } finally {
      server.close();
      server.closeAllConnections();
    }
    expect(errors.map((e) => (e as UnguardedRoutesError).routes.map((r) => r.path))).toEqual([['/export']]);
  });

  it("'warn' at startup logs and serves", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const app = new Koa();
    const early = new Router();
    early.get('/export', ok);
    app.use(early.routes());
    app.use(bouncer(testPolicy(), { audit: 'warn' }));
    const { createServer } = await import('node:http');
    const server = createServer(app.callback()).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/prices`);
      expect(res.status).toBe(401);
      expect(String(warn.mock.calls[0]?.[0])).toContain(
        'GET /export — audit: registered before app.use(bouncer)',
      );
    } finally {
      server.close();
      server.closeAllConnections();
      warn.mockRestore();
    }
  });
});
