import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { runFake } from '../_testing';
import { ConfigError } from '../errors';
import { bouncer } from './index';
import { compileRoutes, routeKey } from './routes';

const SECRET = 'routes-test-secret-0123456789abcdef-0123456789';
const bearer = async (sub = 'u1') => ({
  authorization: `Bearer ${await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET))}`,
});
const JWT = { algorithms: ['HS256'] } as const;
const quiet = { timing: { log: false } } as const;

describe('routes: matching', () => {
  const routes = compileRoutes([
    { method: 'POST', path: '/login' },
    { path: '/upload/*' },
    { method: ['GET', 'put'], path: '/feed' },
  ])!;
  const at = (method: string, path: string) => routes.match(method, path)?.index;

  it('takes the first route whose method and path match', () => {
    expect(at('POST', '/login')).toBe(0);
    expect(at('GET', '/login')).toBeUndefined();
    expect(at('PATCH', '/upload')).toBe(1);
    expect(at('POST', '/upload/a/b')).toBe(1);
    expect(at('POST', '/uploads')).toBeUndefined();
    expect(at('PUT', '/feed')).toBe(2);
  });

  it('lets HEAD follow GET', () => {
    expect(at('HEAD', '/feed')).toBe(2);
    expect(at('HEAD', '/login')).toBeUndefined();
  });

  it('matches every spelling a router sends to the same handler, and no ambiguous path', () => {
    for (const p of ['/LOGIN', '/login/', '/%6Cogin', '/Log%69n/']) expect(at('POST', p)).toBe(0);
    for (const p of ['/login/..', '/./login', '//login', '/x/../login', '/login%2f', '/login\\'])
      expect(at('POST', p)).toBeUndefined();
    expect(routeKey('/a%20b')).toBe('/a%20b');
  });

  it('refuses bad entries at startup, naming the entry and its option', () => {
    expect(() => compileRoutes([{ path: 'login' }])).toThrow(/routes\[0\]\.path/);
    expect(() => compileRoutes([{ path: '/a/*/b' }])).toThrow(/routes\[0\]\.path/);
    expect(() => compileRoutes([{ path: '/a/../b' }])).toThrow(/routes\[0\]\.path/);
    expect(() => compileRoutes([{ path: '/a', method: 'G T' }])).toThrow(/routes\[0\]\.method/);
    expect(() => compileRoutes([{ path: '/a', auth: 'maybe' as never }])).toThrow(/routes\[0\]\.auth/);
    expect(() => compileRoutes([{ path: '/a', rateLimt: {} } as never])).toThrow(
      /routes\[0\]\.rateLimt.*rateLimit/,
    );
    expect(() => compileRoutes({} as never)).toThrow(ConfigError);
  });
});

describe('routes: per-route rate limits', () => {
  it('gives /login its own strict limiter, in one line, beside the policy-wide one', async () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 100, window: '60s' },
      routes: [{ method: 'POST', path: '/login', rateLimit: { limit: 2, window: '15m' } }],
    });
    const login = () => runFake(chain, { method: 'POST', target: '/login' });
    const a = await login();
    expect(a.headers['ratelimit-policy']).toBe('"login";q=2;w=900');
    await login();
    const third = await login();
    expect(third.status).toBe(429);
    expect(third.ctx.rejection?.policy).toBe('rateLimit');
    // The rest of the API still has its own quota.
    const other = await runFake(chain, { target: '/prices' });
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-policy']).toBe('"default";q=100;w=60');
    expect(other.headers.ratelimit).toBe('"default";r=99;t=1');
  });

  it('turns limiting off for a route with `rateLimit: false`, and inherits unset fields', async () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 1, window: '60s', headers: false },
      routes: [
        { path: '/metrics', rateLimit: false },
        { path: '/search', rateLimit: { limit: 3 } },
      ],
    });
    for (let i = 0; i < 3; i++) expect((await runFake(chain, { target: '/metrics' })).status).toBe(200);
    const search = await runFake(chain, { target: '/search' });
    expect(search.headers['ratelimit-policy']).toBeUndefined();
    await runFake(chain, { target: '/search' });
    await runFake(chain, { target: '/search' });
    expect((await runFake(chain, { target: '/search' })).status).toBe(429);
  });

  it('reaches skip and cost from the policy object, on the section and on a route', async () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 4, window: '60s', skip: (ctx) => ctx.req.header('x-internal') === '1' },
      routes: [{ path: '/export', rateLimit: { limit: 10, window: '60s', cost: 5 } }],
    });
    for (let i = 0; i < 6; i++)
      expect((await runFake(chain, { target: '/a', headers: { 'x-internal': '1' } })).status).toBe(200);
    expect((await runFake(chain, { target: '/export' })).headers.ratelimit).toBe('"export";r=5;t=30');
    expect((await runFake(chain, { target: '/export' })).status).toBe(200);
    expect((await runFake(chain, { target: '/export' })).status).toBe(429);
  });

  it('names route limiters uniquely and reports bad route limits with the route', () => {
    expect(() =>
      bouncer({ ...quiet, routes: [{ path: '/a', rateLimit: { limit: 0, window: '1s' } }] }),
    ).toThrow(/routes\[0\]\.rateLimit\.limit/);
    expect(() => bouncer({ ...quiet, routes: [{ path: '/a', rateLimit: { limit: 1 } }] })).toThrow(
      /routes\[0\]\.rateLimit\.window/,
    );
    const chain = bouncer({
      ...quiet,
      routes: [
        { method: 'GET', path: '/a', rateLimit: { limit: 1, window: '1s' } },
        { method: 'POST', path: '/a', rateLimit: { limit: 1, window: '1s' } },
      ],
    });
    expect(chain.describeRoute('GET', '/a').rateLimit).toBe('a 1/1s');
    expect(chain.describeRoute('POST', '/a').rateLimit).toBe('a-2 1/1s');
    expect(chain.describeRoute('GET', '/b').rateLimit).toBe('off');
  });
});

describe('routes: per-route body limits', () => {
  it('raises the limit for an upload route and lowers it for another', async () => {
    const chain = bouncer({
      ...quiet,
      bodyLimit: '64kb',
      routes: [
        { method: 'POST', path: '/upload/*', bodyLimit: '10mb' },
        { method: 'POST', path: '/comments', bodyLimit: 1024 },
      ],
    });
    const big = { 'content-length': String(5 * 1024 * 1024) };
    expect((await runFake(chain, { method: 'POST', target: '/upload/a', headers: big })).status).toBe(200);
    expect((await runFake(chain, { method: 'POST', target: '/orders', headers: big })).status).toBe(413);
    const small = { 'content-length': '2048' };
    expect((await runFake(chain, { method: 'POST', target: '/comments', headers: small })).status).toBe(413);
    expect((await runFake(chain, { method: 'POST', target: '/orders', headers: small })).status).toBe(200);
    expect(chain.describeRoute('POST', '/upload/x').bodyLimit).toBe(10 * 1024 * 1024);
    expect(chain.describeRoute('POST', '/x').bodyLimit).toBe(65536);
  });
});

describe('routes: per-route authentication', () => {
  const chain = bouncer(
    {
      ...quiet,
      jwt: { ...JWT, public: [{ method: 'GET', path: '/health' }] },
      routes: [
        { method: 'GET', path: '/feed', auth: 'optional' },
        { path: '/docs/*', auth: 'public' },
      ],
    },
    { jwtSecret: SECRET },
  );

  it('runs public, optional and required routes in one bouncer', async () => {
    expect((await runFake(chain, { target: '/docs/intro' })).reached).toBe(true);
    const anon = await runFake(chain, { target: '/feed' });
    expect(anon.reached).toBe(true);
    expect(anon.state.auth).toBeUndefined();
    const signed = await runFake(chain, { target: '/feed', headers: await bearer('erin') });
    expect((signed.state.auth as { sub: string }).sub).toBe('erin');
    const bad = await runFake(chain, { target: '/feed', headers: { authorization: 'Bearer x.y.z' } });
    expect(bad.status).toBe(401);
    expect((await runFake(chain, { target: '/orders' })).status).toBe(401);
  });

  it('answers HEAD like GET: HEAD /health passes where GET /health is public', async () => {
    expect((await runFake(chain, { method: 'HEAD', target: '/health' })).reached).toBe(true);
    expect((await runFake(chain, { method: 'HEAD', target: '/feed' })).reached).toBe(true);
    expect((await runFake(chain, { method: 'POST', target: '/health' })).status).toBe(401);
  });

  it('reports the effective authentication per route', () => {
    expect(chain.describeRoute('GET', '/feed').auth).toBe('optional');
    expect(chain.describeRoute('HEAD', '/health').auth).toBe('public');
    expect(chain.describeRoute('GET', '/orders').auth).toBe('required');
  });

  it('needs a jwt section for route auth', () => {
    expect(() => bouncer({ ...quiet, routes: [{ path: '/a', auth: 'public' }] })).toThrow(
      /routes\[0\]\.auth.*jwt/,
    );
  });

  it('accepts credentialsRequired: false in the jwt section', async () => {
    const open = bouncer({ ...quiet, jwt: { ...JWT, credentialsRequired: false } }, { jwtSecret: SECRET });
    expect((await runFake(open, { target: '/x' })).reached).toBe(true);
    expect(open.describeRoute('GET', '/x').auth).toBe('optional');
  });
});

describe('routes: keys, labels and errors', () => {
  it('decodes only unreserved escapes, folds case and drops one trailing slash', () => {
    expect(routeKey('/%41%5A%61%7a%30%39%2D%2E%5F%7E')).toBe('/azaz09-._~');
    expect(routeKey('/a%3Ab%5Bc%40')).toBe('/a%3ab%5bc%40');
    expect(routeKey('/Login/')).toBe('/login');
    expect(routeKey('/')).toBe('/');
    for (const p of ['/a/..', '/a/.', '/a/%2e%2e', '/%2e/a', '/a%2fb', '/a%5cb'])
      expect(routeKey(p), p).toBeUndefined();
  });

  it('reads a dot inside a segment, or three dots, as part of an ordinary name', () => {
    // Only `.` and `..` are dot segments (RFC 3986 §3.3): `/.well-known` is a real route.
    for (const p of ['/.well-known/x', '/.env', '/a.', '/a..', '/.../b', '/v1.2/'])
      expect(routeKey(p), p).toBe(p.replace(/\/$/, ''));
    const routes = compileRoutes([{ path: '/.well-known/*' }])!;
    expect(routes.match('GET', '/.well-known/openid-configuration')?.index).toBe(0);
  });

  it('refuses a path that starts with a dot segment even without a leading slash', () => {
    for (const p of ['.', '..', './login', '../login']) expect(routeKey(p), p).toBeUndefined();
  });

  it('covers a root prefix route for every path, and an exact route for itself only', () => {
    const routes = compileRoutes([{ path: '/login' }, { path: '/*' }])!;
    expect(routes.match('GET', '/login')?.index).toBe(0);
    expect(routes.match('GET', '/login/x')?.index).toBe(1);
    expect(routes.match('GET', '/x')?.index).toBe(1);
    expect(routes.match('GET', '/')?.index).toBe(1);
  });

  it('labels each route by its methods and path', () => {
    const routes = compileRoutes([
      { path: '/a' },
      { method: ['get', 'Put'], path: '/b/*' },
      { method: 'post', path: '/c' },
    ])!;
    expect(routes.routes.map((r) => r.label)).toEqual(['* /a', 'GET,PUT /b/*', 'POST /c']);
  });

  it('names the entry and option of each mistake', () => {
    const message = (list: unknown) => {
      try {
        compileRoutes(list);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(message(5)).toBe('bouncer: option `routes` must be an array of { method?, path, … }, got 5');
    expect(message([{ path: '/a', rateLimt: {} }])).toBe(
      'bouncer: option `routes[0].rateLimt` is not a known option: did you mean `routes[0].rateLimit`? (known: method, path, auth, bodyLimit, rateLimit)',
    );
    for (const path of [5, 'login', 'login/', '/a?b', '/a#b', '/a/..', '/a*', '/a/*/b']) {
      expect(message([{ path }]), String(path)).toBe(
        `bouncer: option \`routes[0].path\` must be an exact path ('/login') or end in '/*' ('/upload/*'), got ${JSON.stringify(path)}`,
      );
    }
    for (const method of [['GET', 'G T'], [5], 'G1', 5]) {
      expect(message([{ path: '/a', method }]), JSON.stringify(method)).toBe(
        `bouncer: option \`routes[0].method\` must be a method name or an array of them, got ${JSON.stringify(method)}`,
      );
    }
    expect(message([{ path: '/a', auth: 'maybe' }])).toBe(
      'bouncer: option `routes[0].auth` must be one of public, optional, required, got "maybe"',
    );
  });
});

describe('routes: methods', () => {
  it('judges HEAD by a GET route, and by no other', () => {
    const routes = compileRoutes([
      { method: 'GET', path: '/feed' },
      { method: 'POST', path: '/login' },
    ])!;
    expect(routes.match('HEAD', '/feed')?.index).toBe(0);
    expect(routes.match('GET', '/feed')?.index).toBe(0);
    expect(routes.match('HEAD', '/login')).toBeUndefined();
  });

  it('refuses a nested method list with the ConfigError that names the option', () => {
    const nested = () => compileRoutes([{ path: '/a', method: [['GET']] as never }]);
    expect(nested).toThrow(ConfigError);
    expect(nested).toThrow(/routes\[0\]\.method/);
  });
});
