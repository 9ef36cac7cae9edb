import { formatRouteReport, REASONS, UnguardedRoutesError } from '@bouncer/core/audit';
import { ROUTES_POLICY_REPORT, routesPolicy, testPolicy } from '@bouncer/test-kit';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditRoutes, bouncer } from './index';
import { expectAllRoutesGuarded } from './testing';

const ok = (_req: express.Request, res: express.Response) => {
  res.json({ ok: true });
};
const open = (app: express.Express) => auditRoutes(app).filter((r) => !r.guarded && !r.public);

describe('auditRoutes (Express)', () => {
  it("reports each route's effective policy after the policy's routes section", () => {
    const app = express();
    app.use(bouncer(routesPolicy()));
    app.get('/health', ok);
    app.post('/login', ok);
    app.post('/upload/:file', ok);
    app.get('/feed', ok);
    app.post('/orders', ok);
    const report = auditRoutes(app);
    expect(report.map((r) => [`${r.method} ${r.path}`, r.policy])).toEqual(ROUTES_POLICY_REPORT);
    expect(report.filter((r) => r.public).map((r) => r.path)).toEqual(['/health', '/login', '/feed']);
    expect(formatRouteReport(report)).toContain('auth optional, rate default 100/60s, body 65536');
  });

  it('reports every route guarded when the bouncer is mounted first', () => {
    const app = express();
    app.use(bouncer(testPolicy()));
    app.get('/prices', ok);
    app.get('/users/:id', ok);
    app.post('/orders', ok);
    const report = auditRoutes(app);
    expect(report.map((r) => `${r.method} ${r.path} ${r.guarded}`)).toEqual([
      'GET /prices true',
      'GET /users/:id true',
      'POST /orders true',
    ]);
  });

  it('flags a route registered before app.use(bouncer)', () => {
    const app = express();
    app.get('/export', ok);
    app.use(bouncer(testPolicy()));
    app.get('/prices', ok);
    expect(open(app)).toEqual([
      { method: 'GET', path: '/export', guarded: false, reason: REASONS.before, source: 'app' },
    ]);
  });

  it('flags routes outside a path-scoped bouncer, naming its pattern', () => {
    const app = express();
    app.use('/api', bouncer(testPolicy()));
    app.get('/api/users/:id', ok);
    app.get('/export', ok);
    app.get('/apiary', ok);
    expect(open(app).map((r) => [r.path, r.reason])).toEqual([
      ['/export', "outside the bouncer's path pattern /api"],
      ['/apiary', "outside the bouncer's path pattern /api"],
    ]);
  });

  it('follows nested routers and their mount paths', () => {
    const app = express();
    const guarded = express.Router();
    guarded.use(bouncer(testPolicy()));
    guarded.get('/me', ok);
    const inner = express.Router();
    inner.get('/:id', ok);
    const admin = express.Router();
    admin.use('/users', inner);
    app.use('/account', guarded);
    app.use('/admin', admin);
    const report = auditRoutes(app);
    expect(report.map((r) => [r.method, r.path, r.guarded, r.reason])).toEqual([
      ['GET', '/account/me', true, undefined],
      ['GET', '/admin/users/:id', false, REASONS.unguardedMount],
    ]);
  });

  it('sees into mounted sub-apps without running them', () => {
    const sub = express();
    const seen = vi.fn();
    sub.use(seen);
    sub.get('/report', ok);
    const early = express();
    early.get('/dump', ok);
    const app = express();
    app.use('/early', early);
    app.use(bouncer(testPolicy()));
    app.use('/reports', sub);
    const report = auditRoutes(app);
    expect(report.map((r) => [r.path, r.guarded, r.reason])).toEqual([
      ['/early/dump', false, REASONS.before],
      ['/reports/report', true, undefined],
    ]);
    expect(seen).not.toHaveBeenCalled();
  });

  it('counts a bouncer among a route’s own handlers', () => {
    const app = express();
    app.get('/one', bouncer(testPolicy()), ok);
    app.get('/two', ok);
    expect(auditRoutes(app).map((r) => [r.path, r.guarded])).toEqual([
      ['/one', true],
      ['/two', false],
    ]);
  });

  it('reports public routes as public, from the option or from the chain', () => {
    const app = express();
    app.use(bouncer(testPolicy(['/health'])));
    app.get('/health', ok);
    app.get('/prices', ok);
    expect(auditRoutes(app).map((r) => [r.path, r.public === true, r.reason])).toEqual([
      ['/health', true, REASONS.public],
      ['/prices', false, undefined],
    ]);
    const byOption = auditRoutes(app, { isPublic: (_m, p) => p === '/prices' });
    expect(byOption.filter((r) => r.public).map((r) => r.path)).toEqual(['/prices']);
  });

  it('says so when no bouncer is mounted at all', () => {
    const app = express();
    app.get('/x', ok);
    expect(open(app)[0].reason).toBe(REASONS.none);
  });
});

describe('expectAllRoutesGuarded (Express)', () => {
  it('passes on a guarded app with a public route', async () => {
    const app = express();
    app.use(bouncer(testPolicy(['/health'])));
    app.get('/health', ok);
    app.get('/files/*path', ok);
    app.put('/users/:id', ok);
    const report = await expectAllRoutesGuarded(app);
    expect(report).toHaveLength(3);
  });

  it('names the open route found by both the audit and the probe', async () => {
    const app = express();
    app.get('/export', ok);
    app.use(bouncer(testPolicy()));
    app.get('/prices', ok);
    const error = await expectAllRoutesGuarded(app).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnguardedRoutesError);
    expect((error as UnguardedRoutesError).routes).toEqual([
      {
        method: 'GET',
        path: '/export',
        reason: REASONS.before,
        answer: '200 application/json; charset=utf-8',
      },
    ]);
  });

  it('catches what static inspection misses: a middleware answering before the bouncer', async () => {
    const app = express();
    app.use('/prices', (_req, res) => {
      res.json(['leaked']);
    });
    app.use(bouncer(testPolicy()));
    app.get('/prices', ok);
    expect(open(app)).toEqual([]);
    const error = (await expectAllRoutesGuarded(app).catch((e: unknown) => e)) as UnguardedRoutesError;
    expect(error.routes.map((r) => [r.path, r.reason, r.answer?.split(' ')[0]])).toEqual([
      ['/prices', undefined, '200'],
    ]);
  });

  it('accepts other rejection statuses and extra headers', async () => {
    const deny = testPolicy();
    const app = express();
    app.use(bouncer(deny));
    app.get('/x', ok);
    await expect(expectAllRoutesGuarded(app, { statuses: [403] })).rejects.toThrow('GET /x');
    await expect(expectAllRoutesGuarded(app, { headers: { authorization: 'Bearer x' } })).rejects.toThrow(
      'probe: answered 200',
    );
  });
});

describe('bouncer(chain, { audit })', () => {
  afterEach(() => vi.restoreAllMocks());

  it("'throw' reports the leak once and answers 500 instead of serving", async () => {
    const errors: unknown[] = [];
    const app = express();
    app.get('/export', ok);
    app.use(bouncer(testPolicy(), { audit: 'throw', onError: (e) => errors.push(e) }));
    app.get('/prices', ok);
    const { createServer } = await import('node:http');
    const server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${url}/prices`, { headers: { authorization: 'x' } })).status).toBe(500);
      expect((await fetch(`${url}/prices`, { headers: { authorization: 'x' } })).status).toBe(500);
    } finally {
      server.close();
      server.closeAllConnections();
    }
    expect(errors).toHaveLength(1);
    expect((errors[0] as UnguardedRoutesError).routes.map((r) => r.path)).toEqual(['/export']);
  });

  it("'warn' logs the table and keeps serving", async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const app = express();
    app.get('/export', ok);
    app.use(bouncer(testPolicy(), { audit: 'warn' }));
    app.get('/prices', ok);
    const { createServer } = await import('node:http');
    const server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/prices`, {
        headers: { authorization: 'x' },
      });
      expect(res.status).toBe(200);
    } finally {
      server.close();
      server.closeAllConnections();
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain(
      'GET /export — audit: registered before app.use(bouncer)',
    );
  });

  it('rejects an unknown audit mode when the factory runs', () => {
    expect(() => bouncer(testPolicy(), { audit: 'log' as never })).toThrow(
      "option `audit` must be 'warn' or 'throw'",
    );
  });
});
