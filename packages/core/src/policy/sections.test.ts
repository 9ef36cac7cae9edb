import { describe, expect, it, vi } from 'vitest';
import { configErrorMessage as message, runFake } from '../_testing';
import { bouncer, parseDuration } from './index';

// Each section of the policy switched on, off and configured, and what reaches the factory behind it.

const SECRET = 'sections-test-secret-0123456789abcdef-0123456789';
const quiet = { timing: { log: false } } as const;

describe('bouncer(policy): the sections it knows', () => {
  it('lists every section and extra when one is unknown', () => {
    expect(message(() => bouncer({ zzz: [] } as never))).toBe(
      'bouncer: option `policy.zzz` is not a known option (known: trustProxy, requestId, timing, securityHeaders, cors, ipFilter, bodyLimit, rateLimit, routes, csrf, jwt)',
    );
    expect(message(() => bouncer({}, { zzz: console } as never))).toBe(
      'bouncer: option `extras.zzz` is not a known option (known: jwtSecret, jwtKeys, logger, rateLimitStore, rateLimitKey, corsOrigin, metrics, rejectionBody, warn)',
    );
  });

  it('takes every documented extra', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const chain = bouncer(
      {
        cors: { origin: ['https://a.example'] },
        rateLimit: { limit: 5, window: '1m' },
        jwt: { algorithms: ['HS256'], public: [{ path: '/' }] },
      },
      {
        jwtSecret: SECRET,
        logger,
        rateLimitStore: undefined,
        rateLimitKey: () => 'k',
        corsOrigin: (origin) => origin === 'https://b.example',
        metrics: () => {},
        rejectionBody: ((p: unknown) => p) as never,
        warn: () => {},
      },
    );
    const r = await runFake(chain, { headers: { origin: 'https://b.example' } });
    expect(r.status).toBe(200);
    // extras.corsOrigin replaces the policy's list.
    expect(r.headers['access-control-allow-origin']).toBe('https://b.example');
    r.finish();
    expect(logger.info).toHaveBeenCalledTimes(1);
  });

  it('names a section given the wrong type', () => {
    expect(message(() => bouncer({ jwt: 'x' as never }))).toBe(
      'bouncer: option `jwt` must be true, false or an options object, got "x"',
    );
    expect(message(() => bouncer({ csrf: 5 as never }))).toBe(
      'bouncer: option `csrf` must be true, false or an options object, got 5',
    );
    expect(message(() => bouncer({ securityHeaders: 'on' as never }))).toBe(
      'bouncer: option `securityHeaders` must be true, false or an options object, got "on"',
    );
    expect(message(() => bouncer({ ipFilter: 1 as never }))).toBe(
      'bouncer: option `ipFilter` must be true, false or an options object, got 1',
    );
    expect(message(() => bouncer({ jwt: true as never }))).toBe(
      'bouncer: option `jwt` needs `{ algorithms, … }`, got true',
    );
    expect(message(() => bouncer({}, { jwtKeys: [] as never }))).toBe(
      'bouncer: option `extras.jwtSecret` was given but the policy has no `jwt` section',
    );
  });
});

describe('bouncer(policy): requestId, timing, securityHeaders', () => {
  it('stamps a request id by default or with true, under its own header when configured, none when off', async () => {
    expect((await runFake(bouncer(quiet))).headers['x-request-id']).toBeDefined();
    expect((await runFake(bouncer({ ...quiet, requestId: true }))).headers['x-request-id']).toBeDefined();
    const own = await runFake(bouncer({ ...quiet, requestId: { header: 'X-Trace-Id' } }));
    expect(own.headers['x-trace-id']).toBeDefined();
    expect(own.headers['x-request-id']).toBeUndefined();
    expect((await runFake(bouncer({ ...quiet, requestId: false }))).headers['x-request-id']).toBeUndefined();
  });

  it('logs each request to extras.logger by default, with timing options, and not when off', async () => {
    const logger = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });
    for (const timing of [undefined, true, { serverTiming: true }]) {
      const log = logger();
      const r = await runFake(bouncer({ timing }, { logger: log }));
      r.finish();
      expect(log.info, JSON.stringify(timing)).toHaveBeenCalledTimes(1);
      expect(r.headers['server-timing'] !== undefined).toBe(timing !== undefined && timing !== true);
    }
    for (const timing of [false, { log: false }]) {
      const log = logger();
      const r = await runFake(bouncer({ timing }, { logger: log }));
      r.finish();
      expect(log.info).not.toHaveBeenCalled();
    }
  });

  it('stamps security headers by default, with options, and none when off', async () => {
    expect((await runFake(bouncer(quiet))).headers['x-frame-options']).toBe('SAMEORIGIN');
    expect((await runFake(bouncer({ ...quiet, securityHeaders: true }))).headers['x-frame-options']).toBe(
      'SAMEORIGIN',
    );
    const deny = await runFake(bouncer({ ...quiet, securityHeaders: { xFrameOptions: { action: 'deny' } } }));
    expect(deny.headers['x-frame-options']).toBe('DENY');
    expect(
      (await runFake(bouncer({ ...quiet, securityHeaders: false }))).headers['x-frame-options'],
    ).toBeUndefined();
  });

  it('tells HTTPS behind a TLS proxy by the trusted proxies, for HSTS', async () => {
    const proxied = { headers: { 'x-forwarded-proto': 'https' } };
    const trusted = await runFake(bouncer({ ...quiet, trustProxy: 'loopback' }), proxied);
    expect(trusted.headers['strict-transport-security']).toBeDefined();
    const untrusted = await runFake(bouncer(quiet), proxied);
    expect(untrusted.headers['strict-transport-security']).toBeUndefined();
  });

  it('passes its warn extra to the client-IP resolver', async () => {
    const warn = vi.fn();
    await runFake(bouncer(quiet, { warn }), { headers: { 'x-forwarded-for': '203.0.113.1' } });
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('bouncer(policy): cors, ipFilter, bodyLimit', () => {
  it('answers a preflight with cors: true, and grants nothing without cors', async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: { origin: 'https://a.example', 'access-control-request-method': 'PUT' },
    };
    const on = await runFake(bouncer({ ...quiet, cors: true }), preflight);
    expect(on.status).toBe(204);
    expect(on.reached).toBe(false);
    expect(on.headers['access-control-allow-origin']).toBe('*');
    const off = await runFake(bouncer(quiet), preflight);
    expect(off.reached).toBe(true);
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('hands ipFilter: true to the filter with no lists, which refuses to do nothing', () => {
    expect(message(() => bouncer({ ...quiet, ipFilter: true as never }))).toBe(
      'ipFilter: option `allow` or `deny` must be given: without either the filter does nothing',
    );
  });

  it('limits bodies to 1 MiB by default, and not at all when off', async () => {
    const big = { method: 'POST', headers: { 'content-length': String(1024 * 1024 + 1) } };
    expect((await runFake(bouncer(quiet), big)).status).toBe(413);
    expect((await runFake(bouncer({ ...quiet, bodyLimit: true }), big)).status).toBe(413);
    expect((await runFake(bouncer({ ...quiet, bodyLimit: false }), big)).status).toBe(200);
    expect(bouncer(quiet).describeRoute('POST', '/').bodyLimit).toBe(1024 * 1024);
    expect(bouncer({ ...quiet, bodyLimit: false }).describeRoute('POST', '/').bodyLimit).toBeUndefined();
    expect(
      bouncer({ ...quiet, bodyLimit: { limit: '2kb' } } as never).describeRoute('POST', '/').bodyLimit,
    ).toBe(2048);
  });
});

describe('bouncer(policy): csrf', () => {
  const crossSite = {
    method: 'POST',
    headers: { 'sec-fetch-site': 'cross-site', origin: 'https://app.example' },
  };

  it('is on by default only when the token may come from a cookie', async () => {
    const cookie = bouncer(
      { ...quiet, jwt: { algorithms: ['HS256'], cookie: 'at', public: [{ path: '/' }] } },
      { jwtSecret: SECRET },
    );
    expect((await runFake(cookie, crossSite)).status).toBe(403);
    const header = bouncer(
      { ...quiet, jwt: { algorithms: ['HS256'], public: [{ path: '/' }] } },
      { jwtSecret: SECRET },
    );
    expect((await runFake(header, crossSite)).status).toBe(200);
    expect((await runFake(bouncer(quiet), crossSite)).status).toBe(200);
  });

  it('takes true or options, and trusts the CORS origins', async () => {
    expect((await runFake(bouncer({ ...quiet, csrf: true }), crossSite)).status).toBe(403);
    expect((await runFake(bouncer({ ...quiet, csrf: false }), crossSite)).status).toBe(200);
    const trusted = bouncer({ ...quiet, csrf: { trustedOrigins: ['https://app.example'] } });
    expect((await runFake(trusted, crossSite)).status).toBe(200);
    for (const origin of ['https://App.example/', ['https://app.example/'], 'HTTPS://APP.example']) {
      const viaCors = bouncer({ ...quiet, cors: { origin }, csrf: true });
      expect((await runFake(viaCors, crossSite)).status, JSON.stringify(origin)).toBe(200);
    }
    expect((await runFake(bouncer({ ...quiet, cors: { origin: '*' }, csrf: true }), crossSite)).status).toBe(
      403,
    );
    expect((await runFake(bouncer({ ...quiet, cors: true, csrf: true }), crossSite)).status).toBe(403);
  });
});

describe('bouncer(policy): what the route audit is told', () => {
  it('says auth none without a jwt section', () => {
    expect(bouncer(quiet).describeRoute('GET', '/x')).toEqual({
      auth: 'none',
      rateLimit: 'off',
      bodyLimit: 1048576,
    });
  });
});

describe('parseDuration', () => {
  it('reads decimals, units and surrounding spaces', () => {
    expect(parseDuration(' 60s ', 'w')).toBe(60_000);
    expect(parseDuration('1.5m', 'w')).toBe(90_000);
    expect(parseDuration('0.25s', 'w')).toBe(250);
    expect(parseDuration('2h', 'w')).toBe(7_200_000);
    expect(parseDuration('10 ms', 'w')).toBe(10);
  });

  it.each([0, -1, Number.POSITIVE_INFINITY, Number.NaN, '5', 'x60s', '60sx', '1.s', undefined])(
    'refuses %s, naming the option and the units',
    (value) => {
      expect(message(() => parseDuration(value as never, 'rateLimit.window'))).toBe(
        `bouncer: option \`rateLimit.window\` must be a positive number of milliseconds or a number with a unit (ms, s, m, h), like '60s' or '1m', got ${JSON.stringify(value)}`,
      );
    },
  );
});

describe('bouncer(policy): section shapes', () => {
  it('takes a number of bytes for bodyLimit, and refuses null for a section', async () => {
    const chain = bouncer({ ...quiet, bodyLimit: 1024 });
    expect(chain.describeRoute('POST', '/').bodyLimit).toBe(1024);
    expect(message(() => bouncer({ requestId: null as never }))).toBe(
      'bouncer: option `requestId` must be true, false or an options object, got null',
    );
    expect(message(() => bouncer({ bodyLimit: null as never }))).toBe(
      "bouncer: option `bodyLimit` must be true, false, a number of bytes, a size like '64kb' or an options object, got null",
    );
  });
});
