import { formatRouteReport, REASONS, UnguardedRoutesError } from '@bouncer/core/audit';
import { ROUTES_POLICY_REPORT, routesPolicy, testPolicy } from '@bouncer/test-kit';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { assertAllRoutesGuarded, auditRoutes, bouncer } from './index';
import { expectAllRoutesGuarded } from './testing';

const open = (app: Hono) => auditRoutes(app).filter((r) => !r.guarded && !r.public);

describe('auditRoutes (Hono)', () => {
  it("reports each route's effective policy after the policy's routes section", () => {
    const app = new Hono();
    app.use(bouncer(routesPolicy()));
    for (const [m, p] of [
      ['get', '/health'],
      ['post', '/login'],
      ['post', '/upload/:file'],
      ['get', '/feed'],
      ['post', '/orders'],
    ] as const)
      app[m](p, (c) => c.json({}));
    const report = auditRoutes(app);
    expect(report.map((r) => [`${r.method} ${r.path}`, r.policy])).toEqual(ROUTES_POLICY_REPORT);
    expect(report.filter((r) => r.public).map((r) => r.path)).toEqual(['/health', '/login', '/feed']);
    expect(formatRouteReport(report)).toContain('auth optional, rate default 100/60s, body 65536');
  });

  it('reports every route guarded when the bouncer is registered first', () => {
    const app = new Hono();
    app.use(bouncer(testPolicy()));
    app.get('/prices', (c) => c.json([]));
    app.get('/users/:id', (c) => c.json({}));
    app.post('/orders', (c) => c.json({}, 201));
    expect(auditRoutes(app).map((r) => `${r.method} ${r.path} ${r.guarded}`)).toEqual([
      'GET /prices true',
      'GET /users/:id true',
      'POST /orders true',
    ]);
  });

  it('flags a route registered before app.use(bouncer)', () => {
    const app = new Hono();
    app.get('/export', (c) => c.text('all customer data'));
    app.use(bouncer(testPolicy()));
    app.get('/prices', (c) => c.json([]));
    expect(open(app)).toEqual([
      { method: 'GET', path: '/export', guarded: false, reason: REASONS.before, source: 'app' },
    ]);
  });

  it('assertAllRoutesGuarded refuses at startup an app with a route before the bouncer', () => {
    const app = new Hono();
    app.get('/export', (c) => c.text('all customer data'));
    app.use(bouncer(testPolicy()));
    expect(() => assertAllRoutesGuarded(app)).toThrow(UnguardedRoutesError);
    expect(() => assertAllRoutesGuarded(app)).toThrow(/GET \/export — audit: registered before/);
    const guarded = new Hono();
    guarded.use(bouncer(testPolicy()));
    guarded.get('/export', (c) => c.text('x'));
    expect(assertAllRoutesGuarded(guarded)).toHaveLength(1);
  });

  it('flags routes outside the bouncer’s path pattern', () => {
    const app = new Hono();
    app.use('/api/*', bouncer(testPolicy()));
    app.get('/api/users/:id{[0-9]+}', (c) => c.json({}));
    app.get('/export', (c) => c.text('x'));
    expect(open(app).map((r) => [r.path, r.reason])).toEqual([
      ['/export', "outside the bouncer's path pattern /api/*"],
    ]);
  });

  it('sees sub-apps mounted with app.route(), with or without their own bouncer', () => {
    const guarded = new Hono();
    guarded.use(bouncer(testPolicy()));
    guarded.get('/me', (c) => c.json({}));
    const plain = new Hono();
    plain.get('/dump', (c) => c.text('x'));
    plain.onError((_e, c) => c.text('oops', 500)); // wraps the sub-app's handlers
    const app = new Hono();
    app.route('/account', guarded);
    app.route('/admin', plain);
    expect(auditRoutes(app).map((r) => [r.path, r.guarded, r.reason, r.source])).toEqual([
      ['/account/me', true, undefined, 'sub-app at /account'],
      ['/admin/dump', false, "outside the bouncer's path pattern /account/*", 'sub-app at /admin'],
    ]);
  });

  it('counts a bouncer among a route’s own handlers', () => {
    const app = new Hono();
    app.get('/one', bouncer(testPolicy()), (c) => c.text('1'));
    app.get('/two', (c) => c.text('2'));
    expect(auditRoutes(app).map((r) => [r.path, r.guarded])).toEqual([
      ['/one', true],
      ['/two', false],
    ]);
  });
});

describe('expectAllRoutesGuarded (Hono)', () => {
  it('passes on a guarded app with a public route', async () => {
    const app = new Hono();
    app.use(bouncer(testPolicy(['/health'])));
    app.get('/health', (c) => c.json({ ok: true }));
    app.get('/files/*', (c) => c.text('f'));
    app.put('/users/:id', (c) => c.json({}));
    expect(await expectAllRoutesGuarded(app)).toHaveLength(3);
  });

  it('finds the planted mistake by audit and by probe', async () => {
    const app = new Hono();
    app.get('/export', (c) => c.text('all customer data'));
    app.use(bouncer(testPolicy()));
    app.get('/prices', (c) => c.json([]));
    const error = (await expectAllRoutesGuarded(app).catch((e: unknown) => e)) as UnguardedRoutesError;
    expect(error).toBeInstanceOf(UnguardedRoutesError);
    expect(error.routes).toEqual([
      { method: 'GET', path: '/export', reason: REASONS.before, answer: '200 text/plain; charset=UTF-8' },
    ]);
  });
});
