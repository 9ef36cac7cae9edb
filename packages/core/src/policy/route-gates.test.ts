import { SignJWT } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { configErrorMessage as message, runFake } from '../_testing';
import type { Chain } from '../compose';
import { MemoryStore } from '../middleware/rate-limit';
import { bouncer } from './index';

// The gates a policy builds from its rateLimit and bodyLimit sections and its routes: which
// limiter and limit each request meets, how route limiters are named, and the errors that name
// the section a mistake is in.

const SECRET = 'route-gates-secret-0123456789abcdef-0123456789';
const quiet = { timing: { log: false } } as const;
const bearer = async (sub: string) => ({
  authorization: `Bearer ${await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET))}`,
});

const limiter = (
  chain: { describeRoute: ReturnType<typeof bouncer>['describeRoute'] },
  method: string,
  path: string,
) => chain.describeRoute(method, path).rateLimit;

describe('policy rateLimit: the section', () => {
  it('takes every rateLimit option, and names the limiter by policyName', async () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: {
        limit: 5,
        windowMs: 60_000,
        ipv6Prefix: 56,
        failMode: 'closed',
        policyName: 'api',
        headers: true,
      },
    });
    const r = await runFake(chain);
    expect(r.headers['ratelimit-policy']).toBe('"api";q=5;w=60');
    expect(limiter(chain, 'GET', '/')).toBe('api 5/60s');
    expect(limiter(bouncer({ ...quiet, rateLimit: { limit: 5, window: '1m' } }), 'GET', '/')).toBe(
      'default 5/60s',
    );
  });

  it('names the policy option in its own errors and in the limiter’s', () => {
    expect(message(() => bouncer({ rateLimit: { limit: 5, windw: '1s' } as never }))).toBe(
      'bouncer: option `rateLimit.windw` is not a known option: did you mean `rateLimit.window`? (known: limit, window, windowMs, key, ipv6Prefix, headers, failMode, policyName, skip, cost)',
    );
    expect(message(() => bouncer({ rateLimit: { limit: 5, window: '1s', windowMs: 1000 } }))).toBe(
      'bouncer: option `rateLimit.window` and `rateLimit.windowMs` were both given: keep one',
    );
    expect(message(() => bouncer({ rateLimit: true as never }))).toBe(
      'bouncer: option `rateLimit` needs `{ limit, window }`, got true',
    );
    // The policy-wide section's own errors come from rateLimit() as they are.
    expect(message(() => bouncer({ rateLimit: { limit: 0, window: '1s' } }))).toMatch(
      /^rateLimit: option `limit` /,
    );
    const route = message(() => bouncer({ routes: [{ path: '/a', rateLimit: { limit: 0, window: '1s' } }] }));
    const own = message(() => bouncer({ rateLimit: { limit: 0, window: '1s' } }));
    expect(route).toBe(
      `bouncer: option \`routes[0].rateLimit.limit\` ${own.replace('rateLimit: option `limit` ', '')}`,
    );
  });

  it('keys every limiter with extras.rateLimitKey, and on the store extras.rateLimitStore', async () => {
    const store = new MemoryStore();
    const consume = vi.spyOn(store, 'consume');
    const chain = bouncer(
      { ...quiet, rateLimit: { limit: 1, window: '1m' } },
      { rateLimitKey: () => 'everyone', rateLimitStore: store },
    );
    expect((await runFake(chain, { peer: '192.0.2.1' })).status).toBe(200);
    expect((await runFake(chain, { peer: '192.0.2.2' })).status).toBe(429);
    expect(consume).toHaveBeenCalledTimes(2);
  });

  it('tells extras.warn when the store fails', async () => {
    const warn = vi.fn();
    const store = { name: 'down', consume: () => Promise.reject(new Error('down')), reset: () => {} };
    const chain = bouncer(
      { ...quiet, rateLimit: { limit: 1, window: '1m' } },
      { rateLimitStore: store, warn },
    );
    expect((await runFake(chain)).status).toBe(200);
    expect(warn).toHaveBeenCalled();
  });
});

describe('policy routes: rate limits', () => {
  it('names a route limiter after its path, and never like another limiter', () => {
    const limit = { limit: 1, window: '1s' };
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 9, window: '1s' },
      routes: [
        { path: '/', rateLimit: limit },
        { path: '/api/login', rateLimit: limit },
        { path: '/upload/*', rateLimit: limit },
        { path: '/a/~b', rateLimit: limit },
        { path: '/default', rateLimit: limit },
        { method: 'GET', path: '/x', rateLimit: limit },
        { method: 'PUT', path: '/x', rateLimit: limit },
        { method: 'POST', path: '/x', rateLimit: limit },
      ],
    });
    expect(limiter(chain, 'GET', '/')).toBe('root 1/1s');
    expect(limiter(chain, 'GET', '/api/login')).toBe('api-login 1/1s');
    expect(limiter(chain, 'GET', '/upload/a')).toBe('upload 1/1s');
    expect(limiter(chain, 'GET', '/a/~b')).toBe('a-b 1/1s');
    expect(limiter(chain, 'GET', '/default')).toBe('default-2 1/1s');
    expect(limiter(chain, 'GET', '/x')).toBe('x 1/1s');
    expect(limiter(chain, 'PUT', '/x')).toBe('x-2 1/1s');
    expect(limiter(chain, 'POST', '/x')).toBe('x-3 1/1s');
    expect(limiter(chain, 'GET', '/other')).toBe('default 9/1s');
  });

  it('keeps the policy-wide and explicit names taken', () => {
    const limit = { limit: 1, window: '1s' };
    const named = bouncer({
      ...quiet,
      rateLimit: { limit: 9, window: '1s', policyName: 'api' },
      routes: [
        { path: '/api', rateLimit: limit },
        { path: '/login', rateLimit: limit },
        { path: '/y', rateLimit: { ...limit, policyName: 'z' } },
        { path: '/z', rateLimit: limit },
      ],
    });
    expect(limiter(named, 'GET', '/api')).toBe('api-2 1/1s');
    expect(limiter(named, 'GET', '/login')).toBe('login 1/1s');
    expect(limiter(named, 'GET', '/y')).toBe('z 1/1s');
    expect(limiter(named, 'GET', '/z')).toBe('z-2 1/1s');
    const alone = bouncer({ ...quiet, routes: [{ path: '/default', rateLimit: limit }] });
    expect(limiter(alone, 'GET', '/default')).toBe('default-2 1/1s');
  });

  it('cuts a long route name to 60 characters, and 56 plus a counter', () => {
    const long = `/${'a'.repeat(70)}`;
    const chain = bouncer({
      ...quiet,
      routes: [
        { method: 'GET', path: long, rateLimit: { limit: 1, window: '1s' } },
        { method: 'PUT', path: long, rateLimit: { limit: 1, window: '1s' } },
      ],
    });
    expect(limiter(chain, 'GET', long)).toBe(`${'a'.repeat(60)} 1/1s`);
    expect(limiter(chain, 'PUT', long)).toBe(`${'a'.repeat(56)}-2 1/1s`);
  });

  it('applies a route’s limit beside routes that set none', async () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 5, window: '1m' },
      routes: [
        { path: '/login', rateLimit: { limit: 1 } },
        { path: '/feed', auth: undefined },
      ],
    });
    expect((await runFake(chain, { target: '/login' })).status).toBe(200);
    expect((await runFake(chain, { target: '/login' })).status).toBe(429);
    expect((await runFake(chain, { target: '/feed' })).headers.ratelimit).toBe('"default";r=4;t=12');
  });

  it('takes a route’s own window in either form over the policy’s', () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 5, windowMs: 60_000 },
      routes: [
        { path: '/a', rateLimit: { window: '2s' } as never },
        { path: '/b', rateLimit: { windowMs: 3000 } as never },
      ],
    });
    expect(limiter(chain, 'GET', '/a')).toBe('a 5/2s');
    expect(limiter(chain, 'GET', '/b')).toBe('b 5/3s');
    const byWindow = bouncer({
      ...quiet,
      rateLimit: { limit: 5, window: '1m' },
      routes: [{ path: '/c', rateLimit: { windowMs: 1000 } as never }],
    });
    expect(limiter(byWindow, 'GET', '/c')).toBe('c 5/1s');
  });

  it('refuses a route rateLimit that is neither false nor a section', () => {
    for (const rateLimit of [true, null, 5]) {
      expect(
        message(() => bouncer({ routes: [{ path: '/a' }, { path: '/b', rateLimit: rateLimit as never }] })),
      ).toBe('bouncer: option `routes[1].rateLimit` must be `false` or `{ limit, window, … }`');
    }
  });

  it('counts a subject-keyed limiter once, after authentication', async () => {
    const chain = bouncer(
      { ...quiet, rateLimit: { limit: 2, window: '1m', key: 'subject' }, jwt: { algorithms: ['HS256'] } },
      { jwtSecret: SECRET },
    );
    const headers = await bearer('ann');
    expect((await runFake(chain, { headers })).headers.ratelimit).toBe('"default";r=1;t=30');
    expect((await runFake(chain, { headers })).status).toBe(200);
    expect((await runFake(chain, { headers })).status).toBe(429);
  });

  it('runs an address-keyed route limiter before authentication and a subject-keyed one after', async () => {
    const chain = bouncer(
      {
        ...quiet,
        rateLimit: { limit: 2, window: '1m', key: 'subject' },
        routes: [{ path: '/login', rateLimit: { limit: 3, key: 'ip' } }],
        jwt: { algorithms: ['HS256'] },
      },
      { jwtSecret: SECRET },
    );
    // Refused by authentication, yet counted: the address limiter ran first.
    expect((await runFake(chain, { target: '/login' })).headers.ratelimit).toBe('"login";r=2;t=20');
    const headers = await bearer('bo');
    expect((await runFake(chain, { target: '/feed', headers })).headers.ratelimit).toBe('"default";r=1;t=30');
    expect((await runFake(chain, { target: '/feed' })).headers.ratelimit).toBeUndefined();
  });
});

describe('policy routes: body limits', () => {
  const big = (target: string, bytes: number) => ({
    method: 'POST',
    target,
    headers: { 'content-length': String(bytes) },
  });

  it('applies a route’s limit beside routes that set none, and none where the policy has none', async () => {
    const chain = bouncer({
      ...quiet,
      bodyLimit: false,
      routes: [
        { path: '/comments', bodyLimit: '1kb' },
        { path: '/feed', auth: undefined },
      ],
    });
    expect((await runFake(chain, big('/comments', 2048))).status).toBe(413);
    expect((await runFake(chain, big('/feed', 10_000_000))).status).toBe(200);
    expect((await runFake(chain, big('/other', 10_000_000))).status).toBe(200);
  });

  it('takes the policy limit as an options object', async () => {
    const chain = bouncer({ ...quiet, bodyLimit: { limit: '2kb' } as never });
    expect((await runFake(chain, big('/', 3000))).status).toBe(413);
    expect((await runFake(chain, big('/', 2048))).status).toBe(200);
    expect(bouncer({ ...quiet, bodyLimit: {} as never }).describeRoute('POST', '/').bodyLimit).toBe(1048576);
  });

  it('names the route whose bodyLimit is bad', () => {
    expect(message(() => bouncer({ routes: [{ path: '/a', bodyLimit: '1 parsec' }] }))).toMatch(
      /^bouncer: option `routes\[0\]\.bodyLimit` /,
    );
  });
});

describe('policy routes: authentication', () => {
  it('names the first route that sets auth when there is no jwt section', () => {
    expect(message(() => bouncer({ routes: [{ path: '/a' }, { path: '/b', auth: 'public' }] }))).toBe(
      'bouncer: option `routes[1].auth` needs a `jwt` section to authenticate with',
    );
  });

  it('reports auth required for a jwt section whose public routes are a function', () => {
    const chain = bouncer(
      { ...quiet, jwt: { algorithms: ['HS256'], public: (() => false) as never } },
      { jwtSecret: SECRET },
    );
    expect(chain.describeRoute('GET', '/x').auth).toBe('required');
  });
});

describe('policy: the layers', () => {
  it('names each gate layer after its policy', () => {
    const chain = bouncer({
      ...quiet,
      rateLimit: { limit: 5, window: '1m' },
      routes: [
        { path: '/a', bodyLimit: '1kb' },
        { path: '/b', rateLimit: { limit: 1 } },
      ],
    }) as Chain;
    const names = chain.middleware.map((m) => m.name);
    expect(names).toContain('bodyLimit');
    expect(names).toContain('rateLimit');
  });

  it('adds no body-limit layer when the policy turns it off and no route sets a limit', () => {
    const chain = bouncer({
      ...quiet,
      bodyLimit: false,
      routes: [{ path: '/a', rateLimit: false }],
    }) as Chain;
    expect(chain.middleware.map((m) => m.name)).not.toContain('bodyLimit');
  });
});
