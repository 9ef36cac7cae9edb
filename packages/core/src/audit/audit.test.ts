import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Middleware } from '../types';
import { describeChain, publicTest } from './describe-chain';
import { expectGuarded, UnguardedRoutesError } from './expect';
import { joinPath, probePath } from './fill-path';
import { formatRouteReport, isLeak } from './format';
import { effectivePolicy, type FoundGuard, type FoundRoute, judgeRoute, judgeRoutes } from './judge';
import { BOUNCER_MARK, markBouncer, readMark } from './mark';
import { probeRoutes } from './probe';
import { assertGuarded, auditOnce } from './startup';
import { outsidePattern, REASONS, type RouteReport } from './types';
import { auditUpgrades, UPGRADE_GUARD, UPGRADE_UNGUARDED } from './upgrades';

// The route audit's adapter-independent half: describing chains, judging routes, the report,
// the probe (over a stubbed fetch) and the startup checks.

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const named = (name: string, extra: Record<string, unknown> = {}): Middleware =>
  Object.assign({ [name]: (_c: unknown, next: () => Promise<void>) => next() }[name] as Middleware, extra);

describe('describeChain and publicTest', () => {
  it('names the parts of a composed chain, or the function itself', () => {
    const anonymous = [(_c: unknown, n: () => Promise<void>) => n()][0] as Middleware;
    const chain = Object.assign(named('chain'), { middleware: [named('a'), anonymous] });
    expect(describeChain(chain).names).toEqual(['a', '<anonymous>']);
    expect(describeChain(named('solo')).names).toEqual(['solo']);
    expect(describeChain(named('solo')).isPublic).toBeUndefined();
  });

  it('counts a route public only when every authenticating layer lets it pass', () => {
    const health = named('jwt', { isPublic: (_m: string, p: string) => p === '/health' || p === '/docs' });
    const docsOnly = named('other', { isPublic: (_m: string, p: string) => p === '/docs' });
    const chain = Object.assign(named('chain'), { middleware: [health, docsOnly] });
    const test = describeChain(chain).isPublic!;
    expect([test('GET', '/docs'), test('GET', '/health'), test('GET', '/x')]).toEqual([true, false, false]);
    const truthy = named('loose', { isPublic: () => 'yes' });
    expect(describeChain(truthy).isPublic!('GET', '/')).toBe(false);
    expect(describeChain(named('flag', { isPublic: true })).isPublic).toBeUndefined();
  });

  it('prefers the option, then the first chain that has a test, else nothing is public', () => {
    const option = () => true;
    expect(publicTest(option, [])).toBe(option);
    const a = named('a');
    const b = named('b', { isPublic: (_m: string, p: string) => p === '/b' });
    expect(publicTest(undefined, [a, b])('GET', '/b')).toBe(true);
    expect(publicTest(undefined, [a])('GET', '/b')).toBe(false);
  });
});

describe('probePath and joinPath: more shapes', () => {
  it.each([
    ['/n/:id(\\d+)', '/n/1'],
    ['/f/:name{.+\\.json}', '/f/audit-probe.json'],
    ['/w/:word([a-z]+)', '/w/a'],
    ['/z/:n{0}', '/z/0'],
    ['/a//b/:id', '/a/b/audit-probe'],
    ['users/:id', '/users/audit-probe'],
    ['/p/:id+', '/p/audit-probe'],
  ])('fills %s as %s', (pattern, path) => {
    expect(probePath(pattern)).toBe(path);
  });

  it('gives up on a constraint that is not a regular expression', () => {
    expect(probePath('/x/:id([)')).toBeUndefined();
  });

  it('joins every combination of slashes', () => {
    expect(joinPath('/', '')).toBe('/');
    expect(joinPath('/', '/a')).toBe('/a');
    expect(joinPath('/api', '')).toBe('/api');
    expect(joinPath('/api//', '//users')).toBe('/api/users');
  });
});

describe('formatRouteReport', () => {
  it('adds the policy column only when a policy described its routes', () => {
    const text = formatRouteReport([
      {
        method: 'GET',
        path: '/a',
        guarded: true,
        policy: { auth: 'required', rateLimit: 'default 5/60s', bodyLimit: 1024 },
      },
      {
        method: 'POST',
        path: '/b',
        guarded: true,
        policy: { auth: 'none', rateLimit: 'off', bodyLimit: undefined },
      },
      { method: 'GET', path: '/leak', guarded: false, reason: 'x', source: 'app' },
      { method: 'GET', path: '/src', guarded: true, source: 'router' },
    ]);
    expect(text.split('\n')).toEqual([
      'METHOD  PATH   GUARDED  POLICY                                        REASON',
      'GET     /leak  NO                                                     x (app)',
      'GET     /a     yes      auth required, rate default 5/60s, body 1024',
      'POST    /b     yes      auth none, rate off, body off',
      'GET     /src   yes                                                    (router)',
      '4 route(s), 1 unguarded',
    ]);
  });

  it('tells a leak from a public or guarded route', () => {
    expect(isLeak({ method: 'GET', path: '/', guarded: false })).toBe(true);
    expect(isLeak({ method: 'GET', path: '/', guarded: false, public: true })).toBe(false);
    expect(isLeak({ method: 'GET', path: '/', guarded: true })).toBe(false);
  });
});

describe('judgeRoute', () => {
  const guard = (
    seq: number,
    covers = (_p: string) => true,
    pattern = '/*',
    chain: Middleware = named('g'),
  ): FoundGuard => ({
    seq,
    scope: [0],
    pattern,
    chain,
    covers,
  });
  const route = (over: Partial<FoundRoute> = {}): FoundRoute => ({
    seq: 5,
    scope: [0, 1],
    method: 'GET',
    path: '/users/:id',
    filled: '/users/audit-probe',
    ownGuard: false,
    source: 'router',
    ...over,
  });
  const never = () => false;

  it('guards a route a covering bouncer in scope runs before', () => {
    expect(judgeRoute(route(), [guard(1)], never)).toEqual({
      method: 'GET',
      path: '/users/:id',
      guarded: true,
      source: 'router',
    });
  });

  it('names the most specific mistake', () => {
    expect(judgeRoute(route(), [guard(9)], never).reason).toBe(REASONS.before);
    expect(
      judgeRoute(
        route(),
        [guard(1, never, '/admin/*'), guard(2, never, '/admin/*'), guard(3, never, '/api')],
        never,
      ).reason,
    ).toBe(outsidePattern('/admin/*, /api'));
    expect(judgeRoute(route(), [{ ...guard(1), scope: [0, 2] }], never).reason).toBe(REASONS.unguardedMount);
    expect(judgeRoute(route(), [], never).reason).toBe(REASONS.none);
    expect(judgeRoute(route({ scope: [0] }), [{ ...guard(1), scope: [0, 1] }], never).reason).toBe(
      REASONS.unguardedMount,
    );
  });

  it('asks the public test with the filled path, ALL as GET, and reports a public route unguarded on purpose', () => {
    const asked: string[] = [];
    const isPublic = (m: string, p: string) => {
      asked.push(`${m} ${p}`);
      return true;
    };
    const r = judgeRoute(route({ method: 'ALL' }), [guard(1)], isPublic);
    expect(r).toMatchObject({ guarded: false, public: true, reason: REASONS.public });
    expect(asked).toEqual(['GET /users/audit-probe']);
    expect(judgeRoute(route({ filled: undefined }), [guard(1)], isPublic).public).toBeUndefined();
    expect(judgeRoute(route({ ownGuard: true }), [], never).guarded).toBe(true);
  });

  it('covers the filled path, or the pattern when it cannot be filled', () => {
    const seen: string[] = [];
    judgeRoute(route(), [guard(1, (p) => Boolean(seen.push(p)))], never);
    judgeRoute(route({ filled: undefined, path: '/re' }), [guard(1, (p) => Boolean(seen.push(p)))], never);
    expect(seen).toEqual(['/users/audit-probe', '/re']);
  });

  it('reports the effective policy of the guarding bouncer', () => {
    const describeRoute = (m: string, p: string) => ({
      auth: 'required',
      rateLimit: `${m} ${p}`,
      bodyLimit: 1,
    });
    const chain = Object.assign(named('policy'), { describeRoute });
    expect(judgeRoute(route({ method: 'USE' }), [guard(1, undefined, '/*', chain)], never).policy).toEqual({
      auth: 'required',
      rateLimit: 'GET /users/audit-probe',
      bodyLimit: 1,
    });
    expect(
      judgeRoute(route({ filled: undefined }), [guard(1, undefined, '/*', chain)], never).policy,
    ).toBeUndefined();
    expect(effectivePolicy(named('plain'), 'GET', '/')).toBeUndefined();
    expect(effectivePolicy(chain, 'POST', '/x')).toMatchObject({ rateLimit: 'POST /x' });
    expect(effectivePolicy(chain, 'ALL', '/x')).toMatchObject({ rateLimit: 'GET /x' });
  });

  it('judges a whole app, its upgrade listeners last, public as the guards say', () => {
    const jwt = Object.assign(named('jwt'), { isPublic: (_m: string, p: string) => p === '/health' });
    const reports = judgeRoutes(
      [route({ path: '/health', filled: '/health' }), route()],
      [guard(1, undefined, '/*', jwt)],
      { server: { listeners: () => [function ws() {}] } },
    );
    expect(reports.map((r) => [r.method, r.path, r.guarded, r.public, r.reason])).toEqual([
      ['GET', '/health', false, true, REASONS.public],
      ['GET', '/users/:id', true, undefined, undefined],
      ['UPGRADE', '*', false, undefined, UPGRADE_UNGUARDED],
    ]);
  });
});

describe('marks and upgrades', () => {
  it('hangs a frozen, non-enumerable mark on the adapter’s function and reads it back', () => {
    const fn = () => {};
    const chain = named('c');
    markBouncer(fn, { chain, options: { a: 1 } });
    expect(readMark(fn)).toEqual({ chain, options: { a: 1 } });
    expect(Object.isFrozen(readMark(fn))).toBe(true);
    expect(Object.getOwnPropertyDescriptor(fn, BOUNCER_MARK)?.enumerable).toBe(false);
    expect(readMark(() => {})).toBeUndefined();
    expect(readMark({ [BOUNCER_MARK]: { chain } })).toBeUndefined();
  });

  it('reports each upgrade listener, guarded when guardUpgrade marked the server', () => {
    const listeners = [function ws() {}, [() => {}][0]];
    expect(auditUpgrades({ listeners: () => listeners })).toEqual([
      {
        method: 'UPGRADE',
        path: '*',
        guarded: false,
        source: "'upgrade' listener ws",
        reason: UPGRADE_UNGUARDED,
      },
      {
        method: 'UPGRADE',
        path: '*',
        guarded: false,
        source: "'upgrade' listener <anonymous>",
        reason: UPGRADE_UNGUARDED,
      },
    ]);
    const guarded = Object.assign({ listeners: () => [listeners[0]] }, { [UPGRADE_GUARD]: named('c') });
    expect(auditUpgrades(guarded)).toEqual([
      { method: 'UPGRADE', path: '*', guarded: true, source: "'upgrade' listener ws" },
    ]);
    expect(auditUpgrades(undefined)).toEqual([]);
    expect(auditUpgrades({} as never)).toEqual([]);
  });
});

describe('startup checks', () => {
  const leak: RouteReport = { method: 'GET', path: '/export', guarded: false, reason: REASONS.before };
  const ok: RouteReport = { method: 'GET', path: '/a', guarded: true };

  it('assertGuarded throws naming every leak, and passes a guarded report through', () => {
    expect(assertGuarded([ok])).toEqual([ok]);
    try {
      assertGuarded([ok, leak]);
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(UnguardedRoutesError);
      const e = error as UnguardedRoutesError;
      expect(e.name).toBe('UnguardedRoutesError');
      expect(e.routes).toEqual([{ method: 'GET', path: '/export', reason: REASONS.before }]);
      expect(e.message.split('\n').slice(0, 2)).toEqual([
        '1 route(s) answer without the bouncer:',
        `  GET /export — audit: ${REASONS.before}`,
      ]);
    }
  });

  it('auditOnce warns once and lets traffic through in warn mode', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    let audits = 0;
    const check = auditOnce<null>('warn', () => {
      audits++;
      return [ok, leak];
    });
    const reported: Error[] = [];
    expect(check(null, (e) => reported.push(e))).toBe(true);
    expect(check(null, (e) => reported.push(e))).toBe(true);
    expect(audits).toBe(1);
    expect(reported).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0][0])).toContain(
      'call assertAllRoutesGuarded(app) before listen() to refuse to start',
    );
  });

  it('auditOnce reports and refuses from then on in throw mode, and passes a guarded app', () => {
    const reported: Error[] = [];
    const check = auditOnce<null>('throw', () => [leak]);
    expect(check(null, (e) => reported.push(e))).toBe(false);
    expect(check(null, (e) => reported.push(e))).toBe(false);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(UnguardedRoutesError);
    expect(auditOnce<null>('throw', () => [ok])(null, () => {})).toBe(true);
  });

  it('auditOnce reports an audit that throws and serves on', () => {
    const error = new Error('cannot walk');
    const reported: Error[] = [];
    const check = auditOnce<null>('throw', () => {
      throw error;
    });
    expect(check(null, (e) => reported.push(e))).toBe(true);
    expect(reported).toEqual([error]);
    expect(() => auditOnce('loud' as never, () => [])).toThrow(
      `bouncer: option \`audit\` must be 'warn' or 'throw', got "loud"`,
    );
  });
});

describe('probeRoutes and expectGuarded (stubbed fetch)', () => {
  const problem = (status: number, extra: Record<string, string> = {}) =>
    new Response(JSON.stringify({ status }), {
      status,
      headers: { 'content-type': 'application/problem+json', ...extra },
    });

  function stubFetch(answer: (method: string, path: string) => Response) {
    const calls: string[] = [];
    vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
      calls.push(`${init.method} ${url.pathname}`);
      expect(init.redirect).toBe('manual');
      return answer(init.method ?? 'GET', url.pathname);
    });
    return calls;
  }

  it('sends one request per method and filled path, ALL as GET, skipping unfillable routes', async () => {
    const calls = stubFetch(() => problem(401));
    const results = await probeRoutes('http://app.test', [
      { method: 'ALL', path: '/a/:id', guarded: true },
      { method: 'GET', path: '/a/:id', guarded: true },
      { method: 'USE', path: '/b', guarded: true },
      { method: 'POST', path: '/a/:id', guarded: true },
      { method: 'GET', path: /re/ as never, guarded: true },
    ]);
    expect(calls).toEqual(['GET /a/audit-probe', 'GET /b', 'POST /a/audit-probe']);
    expect(results[0]).toEqual({
      method: 'GET',
      path: '/a/:id',
      url: '/a/audit-probe',
      status: 401,
      rejected: true,
      answer: '401 application/problem+json',
    });
  });

  it('counts an answer as the bouncer’s only with a problem body of its status, or the signature header', async () => {
    const answers: Record<string, () => Response> = {
      '/problem': () => problem(403),
      '/other-status': () =>
        new Response(JSON.stringify({ status: 401 }), {
          status: 403,
          headers: { 'content-type': 'application/problem+json' },
        }),
      '/not-json': () =>
        new Response('nope', { status: 401, headers: { 'content-type': 'application/problem+json' } }),
      '/string-status': () =>
        new Response(JSON.stringify({ status: '401' }), {
          status: 401,
          headers: { 'content-type': 'application/problem+json' },
        }),
      '/html': () => new Response('<p>no</p>', { status: 401, headers: { 'content-type': 'text/html' } }),
      '/suffix': () =>
        new Response(JSON.stringify({ status: 401 }), {
          status: 401,
          headers: { 'content-type': 'text/x-application/problem+json' },
        }),
      '/signed': () => new Response('', { status: 401, headers: { 'x-request-id': '1' } }),
      '/ok': () => new Response('fine', { status: 200 }),
      '/bare': () => new Response(null, { status: 204 }),
      '/teapot': () => problem(418),
    };
    stubFetch((_m, p) => answers[p]());
    const results = await probeRoutes(
      'http://app.test',
      Object.keys(answers).map((path) => ({ method: 'GET', path, guarded: true })),
      { signatureHeader: 'x-request-id' },
    );
    expect(Object.fromEntries(results.map((r) => [r.url, r.rejected]))).toEqual({
      '/problem': true,
      '/other-status': false,
      '/not-json': false,
      '/string-status': false,
      '/html': false,
      '/suffix': false,
      '/signed': true,
      '/ok': false,
      '/bare': false,
      '/teapot': false,
    });
    expect(results.find((r) => r.url === '/bare')?.answer).toBe('204 no content-type');
    const statuses = await probeRoutes(
      'http://app.test',
      [{ method: 'GET', path: '/teapot', guarded: true }],
      { statuses: [418] },
    );
    expect(statuses[0].rejected).toBe(true);
  });

  it('takes a problem type without a body for HEAD, and the signature header only when it is configured', async () => {
    stubFetch(
      (m) =>
        new Response(null, {
          status: 401,
          headers: m === 'HEAD' ? { 'content-type': 'application/problem+json' } : { 'x-request-id': '1' },
        }),
    );
    const results = await probeRoutes('http://app.test', [
      { method: 'HEAD', path: '/h', guarded: true },
      { method: 'GET', path: '/g', guarded: true },
    ]);
    expect(results.map((r) => r.rejected)).toEqual([true, false]);
  });

  it('gives up on a route that does not answer within the timeout', async () => {
    vi.stubGlobal(
      'fetch',
      (_url: URL, init: RequestInit) =>
        new Promise((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        }),
    );
    const outcome = await Promise.race([
      probeRoutes('http://app.test', [{ method: 'GET', path: '/slow', guarded: true }], {
        timeout: 20,
      }).catch((error: Error) => error.name),
      new Promise((r) => setTimeout(() => r('still waiting'), 1000)),
    ]);
    expect(outcome).toBe('TimeoutError');
  });

  it('sends the configured headers', async () => {
    const seen: unknown[] = [];
    vi.stubGlobal('fetch', async (_url: URL, init: RequestInit) => {
      seen.push(init.headers);
      return problem(403);
    });
    await probeRoutes('http://app.test', [{ method: 'GET', path: '/', guarded: true }], {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(seen).toEqual([{ 'x-forwarded-for': '203.0.113.9' }]);
  });

  it('expectGuarded stops the app, passes a guarded one, and names what the audit and the probe found', async () => {
    let closed = 0;
    const start = async () => ({ url: 'http://app.test', close: async () => void closed++ });
    stubFetch((_m, p) =>
      ['/open', '/health', '/mounted', '/both'].includes(p)
        ? new Response('hi', { status: 200 })
        : problem(401),
    );
    const report: RouteReport[] = [
      { method: 'GET', path: '/a', guarded: true },
      { method: 'GET', path: '/health', guarded: false, public: true, reason: REASONS.public },
    ];
    expect(await expectGuarded(report, start)).toBe(report);
    const leaky: RouteReport[] = [
      ...report,
      { method: 'ALL', path: '/open', guarded: true },
      { method: 'GET', path: '/export', guarded: false, reason: REASONS.before },
      { method: 'USE', path: '/mounted', guarded: true },
      { method: 'GET', path: '/both', guarded: false, reason: REASONS.before },
    ];
    const error = await expectGuarded(leaky, start).catch((e: unknown) => e as UnguardedRoutesError);
    expect(error).toBeInstanceOf(UnguardedRoutesError);
    const answered = '200 text/plain;charset=UTF-8';
    expect((error as UnguardedRoutesError).routes).toEqual([
      { method: 'GET', path: '/export', reason: REASONS.before },
      { method: 'GET', path: '/both', reason: REASONS.before, answer: answered },
      { method: 'ALL', path: '/open', answer: answered },
      { method: 'USE', path: '/mounted', answer: answered },
    ]);
    expect((error as Error).message).toContain(
      `  GET /export — audit: ${REASONS.before}\n  GET /both — audit: ${REASONS.before}; probe: answered ${answered}\n  ALL /open — probe: answered ${answered}\n`,
    );
    expect(closed).toBe(2);
  });

  it('expectGuarded flags a public route the bouncer rejected', async () => {
    stubFetch(() => problem(401));
    const start = async () => ({ url: 'http://app.test', close: async () => {} });
    const report: RouteReport[] = [{ method: 'GET', path: '/health', guarded: false, public: true }];
    const error = (await expectGuarded(report, start).catch((e: unknown) => e)) as UnguardedRoutesError;
    expect(error.routes).toEqual([
      { method: 'GET', path: '/health', answer: '401 application/problem+json (public route rejected)' },
    ]);
    const byOption = (await expectGuarded([{ method: 'GET', path: '/x', guarded: true }], start, {
      isPublic: () => true,
    }).catch((e: unknown) => e)) as UnguardedRoutesError;
    expect(byOption.routes[0].answer).toContain('(public route rejected)');
  });

  it('expectGuarded closes the app when the probe fails', async () => {
    let closed = 0;
    vi.stubGlobal('fetch', async () => {
      throw new Error('connection refused');
    });
    const start = async () => ({ url: 'http://app.test', close: async () => void closed++ });
    await expect(expectGuarded([{ method: 'GET', path: '/', guarded: true }], start)).rejects.toThrow(
      'connection refused',
    );
    expect(closed).toBe(1);
  });
});
