import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeHost, type FakeRequest, runFake } from '../../_testing';
import { compose } from '../../compose';
import { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phasesOf } from '../../phases';
import type { Middleware } from '../../types';
import { cors } from './index';
import { requestedHeaderNames } from './request-headers';

const APP = 'https://app.example';
const deny401: Middleware = (ctx) => ctx.reject(401, 'No token', 'jwtAuth');

function preflight(origin: string, extra: Record<string, string> = {}) {
  return {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'PUT', ...extra },
  };
}

describe('cors: configuration', () => {
  it("refuses origin '*' with credentials at construction (hono CVE-2026-54290)", () => {
    expect(() => cors({ credentials: true })).toThrow(ConfigError);
    expect(() => cors({ origin: '*', credentials: true })).toThrow(/credentials/);
  });

  it('refuses unanchored origin patterns (expressjs/cors #408)', () => {
    expect(() => cors({ origin: /app\.example$/ })).toThrow(/anchored/);
    expect(() => cors({ origin: /^https:\/\/app\.example/ })).toThrow(/anchored/);
    expect(() => cors({ origin: /^https:\/\/app\.example\$/ })).toThrow(/anchored/);
  });

  it.each([-5, 1.5, Number.NaN, 'abc'])(
    'refuses maxAge %s (Fetch standard, Access-Control-Max-Age)',
    (maxAge) => {
      expect(() => cors({ maxAge: maxAge as number })).toThrow(/maxAge/);
    },
  );

  it.each([
    'https://app.example/path',
    'app.example',
    'null',
    'https://u:p@app.example',
    'https://a.example?x',
    '*.app.example',
  ])('refuses origin entry %j that is not a serialized origin', (origin) => {
    expect(() => cors({ origin: [origin] })).toThrow(ConfigError);
  });

  it('refuses allowNullOrigin with credentials', () => {
    expect(() => cors({ origin: APP, credentials: true, allowNullOrigin: true })).toThrow(/allowNullOrigin/);
  });

  it("refuses '*' in header lists with credentials, and non-token names", () => {
    expect(() => cors({ origin: APP, credentials: true, allowHeaders: ['*'] })).toThrow(/allowHeaders/);
    expect(() => cors({ origin: APP, credentials: true, exposeHeaders: ['*'] })).toThrow(/exposeHeaders/);
    expect(() => cors({ allowHeaders: ['x-a\r\nSet-Cookie: a=b'] })).toThrow(/token/);
    expect(() => cors({ allowMethods: ['GET POST'] })).toThrow(/allowMethods/);
  });

  it('refuses unknown options with a hint', () => {
    expect(() => cors({ origins: APP } as never)).toThrow(/did you mean `origin`/);
  });

  it('normalises configured origins (case, default port, trailing slash)', async () => {
    const mw = cors({ origin: ['HTTPS://App.Example:443/'] });
    const r = await runFake(mw, { headers: { origin: APP } });
    expect(r.headers['access-control-allow-origin']).toBe(APP);
  });
});

describe('cors: actual requests', () => {
  it("answers '*' without Vary by default", async () => {
    const r = await runFake(cors(), { headers: { origin: 'https://any.example' } });
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers.vary).toBeUndefined();
    expect(r.reached).toBe(true);
  });

  it('reflects an allowed origin with credentials and Vary: Origin', async () => {
    const r = await runFake(cors({ origin: [APP], credentials: true, exposeHeaders: ['x-total'] }), {
      headers: { origin: APP },
    });
    expect(r.headers['access-control-allow-origin']).toBe(APP);
    expect(r.headers['access-control-allow-credentials']).toBe('true');
    expect(r.headers['access-control-expose-headers']).toBe('x-total');
    expect(r.headers.vary).toBe('Origin');
  });

  it('gives a disallowed origin no CORS headers but Vary: Origin, and still runs the handler (Fetch standard, CORS protocol and HTTP caches)', async () => {
    const r = await runFake(cors({ origin: [APP], credentials: true }), {
      headers: { origin: 'https://evil.example' },
    });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers['access-control-allow-credentials']).toBeUndefined();
    expect(r.headers.vary).toBe('Origin');
    expect(r.reached).toBe(true);
  });

  it('refuses Origin: null unless allowNullOrigin (RFC 6454 §7.3)', async () => {
    const off = await runFake(cors({ origin: [APP] }), { headers: { origin: 'null' } });
    expect(off.headers['access-control-allow-origin']).toBeUndefined();
    const on = await runFake(cors({ origin: [APP], allowNullOrigin: true }), { headers: { origin: 'null' } });
    expect(on.headers['access-control-allow-origin']).toBe('null');
  });

  it.each([
    'https://app.example.evil.example',
    'https://evil-app.example',
    'https://app.example:8443',
    'http://app.example',
  ])('rejects look-alike origin %s with exact and anchored pattern config (RFC 6454 §4)', async (origin) => {
    for (const option of [[APP], /^https:\/\/([a-z0-9-]+\.)?app\.example$/]) {
      const r = await runFake(cors({ origin: option as never }), { headers: { origin } });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('anchors both sides of a top-level alternation in a pattern', async () => {
    const mw = cors({ origin: /^https:\/\/a\.example|https:\/\/b\.example$/ });
    const ok = await runFake(mw, { headers: { origin: 'https://a.example' } });
    expect(ok.headers['access-control-allow-origin']).toBe('https://a.example');
    const bad = await runFake(mw, { headers: { origin: 'https://a.example.evil.example' } });
    expect(bad.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each(['https://app.example/', 'HTTPS://APP.EXAMPLE'])(
    'rejects non-serialized origin %s (RFC 6454 §6.2)',
    async (origin) => {
      const r = await runFake(cors({ origin: [APP] }), { headers: { origin } });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    },
  );

  it('rejects an Origin list and never puts a list in ACAO (Fetch standard, Access-Control-Allow-Origin)', async () => {
    const mw = cors({ origin: [APP, 'https://b.example'] });
    const joined = await runFake(mw, { headers: { origin: `${APP}, https://b.example` } });
    expect(joined.headers['access-control-allow-origin']).toBeUndefined();
    const twoLines = await runFake(mw, { headers: { origin: [APP, 'https://b.example'] } });
    expect(twoLines.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rejects an Origin carrying CR/LF without reflecting it', async () => {
    const mw = cors({ origin: () => true });
    const r = await runFake(mw, { headers: { origin: `${APP}\r\nSet-Cookie: a=b` } });
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('matches a g-flag RegExp the same way every time (expressjs/cors #220)', async () => {
    const mw = cors({ origin: /^https:\/\/app\.example$/g });
    for (let i = 0; i < 3; i++) {
      const r = await runFake(mw, { headers: { origin: APP } });
      expect(r.headers['access-control-allow-origin']).toBe(APP);
    }
  });

  it('passes the origin and context to a predicate, which may be async', async () => {
    const seen: string[] = [];
    const mw = cors({
      origin: async (origin, ctx) => {
        seen.push(`${origin} ${ctx.req.path}`);
        return origin.endsWith('.partner.example');
      },
    });
    const r = await runFake(mw, { target: '/x', headers: { origin: 'https://a.partner.example' } });
    expect(r.headers['access-control-allow-origin']).toBe('https://a.partner.example');
    expect(r.headers.vary).toBe('Origin');
    expect(seen).toEqual(['https://a.partner.example /x']);
  });

  it('never copies the request’s Vary into the response (GHSA-q7jf-gf43-6x6p)', async () => {
    const r = await runFake(cors({ origin: [APP] }), { headers: { origin: APP, vary: 'Cookie' } });
    expect(r.headers.vary).toBe('Origin');
  });

  it('appends Origin to the application’s Vary (hono #4471)', async () => {
    const r = await runFake(
      cors({ origin: [APP] }),
      { headers: { origin: APP } },
      { headers: { Vary: 'Accept-Encoding' } },
    );
    expect(r.headers.vary).toBe('Accept-Encoding, Origin');
  });

  it('sends Vary: Origin on responses without Origin (Fetch standard, CORS protocol and HTTP caches)', async () => {
    const r = await runFake(cors({ origin: [APP] }));
    expect(r.headers.vary).toBe('Origin');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('puts CORS headers on the chain’s own rejections', async () => {
    const r = await runFake(compose([cors({ origin: [APP], credentials: true }), deny401]), {
      headers: { origin: APP },
    });
    expect(r.status).toBe(401);
    expect(r.headers['access-control-allow-origin']).toBe(APP);
    expect(r.headers['access-control-allow-credentials']).toBe('true');
  });

  it('stamps at the head: what the application removed or reset comes back', async () => {
    const r = await runFake(
      cors({ origin: [APP] }),
      { headers: { origin: APP } },
      {
        run: (host) => {
          host.removeHeader('access-control-allow-origin');
          host.removeHeader('vary');
        },
      },
    );
    expect(r.headers['access-control-allow-origin']).toBe(APP);
    expect(r.headers.vary).toBe('Origin');
  });
});

describe('cors: preflight', () => {
  it('answers a genuine preflight 204 without reaching the application (RFC 9110 §15.3.5)', async () => {
    const r = await runFake(
      cors({ origin: [APP], credentials: true, maxAge: 600, allowHeaders: ['authorization'] }),
      preflight(APP),
    );
    expect(r.status).toBe(204);
    expect(r.reached).toBe(false);
    expect(r.body).toBeUndefined();
    expect(r.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(r.headers['content-length']).toBeUndefined();
  });

  it('lets OPTIONS without Access-Control-Request-Method through to the application (Fetch standard, CORS-preflight request)', async () => {
    const r = await runFake(cors({ origin: [APP] }), { method: 'OPTIONS', headers: { origin: APP } });
    expect(r.reached).toBe(true);
    expect(r.status).toBe(200);
  });

  it('lets OPTIONS without Origin through to the application', async () => {
    const r = await runFake(cors(), {
      method: 'OPTIONS',
      headers: { 'access-control-request-method': 'GET' },
    });
    expect(r.reached).toBe(true);
  });

  it('answers a preflight from a disallowed origin 403 without CORS headers', async () => {
    const r = await runFake(cors({ origin: [APP] }), preflight('https://evil.example'));
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers['access-control-allow-methods']).toBeUndefined();
    expect(r.headers.vary).toBe('Origin');
    expect(r.ctx.rejection?.policy).toBe('cors');
  });

  it('lists the allowed methods and never echoes a disallowed one (Fetch standard, CORS-preflight fetch)', async () => {
    const r = await runFake(cors({ allowMethods: ['GET', 'POST'] }), {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'DELETE' },
    });
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-methods']).toBe('GET, POST');
  });

  it('lists Authorization explicitly, never relying on * with credentials (Fetch standard, Access-Control-Allow-Headers)', async () => {
    const r = await runFake(
      cors({ origin: [APP], credentials: true }),
      preflight(APP, { 'access-control-request-headers': 'x-a, Authorization' }),
    );
    expect(r.headers['access-control-allow-headers']).toBe('x-a, authorization');
  });

  it('reflects only token-valid requested names and varies on the request (CWE-113)', async () => {
    const r = await runFake(
      cors(),
      preflight(APP, {
        'access-control-request-headers': 'x-ok,  foo\r\nSet-Cookie: a=b , x"bad, ,X-OK, content-type',
      }),
    );
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-headers']).toBe('x-ok, content-type');
    expect(r.headers.vary).toBe('Access-Control-Request-Headers');
  });

  it('handles x + 200 000 spaces + x in Access-Control-Request-Headers with bounded output (hono 93fc250d)', async () => {
    const r = await runFake(
      cors(),
      preflight(APP, { 'access-control-request-headers': `x${' '.repeat(200_000)}x` }),
    );
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('splits a long header list in linear time and caps the reflected names', () => {
    const many = Array.from({ length: 500 }, (_, i) => `h${i}`).join(',');
    expect(requestedHeaderNames(many)).toHaveLength(64);
    expect(requestedHeaderNames(`a${' '.repeat(3000)},b`)).toEqual(['a', 'b']);
    // Linear scan: a pathological 4 KiB value of separators costs one pass.
    expect(requestedHeaderNames(' ,'.repeat(2048))).toEqual([]);
  });

  it('answers the same allow-list on every preflight when allowHeaders is explicit', async () => {
    const r = await runFake(
      cors({ allowHeaders: ['content-type'] }),
      preflight(APP, { 'access-control-request-headers': 'x-evil' }),
    );
    expect(r.headers['access-control-allow-headers']).toBe('content-type');
    expect(r.headers.vary).toBeUndefined();
  });
});

describe('cors: fuzzing what is reflected', () => {
  it('reflects only tokens, at most 64, from any Access-Control-Request-Headers', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 600 }), (value) => {
        const names = requestedHeaderNames(value);
        expect(names.length).toBeLessThanOrEqual(64);
        for (const n of names) expect(n).toMatch(/^[!#$%&'*+\-.^_`|~0-9a-z]+$/);
      }),
    );
  });

  it('never reflects an Origin that is not a clean serialized origin', async () => {
    const mw = cors({ origin: () => true });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), async (origin) => {
        const r = await runFake(mw, { headers: { origin } });
        const acao = r.headers['access-control-allow-origin'];
        if (acao !== undefined) {
          expect(acao).toBe(origin);
          expect(acao).toMatch(/^[a-z][a-z0-9+.-]*:\/\/[\x21-\x7e]+$/);
          expect(acao).not.toMatch(/[,\s/]$|,/);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('cors: per-request path', () => {
  const inbound = (mw: Middleware, req: FakeRequest) => {
    const host = new FakeHost(req);
    const ctx = new Context(host, {});
    const out = phasesOf(mw)!.before!(ctx);
    // Nothing is written on the way in: the headers wait for the head.
    const before = host.resHeaders.size;
    phasesOf(mw)!.head!(ctx);
    return { host, out, before };
  };

  it('handles an allowed origin and a request without Origin synchronously, with a few header writes', () => {
    const mw = cors({ origin: [APP], credentials: true });
    const allowed = inbound(mw, { headers: { origin: APP } });
    expect(allowed.out).toBeUndefined();
    expect(allowed.before).toBe(0);
    expect(Object.fromEntries([...allowed.host.resHeaders].map(([k, v]) => [k, v.value]))).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': APP,
      'access-control-allow-credentials': 'true',
    });
    const none = inbound(mw, {});
    expect(none.out).toBeUndefined();
    expect([...none.host.resHeaders.keys()]).toEqual(['vary']);
  });

  it('asks an origin predicate once per request', async () => {
    let asked = 0;
    const mw = cors({
      origin: async (origin) => {
        asked++;
        return origin === APP;
      },
    });
    const r = await runFake(mw, { headers: { origin: APP } });
    expect(asked).toBe(1);
    expect(r.headers['access-control-allow-origin']).toBe(APP);
  });

  it('keeps an Access-Control-Allow-Origin the application set itself (the application wins)', async () => {
    const r = await runFake(
      cors({ origin: [APP] }),
      { headers: { origin: APP } },
      {
        headers: { 'Access-Control-Allow-Origin': 'https://other.example' },
      },
    );
    expect(r.headers['access-control-allow-origin']).toBe('https://other.example');
  });

  it('re-adds Origin to a Vary the application replaced, keeping its value', async () => {
    const r = await runFake(cors({ origin: [APP] }), {}, { headers: { Vary: 'Accept-Language' } });
    expect(r.headers.vary).toBe('Accept-Language, Origin');
    const star = await runFake(cors({ origin: [APP] }), {}, { headers: { Vary: '*' } });
    expect(star.headers.vary).toBe('*');
  });

  it("sends Access-Control-Allow-Origin '*' and Expose-Headers, with no Vary, for origin '*'", async () => {
    const r = await runFake(cors({ exposeHeaders: ['x-total'] }), { headers: { origin: APP } });
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-expose-headers']).toBe('x-total');
    expect(r.headers.vary).toBeUndefined();
  });
});
