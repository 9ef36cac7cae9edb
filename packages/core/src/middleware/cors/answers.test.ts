import { describe, expect, it } from 'vitest';
import { FakeHost, runFake } from '../../_testing';
import type { Chain } from '../../compose';
import { Context } from '../../context';
import { phasesOf } from '../../phases';
import { bouncer } from '../../policy';
import { cors } from './index';

// The CORS headers of actual requests and preflights for each kind of origin option, and the
// policy's split of CORS around the IP filter and the rate limit.

const APP = 'https://app.example';
const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT', ...extra },
});

describe('cors: an origin predicate', () => {
  it('grants an origin it says true to, synchronously, and nothing else', async () => {
    for (const [verdict, granted] of [
      [true, APP],
      [false, undefined],
      ['yes', undefined],
      [undefined, undefined],
    ] as const) {
      const r = await runFake(cors({ origin: () => verdict as never }), { headers: { origin: APP } });
      expect(r.headers['access-control-allow-origin'], String(verdict)).toBe(granted);
      expect(r.headers.vary).toBe('Origin');
    }
    const ctx = new Context(new FakeHost({ headers: { origin: APP } }), {});
    expect(phasesOf(cors({ origin: () => true }))!.before!(ctx)).toBeUndefined();
  });

  it('grants only a true from an asynchronous predicate', async () => {
    for (const [verdict, granted] of [
      [true, APP],
      [false, undefined],
      ['yes', undefined],
    ] as const) {
      const r = await runFake(cors({ origin: async () => verdict as never }), { headers: { origin: APP } });
      expect(r.headers['access-control-allow-origin'], String(verdict)).toBe(granted);
    }
  });

  it('is not asked without Origin, and answers null only when allowed', async () => {
    let asked = 0;
    const ask = () => {
      asked++;
      return true;
    };
    const none = await runFake(cors({ origin: ask }));
    expect(none.headers['access-control-allow-origin']).toBeUndefined();
    expect(none.headers.vary).toBe('Origin');
    const nul = await runFake(cors({ origin: ask, allowNullOrigin: true }), { headers: { origin: 'null' } });
    expect(nul.headers['access-control-allow-origin']).toBe('null');
    const refused = await runFake(cors({ origin: ask }), { headers: { origin: 'null' } });
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(asked).toBe(0);
  });

  it('answers a preflight after an asynchronous verdict', async () => {
    const r = await runFake(cors({ origin: async (o) => o === APP }), preflight(APP));
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-origin']).toBe(APP);
    const no = await runFake(cors({ origin: async () => false }), preflight(APP));
    expect(no.status).toBe(403);
    expect(JSON.parse(no.body!).detail).toBe('Origin not allowed');
    expect(no.ctx.rejection?.policy).toBe('cors');
  });
});

describe('cors: configured origins', () => {
  it('answers a request without Origin when patterns are configured', async () => {
    const r = await runFake(cors({ origin: [APP, /^https:\/\/[a-z]+\.partner\.example$/] }));
    expect(r.status).toBe(200);
    expect(r.headers.vary).toBe('Origin');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends Allow-Credentials only with credentials, and no empty Expose-Headers', async () => {
    const plain = await runFake(cors({ origin: [APP], exposeHeaders: [] }), { headers: { origin: APP } });
    expect(plain.headers['access-control-allow-origin']).toBe(APP);
    expect(plain.headers['access-control-allow-credentials']).toBeUndefined();
    expect(plain.headers['access-control-expose-headers']).toBeUndefined();
  });

  it('keeps the application’s own grant, varying on Origin only when the answer depends on it', async () => {
    const own = { headers: { 'Access-Control-Allow-Origin': 'https://own.example' } };
    const listed = await runFake(cors({ origin: [APP] }), { headers: { origin: APP } }, own);
    expect(listed.headers['access-control-allow-origin']).toBe('https://own.example');
    expect(listed.headers.vary).toBe('Origin');
    const any = await runFake(cors(), { headers: { origin: APP } }, own);
    expect(any.headers['access-control-allow-origin']).toBe('https://own.example');
    expect(any.headers.vary).toBeUndefined();
  });

  it('treats a request with Access-Control-Request-Method as a preflight only on OPTIONS', async () => {
    const r = await runFake(cors({ origin: [APP] }), {
      method: 'GET',
      headers: { origin: APP, 'access-control-request-method': 'PUT' },
    });
    expect(r.reached).toBe(true);
    expect(r.status).toBe(200);
  });
});

describe('cors: preflight answers', () => {
  it('carries no Expose-Headers, and Max-Age 0 when configured', async () => {
    const r = await runFake(cors({ origin: [APP], exposeHeaders: ['x-total'], maxAge: 0 }), preflight(APP));
    expect(r.status).toBe(204);
    expect(r.headers['access-control-expose-headers']).toBeUndefined();
    expect(r.headers['access-control-max-age']).toBe('0');
  });

  it('sends no Allow-Headers for an empty allowHeaders list', async () => {
    const r = await runFake(
      cors({ origin: [APP], allowHeaders: [] }),
      preflight(APP, { 'access-control-request-headers': 'x-a' }),
    );
    expect(r.status).toBe(204);
    expect(r.headers['access-control-allow-headers']).toBeUndefined();
  });

  it('trims spaces and tabs around each requested name', async () => {
    const r = await runFake(
      cors({ origin: [APP] }),
      preflight(APP, { 'access-control-request-headers': ' \tX-A\t ,y ,\tz' }),
    );
    expect(r.headers['access-control-allow-headers']).toBe('x-a, y, z');
  });

  it('reflects a request-headers value of up to 4096 characters, and nothing from a longer one', async () => {
    const value = (n: number) => `x-a,${' '.repeat(n - 8)},x-b`;
    const ok = await runFake(
      cors({ origin: [APP] }),
      preflight(APP, { 'access-control-request-headers': value(4096) }),
    );
    expect(ok.headers['access-control-allow-headers']).toBe('x-a, x-b');
    const long = await runFake(
      cors({ origin: [APP] }),
      preflight(APP, { 'access-control-request-headers': value(4097) }),
    );
    expect(long.headers['access-control-allow-headers']).toBeUndefined();
  });
});

describe('cors in the policy: the preflight layer after the gates', () => {
  const denied = { peer: '203.0.113.9' };

  it('grants nothing to a preflight the IP filter refused, for listed origins and predicates', async () => {
    const listed = bouncer({
      timing: { log: false },
      cors: { origin: [APP] },
      ipFilter: { deny: ['203.0.113.0/24'] },
    });
    const byPredicate = bouncer(
      { timing: { log: false }, cors: { origin: [APP] }, ipFilter: { deny: ['203.0.113.0/24'] } },
      { corsOrigin: () => true },
    );
    for (const chain of [listed, byPredicate]) {
      const r = await runFake(chain, { ...preflight(APP), ...denied });
      expect(r.status).toBe(403);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
      expect(r.headers.vary).toBe('Origin');
      const ok = await runFake(chain, preflight(APP));
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(APP);
    }
  });

  it('names its layers cors and corsPreflight', () => {
    expect(cors().name).toBe('cors');
    const chain = bouncer({ timing: { log: false }, cors: true }) as Chain;
    const names = chain.middleware.map((m) => m.name);
    expect(names).toContain('cors');
    expect(names).toContain('corsPreflight');
  });
});

describe('cors in the policy: OPTIONS without an Origin', () => {
  // `Access-Control-Request-Method` alone is no preflight (Fetch standard): a browser always
  // sends `Origin` on one. Such a request is an actual request and reaches the application.
  const bare = { method: 'OPTIONS', headers: { 'access-control-request-method': 'PUT' } };

  it("passes through to the application with the actual request's headers", async () => {
    const r = await runFake(bouncer({ timing: { log: false }, cors: true }), bare, { status: 200 });
    expect(r.reached).toBe(true);
    expect(r.status).toBe(200);
    expect(r.headers['access-control-allow-origin']).toBe('*');
    expect(r.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('still varies on Origin when a predicate decides', async () => {
    const r = await runFake(
      bouncer({ timing: { log: false }, cors: { origin: [APP] } }, { corsOrigin: () => true }),
      bare,
    );
    expect(r.reached).toBe(true);
    expect(r.headers.vary).toBe('Origin');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('cors: the Vary the application sent', () => {
  it('puts Origin into an empty Vary', async () => {
    const r = await runFake(cors({ origin: [APP] }), { headers: { origin: APP } }, { headers: { Vary: '' } });
    expect(r.headers.vary).toBe('Origin');
    expect(r.headers['access-control-allow-origin']).toBe(APP);
  });
});
