import {
  CompactSign,
  type CryptoKey,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeHost, type FakeRequest, runFake } from '../../_testing';
import { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phasesOf } from '../../phases';
import { RecentBearers, VerifiedTokens } from './cache';
import { type JwtAuthOptions, jwtAuth } from './index';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const enc = new TextEncoder();
const b64url = (s: string | Uint8Array) =>
  btoa(typeof s === 'string' ? s : String.fromCharCode(...s))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const now = () => Math.floor(Date.now() / 1000);

let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let ec: { publicKey: CryptoKey; privateKey: CryptoKey };
let rsaPem: string;
let ecPem: string;
let rsaJwk: JWK;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  ec = await generateKeyPair('ES256', { extractable: true });
  rsaPem = await exportSPKI(rsa.publicKey);
  ecPem = await exportSPKI(ec.publicKey);
  rsaJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1' };
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

function hs(payload: JWTPayload = {}, header: Record<string, unknown> = {}, secret = SECRET) {
  return new SignJWT({ sub: 'u1', exp: now() + 3600, ...payload })
    .setProtectedHeader({ alg: 'HS256', ...header })
    .sign(enc.encode(secret));
}

/** Signs a raw payload string, for claims JSON.stringify cannot produce (1e400). */
function hsRaw(payload: string, header: Record<string, unknown> = { alg: 'HS256' }) {
  return new CompactSign(enc.encode(payload)).setProtectedHeader(header as never).sign(enc.encode(SECRET));
}

/** HMAC-signs any header and payload by hand, for headers jose refuses to produce. */
async function hmacRaw(header: object, payload: string) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(payload)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    enc.encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return `${input}.${b64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(input))))}`;
}

function rs(payload: JWTPayload = {}, header: Record<string, unknown> = {}, key = rsa.privateKey) {
  return new SignJWT({ sub: 'u1', exp: now() + 3600, ...payload })
    .setProtectedHeader({ alg: 'RS256', ...header })
    .sign(key);
}

function bearer(token: string, extra: Record<string, string | string[]> = {}) {
  return { headers: { authorization: `Bearer ${token}`, ...extra } };
}

const hsAuth = (o: Partial<JwtAuthOptions> = {}) => jwtAuth({ algorithms: ['HS256'], secret: SECRET, ...o });

async function expectInvalid(mw: ReturnType<typeof jwtAuth>, token: string) {
  const r = await runFake(mw, bearer(token));
  expect(r.status).toBe(401);
  expect(r.reached).toBe(false);
  expect(r.headers['www-authenticate']).toBe(
    'Bearer realm="api", error="invalid_token", error_description="The access token is invalid"',
  );
  expect(r.errors).toEqual([]);
  return r;
}

describe('jwtAuth: configuration', () => {
  it('requires a non-empty algorithms allow-list', () => {
    expect(() => jwtAuth({ secret: SECRET } as never)).toThrow(/algorithms` is required/);
    expect(() => jwtAuth({ algorithms: [], secret: SECRET })).toThrow(ConfigError);
  });

  it.each(['none', 'None', 'NONE'])('refuses alg %s at startup (RFC 8725 §3.1)', (alg) => {
    expect(() => jwtAuth({ algorithms: [alg as never], secret: SECRET })).toThrow(/none/);
  });

  it('refuses a key type that cannot serve a listed algorithm (RFC 8725 §2.1)', () => {
    expect(() => jwtAuth({ algorithms: ['RS256'], secret: SECRET })).toThrow(/HS\* only/);
    expect(() => jwtAuth({ algorithms: ['HS256'], publicKey: rsaPem })).toThrow(/needs `secret`/);
    expect(() => jwtAuth({ algorithms: ['RS256'], publicKey: ecPem })).toThrow(/cannot verify any/);
    expect(() => jwtAuth({ algorithms: ['ES256'], publicKey: rsa.publicKey })).toThrow(/cannot verify any/);
    expect(() => jwtAuth({ algorithms: ['RS256', 'ES256'], publicKey: rsaPem })).toThrow(
      /no configured key can verify it/,
    );
    expect(() => jwtAuth({ algorithms: ['RS256'], publicKey: rsa.privateKey })).toThrow(/private/);
    expect(() => jwtAuth({ algorithms: ['RS256'], publicKey: { kty: 'oct', k: 'abc' } })).toThrow(
      /symmetric/,
    );
    expect(() =>
      jwtAuth({
        algorithms: ['RS256'],
        publicKey: '-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----',
      }),
    ).toThrow(/private/);
  });

  it('refuses an HMAC secret shorter than the hash (RFC 7518 §3.2)', () => {
    expect(() => jwtAuth({ algorithms: ['HS256'], secret: 'short' })).toThrow(/32/);
    expect(() => jwtAuth({ algorithms: ['HS512'], secret: SECRET })).toThrow(/64/);
  });

  it('needs exactly one key source, and an https JWKS URL', () => {
    expect(() => jwtAuth({ algorithms: ['RS256'] })).toThrow(/exactly one/);
    expect(() =>
      jwtAuth({ algorithms: ['RS256'], publicKey: rsaPem, jwksUri: 'https://idp.example/jwks' }),
    ).toThrow(/exactly one/);
    expect(() => jwtAuth({ algorithms: ['RS256'], jwksUri: 'http://idp.example/jwks' })).toThrow(/https/);
    expect(() => jwtAuth({ algorithms: ['HS256'], jwksUri: 'https://idp.example/jwks' })).toThrow(
      /needs `secret`/,
    );
    expect(() => jwtAuth({ algorithms: ['RS256'], jwksUri: 'http://127.0.0.1:1/jwks' })).not.toThrow();
  });

  it('refuses unknown options, a realm that breaks the challenge, bad numbers', () => {
    expect(() => hsAuth({ audiance: 'api' } as never)).toThrow(/did you mean `audience`/);
    expect(() => hsAuth({ realm: 'a"b' })).toThrow(/realm/);
    expect(() => hsAuth({ clockTolerance: -1 })).toThrow(/clockTolerance/);
    expect(() => hsAuth({ cacheSize: 1.5 })).toThrow(/cacheSize/);
    expect(() => hsAuth({ cookie: 'a b' })).toThrow(/cookie/);
    expect(() => hsAuth({ public: [{ path: 'health' }] })).toThrow(/public/);
    expect(() => hsAuth({ public: [{ path: '/a*' }] })).toThrow(/public/);
  });
});

describe('jwtAuth: accepted tokens', () => {
  it('accepts a valid HS256 token and puts its frozen claims on ctx.state.auth', async () => {
    const r = await runFake(hsAuth(), bearer(await hs({ role: 'admin' })));
    expect(r.status).toBe(200);
    expect(r.reached).toBe(true);
    expect(r.state.auth).toMatchObject({ sub: 'u1', role: 'admin' });
    expect(Object.isFrozen(r.state.auth)).toBe(true);
  });

  it('verifies RS256 with a PEM, a JWK and a CryptoKey, and ES256 with a PEM', async () => {
    const token = await rs();
    for (const publicKey of [rsaPem, rsaJwk, rsa.publicKey]) {
      const r = await runFake(jwtAuth({ algorithms: ['RS256'], publicKey }), bearer(token));
      expect(r.status).toBe(200);
    }
    const es = await new SignJWT({ exp: now() + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(ec.privateKey);
    const r = await runFake(jwtAuth({ algorithms: ['ES256'], publicKey: ecPem }), bearer(es));
    expect(r.status).toBe(200);
  });

  it('selects among several public keys by kid', async () => {
    const other = await generateKeyPair('RS256', { extractable: true });
    const otherJwk = { ...(await exportJWK(other.publicKey)), kid: 'rsa-2' };
    const mw = jwtAuth({ algorithms: ['RS256'], publicKey: [rsaJwk, otherJwk] });
    expect((await runFake(mw, bearer(await rs({}, { kid: 'rsa-2' }, other.privateKey)))).status).toBe(200);
    expect((await runFake(mw, bearer(await rs({}, { kid: 'rsa-1' })))).status).toBe(200);
    await expectInvalid(mw, await rs({}, { kid: 'rsa-1' }, other.privateKey));
  });

  it('accepts a lower-case bearer scheme (RFC 6750 §2.1, RFC 9110 §11.1)', async () => {
    const r = await runFake(hsAuth(), { headers: { authorization: `bearer ${await hs()}` } });
    expect(r.status).toBe(200);
  });

  it('accepts exp within the clock tolerance (RFC 7519 §4.1.4)', async () => {
    const r = await runFake(hsAuth({ clockTolerance: 5 }), bearer(await hs({ exp: now() - 3 })));
    expect(r.status).toBe(200);
  });

  it('accepts a token without exp only when requireExp is false', async () => {
    const token = await hsRaw(JSON.stringify({ sub: 'u1' }));
    await expectInvalid(hsAuth(), token);
    expect((await runFake(hsAuth({ requireExp: false }), bearer(token))).status).toBe(200);
  });

  it('checks audience and issuer when configured (RFC 7519 §4.1.3, RFC 7519 §4.1.1)', async () => {
    const mw = hsAuth({ audience: 'api', issuer: 'https://idp.example' });
    const ok = await runFake(mw, bearer(await hs({ aud: ['other', 'api'], iss: 'https://idp.example' })));
    expect(ok.status).toBe(200);
    await expectInvalid(mw, await hs({ iss: 'https://idp.example' }));
    await expectInvalid(mw, await hs({ aud: 'other', iss: 'https://idp.example' }));
    await expectInvalid(mw, await hs({ aud: 'api', iss: 'https://idp.example.evil' }));
    await expectInvalid(mw, await hs({ aud: 'api' }));
  });

  it('reads the token from the opt-in cookie, header first (RFC 6750 §2)', async () => {
    const good = await hs();
    const mw = hsAuth({ cookie: 'session' });
    expect((await runFake(mw, { headers: { cookie: `a=1; session=${good}` } })).status).toBe(200);
    expect((await runFake(mw, { headers: { cookie: `session="${good}"` } })).status).toBe(200);
    expect((await runFake(mw, bearer(good, { cookie: 'session=bad.bad.bad' }))).status).toBe(200);
    const r = await runFake(mw, bearer('bad.bad.bad', { cookie: `session=${good}` }));
    expect(r.status).toBe(401);
    expect((await runFake(hsAuth(), { headers: { cookie: `session=${good}` } })).status).toBe(401);
  });
});

describe('jwtAuth: rejected tokens', () => {
  it('answers a request without a token with a bare Bearer challenge', async () => {
    const r = await runFake(hsAuth({ realm: 'shop' }));
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="shop"');
    expect(r.ctx.rejection).toEqual({ policy: 'jwtAuth', reason: 'no token' });
  });

  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'rejects alg %s with an empty signature (RFC 8725 §3.1)',
    async (alg) => {
      const token = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: 'u1', exp: now() + 60 }))}.`;
      await expectInvalid(hsAuth(), token);
      await expectInvalid(hsAuth(), `${token}AAAA`);
    },
  );

  it('rejects an HS256 token keyed with the server’s RSA public key (RFC 8725 §2.1, RS/HS confusion)', async () => {
    const mw = jwtAuth({ algorithms: ['RS256'], publicKey: rsaPem });
    const forged = await new SignJWT({ sub: 'admin', exp: now() + 60 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(enc.encode(rsaPem));
    await expectInvalid(mw, forged);
  });

  it('rejects a valid signature with an alg outside the allow-list (RFC 8725 §3.1)', async () => {
    const long = SECRET.repeat(2);
    const mw = jwtAuth({ algorithms: ['HS256'], secret: long });
    const hs512 = await new SignJWT({ exp: now() + 60 })
      .setProtectedHeader({ alg: 'HS512' })
      .sign(enc.encode(long));
    const r = await expectInvalid(mw, hs512);
    expect(r.ctx.rejection?.reason).toBe('algorithm not allowed');
  });

  it('rejects exp = now - 1 and exp = now (RFC 7519 §4.1.4)', async () => {
    const r = await expectInvalid(hsAuth(), await hs({ exp: now() - 1 }));
    expect(r.ctx.rejection?.reason).toBe('token expired');
    await expectInvalid(hsAuth(), await hs({ exp: now() }));
  });

  it.each(['"9999999999"', '0', '1e400', 'null', '[]', '-1', '-1e400'])(
    'rejects exp: %s (RFC 7519 §2 NumericDate, honojs/hono a5bd9ebe)',
    async (exp) => {
      await expectInvalid(hsAuth(), await hsRaw(`{"sub":"u1","exp":${exp}}`));
    },
  );

  it('says why a date claim jose lets through is refused: it is not finite', async () => {
    const r = await expectInvalid(hsAuth(), await hsRaw(`{"sub":"u1","exp":1e400}`));
    expect(r.ctx.rejection?.reason).toBe('non-finite date claim');
    expect(JSON.parse(r.body!).detail).toBe('Invalid access token');
  });

  it.each(['1e400', '"0"'])(
    'rejects nbf or iat %s, and a future nbf (RFC 7519 §4.1.5, §4.1.6)',
    async (value) => {
      const exp = now() + 60;
      await expectInvalid(hsAuth(), await hsRaw(`{"exp":${exp},"nbf":${value}}`));
      await expectInvalid(hsAuth(), await hsRaw(`{"exp":${exp},"iat":${value}}`));
      await expectInvalid(hsAuth(), await hs({ nbf: now() + 3600 }));
    },
  );

  it('rejects an iat older than maxTokenAge (RFC 7519 §4.1.6)', async () => {
    const mw = hsAuth({ maxTokenAge: 60 });
    await expectInvalid(mw, await hs({ iat: now() - 3600 }));
    await expectInvalid(mw, await hs());
    expect((await runFake(mw, bearer(await hs({ iat: now() })))).status).toBe(200);
  });

  it('rejects typ JWT where at+jwt is required (RFC 8725 §3.11)', async () => {
    const mw = hsAuth({ typ: 'at+jwt' });
    await expectInvalid(mw, await hs({}, { typ: 'JWT' }));
    expect((await runFake(mw, bearer(await hs({}, { typ: 'at+jwt' })))).status).toBe(200);
  });

  it('ignores jku, x5u and embedded jwk headers pointing at attacker keys (RFC 8725 §3.10)', async () => {
    const attacker = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(attacker.publicKey);
    const token = await rs(
      { sub: 'admin' },
      { jwk, jku: 'https://evil.example/jwks', x5u: 'https://evil.example/c' },
      attacker.privateKey,
    );
    await expectInvalid(jwtAuth({ algorithms: ['RS256'], publicKey: rsaJwk }), token);
  });

  it.each([
    ['a path', '../../dev/null'],
    ['SQL', "' OR 1=1--"],
    ['10 KB', 'k'.repeat(10_000)],
  ])('treats a %s kid as an opaque lookup: 401, no 500 (RFC 8725 §3.10)', async (_, kid) => {
    const mw = jwtAuth({ algorithms: ['RS256'], publicKey: rsaJwk, maxTokenLength: 20_000 });
    await expectInvalid(mw, await rs({}, { kid }));
  });

  it('rejects crit headers it does not understand (RFC 7515 §4.1.11)', async () => {
    const payload = JSON.stringify({ exp: now() + 60 });
    // Control: the hand-made signature itself is valid.
    expect((await runFake(hsAuth(), bearer(await hmacRaw({ alg: 'HS256' }, payload)))).status).toBe(200);
    const r = await expectInvalid(hsAuth(), await hmacRaw({ alg: 'HS256', crit: ['exp'], exp: 1 }, payload));
    expect(r.ctx.rejection?.reason).toBe('malformed token');
    await expectInvalid(
      hsAuth(),
      await hmacRaw({ alg: 'HS256', crit: ['x-custom'], 'x-custom': 1 }, payload),
    );
  });

  it('rejects malformed tokens with 401, never 500 (RFC 7515 §7.1)', async () => {
    const good = await hs();
    const [h, p, s] = good.split('.');
    const bad = [
      `${h}.${p}`,
      `${good}.${s}`,
      `${h}.${p}.${s}=`,
      `${h}.${p}~.${s}`,
      `${h}.${p}.`,
      `${b64url('[1,2]')}.${p}.${s}`,
      `${b64url('{"alg":')}.${p}.${s}`,
      await hsRaw('[1,2,3]'),
      await hsRaw('"a string"'),
      await new CompactSign(new Uint8Array([0xff, 0xfe, 0x7b]))
        .setProtectedHeader({ alg: 'HS256' })
        .sign(enc.encode(SECRET)),
      `${b64url(new Uint8Array([0xff, 0xfe]))}.${p}.${s}`,
    ];
    for (const token of bad) await expectInvalid(hsAuth(), token);
  });

  it('rejects a JWE-shaped token and JSON serialization (RFC 7515 §7.1, RFC 7516)', async () => {
    await expectInvalid(hsAuth(), 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d');
    const r = await runFake(hsAuth(), {
      headers: { authorization: 'Bearer {"payload":"x","signatures":[]}' },
    });
    expect(r.status).toBe(401);
  });

  it('answers Basic, empty Bearer and Bearer with two tokens (RFC 6750 §2.1)', async () => {
    const token = await hs();
    const basic = await runFake(hsAuth(), { headers: { authorization: `Basic ${token}` } });
    expect(basic.headers['www-authenticate']).toBe('Bearer realm="api"');
    for (const authorization of ['Bearer', 'Bearer ', `Bearer ${token} ${token}`, `Bearer ${token}!`]) {
      const r = await runFake(hsAuth(), { headers: { authorization } });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toContain('error="invalid_request"');
    }
  });

  it('rejects two Authorization fields and ambiguous duplicate cookies (RFC 6750 §2)', async () => {
    const token = await hs();
    const two = await runFake(hsAuth(), {
      headers: { authorization: [`Bearer ${token}`, 'Bearer other.other.other'] },
    });
    expect(two.status).toBe(401);
    expect(two.headers['www-authenticate']).toContain('invalid_request');
    const cookies = await runFake(hsAuth({ cookie: 's' }), { headers: { cookie: `s=${token}; s=x.y.z` } });
    expect(cookies.status).toBe(401);
  });

  it('rejects a 100 KB token before parsing it', async () => {
    const r = await expectInvalid(hsAuth(), `${'a'.repeat(50_000)}.${'b'.repeat(50_000)}.c`);
    expect(r.ctx.rejection?.reason).toBe('token too long');
  });

  it('rejects an ECDSA signature with r = s = 0 (CVE-2022-21449 class)', async () => {
    const good = await new SignJWT({ exp: now() + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(ec.privateKey);
    const [h, p] = good.split('.');
    await expectInvalid(
      jwtAuth({ algorithms: ['ES256'], publicKey: ecPem }),
      `${h}.${p}.${b64url(new Uint8Array(64))}`,
    );
  });

  it('requires a token on OPTIONS that is not a genuine preflight (Fetch standard, CORS-preflight request)', async () => {
    const r = await runFake(hsAuth(), {
      method: 'OPTIONS',
      headers: { 'access-control-request-headers': 'authorization' },
    });
    expect(r.status).toBe(401);
  });

  it('gives the same body for an expired and a forged token; the reason goes to the log only (RFC 6750 §3)', async () => {
    const expired = await runFake(hsAuth(), bearer(await hs({ exp: now() - 60 })));
    const forged = await runFake(hsAuth(), bearer(await hs({}, {}, `${SECRET}-other`)));
    expect(expired.body).toBe(forged.body);
    expect(expired.headers['www-authenticate']).toBe(forged.headers['www-authenticate']);
    expect(expired.ctx.rejection?.reason).toBe('token expired');
    expect(forged.ctx.rejection?.reason).toBe('signature verification failed');
    expect(JSON.parse(expired.body!)).toMatchObject({ status: 401, title: 'Unauthorized' });
  });
});

describe('jwtAuth: public routes', () => {
  const mw = () =>
    hsAuth({
      public: [{ method: 'GET', path: '/health' }, { path: '/docs/*' }, { method: 'GET', path: '/files/*' }],
    });

  it('lets listed routes through without a token', async () => {
    for (const [method, target] of [
      ['GET', '/health'],
      ['HEAD', '/health'],
      ['POST', '/docs'],
      ['GET', '/docs/a/b?x=1'],
      ['GET', '/files'],
      ['GET', '/files/a/b'],
    ]) {
      const r = await runFake(mw(), { method, target });
      expect(r.reached, `${method} ${target}`).toBe(true);
      expect(r.state.auth).toBeUndefined();
    }
  });

  it.each([
    ['POST', '/health'],
    ['GET', '/health/'],
    ['GET', '/documents'],
    ['GET', '/docsecret'],
    ['GET', '/docs-internal/x'],
    ['GET', '/docs/..%2fadmin'],
    ['GET', '/docs//admin'],
    ['POST', '/files/a'],
    ['DELETE', '/files'],
    ['PUT', '/files/a'],
    ['GET', '/filesystem'],
  ])(
    'requires a token for %s %s (a prefix covers itself and what is below it, for its method)',
    async (method, target) => {
      const r = await runFake(mw(), { method, target });
      expect(r.status).toBe(401);
      expect(r.reached).toBe(false);
    },
  );

  it.each([
    ['GET', '/docs/../admin'],
    ['GET', '/docs/%2e%2e/admin'],
    ['GET', '/docs/a\\..\\admin'],
    ['GET', 'http://x?/docs/a'],
  ])('answers 400 to %s %s: the target is refused before any rule judges it', async (method, target) => {
    const r = await runFake(mw(), { method, target });
    expect(r.status).toBe(400);
    expect(r.reached).toBe(false);
    expect(r.ctx.rejection?.policy).toBe('target');
  });

  it('makes HEAD follow GET only: a HEAD-only public route does not open GET', async () => {
    const head = hsAuth({ public: [{ method: 'HEAD', path: '/ping' }] });
    expect((await runFake(head, { method: 'HEAD', target: '/ping' })).reached).toBe(true);
    expect((await runFake(head, { method: 'GET', target: '/ping' })).status).toBe(401);
    // A dot segment is refused as a target before any rule (HEAD or GET) judges it.
    expect((await runFake(mw(), { method: 'HEAD', target: '/health/../admin' })).status).toBe(400);
  });

  it('accepts a predicate', async () => {
    const pred = hsAuth({ public: (ctx) => ctx.req.path === '/open' });
    expect((await runFake(pred, { target: '/open' })).reached).toBe(true);
    expect((await runFake(pred, { target: '/closed' })).status).toBe(401);
  });
});

describe('jwtAuth: verified-token cache', () => {
  it('skips signature verification for a repeat token', async () => {
    const mw = hsAuth();
    const token = await hs();
    const spy = vi.spyOn(crypto.subtle, 'verify');
    await runFake(mw, bearer(token));
    const first = spy.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    const again = await runFake(mw, bearer(token));
    expect(again.status).toBe(200);
    expect(again.state.auth).toMatchObject({ sub: 'u1' });
    expect(spy.mock.calls.length).toBe(first);
  });

  it('re-checks exp against the clock for a cached token', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const mw = hsAuth();
    const token = await hs({ exp: now() + 10 });
    expect((await runFake(mw, bearer(token))).status).toBe(200);
    vi.setSystemTime(new Date('2026-01-01T00:00:11Z'));
    const r = await runFake(mw, bearer(token));
    expect(r.status).toBe(401);
    expect(r.ctx.rejection?.reason).toBe('token expired');
  });

  it('lets a cached token age out at maxTokenAge, as the verifier would', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const mw = hsAuth({ maxTokenAge: 60 });
    const token = await hs({ iat: now() });
    expect((await runFake(mw, bearer(token))).status).toBe(200);
    vi.setSystemTime(new Date('2026-01-01T00:00:59Z'));
    expect((await runFake(mw, bearer(token))).status).toBe(200);
    vi.setSystemTime(new Date('2026-01-01T00:01:01Z'));
    const r = await runFake(mw, bearer(token));
    expect(r.status).toBe(401);
    // A fresh middleware (empty cache) refuses it as well: the cache adds nothing.
    expect((await runFake(hsAuth({ maxTokenAge: 60 }), bearer(token))).status).toBe(401);
  });

  it('keeps clockTolerance on maxTokenAge in the cache too', () => {
    const cache = new VerifiedTokens(10, 1e9, 60);
    cache.set('t', { iat: 100, exp: 1e10 }, 100_000, 5);
    expect(cache.get('t', 164_999, 5)).toBeDefined();
    expect(cache.get('t', 165_000, 5)).toBeUndefined();
    cache.set('no-iat', { exp: 1e10 }, 100_000, 0);
    expect(cache.get('no-iat', 100_001, 0)).toBeUndefined();
  });

  it('never keeps an entry beyond its max age', () => {
    const cache = new VerifiedTokens(10, 1000);
    cache.set('t', { exp: 1e10 }, 0, 0);
    expect(cache.get('t', 999, 0)).toBeDefined();
    expect(cache.get('t', 1000, 0)).toBeUndefined();
  });

  it('is bounded and evicts the least recently used token', () => {
    const cache = new VerifiedTokens(2, 60_000);
    cache.set('a', { sub: 'a' }, 0, 0);
    cache.set('b', { sub: 'b' }, 0, 0);
    cache.get('a', 1, 0);
    cache.set('c', { sub: 'c' }, 1, 0);
    expect(cache.size).toBe(2);
    expect(cache.get('b', 2, 0)).toBeUndefined();
    expect(cache.get('a', 2, 0)).toBeDefined();
    expect(cache.get('c', 2, 0)).toBeDefined();
  });

  it('does not cache a token that differs only in its signature', async () => {
    const mw = hsAuth();
    const token = await hs();
    await runFake(mw, bearer(token));
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'BB' : 'AA'}`;
    await expectInvalid(mw, tampered);
  });
});

describe('jwtAuth: remote JWKS', () => {
  function jwksServer(body: () => unknown) {
    const calls: string[] = [];
    const fetch = async (url: string) => {
      calls.push(url);
      const b = body();
      return new Response(typeof b === 'string' ? b : JSON.stringify(b), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    };
    return { calls, fetch };
  }

  it('verifies with keys from the set, fetched once and cached', async () => {
    const server = jwksServer(() => ({ keys: [{ ...rsaJwk, alg: 'RS256', use: 'sig' }] }));
    const mw = jwtAuth({
      algorithms: ['RS256'],
      jwksUri: 'https://idp.example/jwks',
      jwks: { fetch: server.fetch },
    });
    for (let i = 0; i < 3; i++) {
      const r = await runFake(mw, bearer(await rs({ n: i }, { kid: 'rsa-1' })));
      expect(r.status).toBe(200);
    }
    expect(server.calls).toEqual(['https://idp.example/jwks']);
  });

  it('fetches at most once per cooldown under a flood of random kids', async () => {
    const server = jwksServer(() => ({ keys: [{ ...rsaJwk, alg: 'RS256' }] }));
    const mw = jwtAuth({
      algorithms: ['RS256'],
      jwksUri: 'https://idp.example/jwks',
      jwks: { fetch: server.fetch },
    });
    expect((await runFake(mw, bearer(await rs({}, { kid: 'rsa-1' })))).status).toBe(200);
    for (let i = 0; i < 50; i++) {
      await expectInvalid(mw, await rs({}, { kid: `random-${i}` }));
    }
    expect(server.calls.length).toBe(1);
  });

  it.each([['<html>oops</html>'], [{ keys: {} }]])(
    'answers 503 when the key set is unusable: %j',
    async (body) => {
      const server = jwksServer(() => body);
      const mw = jwtAuth({
        algorithms: ['RS256'],
        jwksUri: 'https://idp.example/jwks',
        jwks: { fetch: server.fetch },
      });
      const r = await runFake(mw, bearer(await rs({}, { kid: 'rsa-1' })));
      expect(r.status).toBe(503);
      expect(r.ctx.rejection?.policy).toBe('jwtAuth');
      expect(r.errors).toEqual([]);
    },
  );

  it('answers 503 when the key set times out, without hanging', async () => {
    const fetch = (_url: string, init: { signal: AbortSignal }) =>
      new Promise<Response>((_, reject) =>
        init.signal.addEventListener('abort', () => reject(init.signal.reason)),
      );
    const mw = jwtAuth({
      algorithms: ['RS256'],
      jwksUri: 'https://idp.example/jwks',
      jwks: { fetch, timeout: 0.05 },
    });
    const r = await runFake(mw, bearer(await rs({}, { kid: 'rsa-1' })));
    expect(r.status).toBe(503);
  });

  it('keeps using cached keys when the key set later fails', async () => {
    let healthy = true;
    const server = jwksServer(() =>
      healthy ? { keys: [{ ...rsaJwk, alg: 'RS256' }] } : '<html>down</html>',
    );
    const mw = jwtAuth({
      algorithms: ['RS256'],
      jwksUri: 'https://idp.example/jwks',
      jwks: { fetch: server.fetch, cooldown: 0 },
      cacheSize: 0,
    });
    expect((await runFake(mw, bearer(await rs({}, { kid: 'rsa-1' })))).status).toBe(200);
    healthy = false;
    expect((await runFake(mw, bearer(await rs({ n: 2 }, { kid: 'rsa-1' })))).status).toBe(200);
  });
});

describe('jwtAuth: weak keys', () => {
  it('refuses an RSA key under 2048 bits at startup, as PEM, JWK and CryptoKey', async () => {
    // jose will not generate such a key, Web Crypto will.
    const weak = (await crypto.subtle.generateKey(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
      true,
      ['sign', 'verify'],
    )) as { publicKey: CryptoKey };
    const pem = await exportSPKI(weak.publicKey);
    const jwk = await exportJWK(weak.publicKey);
    for (const publicKey of [pem, jwk, weak.publicKey]) {
      expect(() => jwtAuth({ algorithms: ['RS256'], publicKey })).toThrow(/1024-bit RSA key/);
    }
    expect(() => jwtAuth({ algorithms: ['RS256'], publicKey: rsaPem })).not.toThrow();
  });
});

describe('jwtAuth: key types from PEM', () => {
  it.each([
    ['ES384', 'ES384', 'ES256'],
    ['ES512', 'ES512', 'ES384'],
    ['Ed25519', 'EdDSA', 'ES256'],
    ['PS256', 'PS256', 'ES256'],
  ] as const)('binds a %s key to its algorithms and verifies with it', async (gen, alg, wrong) => {
    const pair = await generateKeyPair(gen, { extractable: true });
    const pem = await exportSPKI(pair.publicKey);
    expect(() => jwtAuth({ algorithms: [wrong], publicKey: pem })).toThrow(/cannot verify any/);
    const token = await new SignJWT({ exp: now() + 60 }).setProtectedHeader({ alg }).sign(pair.privateKey);
    expect((await runFake(jwtAuth({ algorithms: [alg], publicKey: pem }), bearer(token))).status).toBe(200);
  });

  it('refuses a PEM whose body is not a readable SPKI', () => {
    expect(() =>
      jwtAuth({
        algorithms: ['RS256'],
        publicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----',
      }),
    ).toThrow(/type JWS cannot use/);
  });
});

describe('jwtAuth: per-request path', () => {
  const inbound = (mw: ReturnType<typeof jwtAuth>, req: FakeRequest) => {
    const ctx = new Context(new FakeHost(req), {} as Record<string, unknown>);
    return { ctx, out: phasesOf(mw)!.before!(ctx) };
  };

  it('admits a cached token synchronously and verifies only on a miss', async () => {
    const mw = hsAuth();
    const token = await hs();
    const first = inbound(mw, bearer(token));
    expect(first.out).toBeInstanceOf(Promise);
    await first.out;
    expect(first.ctx.state.auth).toMatchObject({ sub: 'u1' });
    for (let i = 0; i < 3; i++) {
      const again = inbound(mw, bearer(token));
      expect(again.out).toBeUndefined();
      expect(again.ctx.state.auth).toBe(first.ctx.state.auth);
    }
  });

  it('takes the shortcut only for one Authorization field: two are refused, a lower-case scheme goes through the full parse', async () => {
    const mw = hsAuth();
    const token = await hs();
    for (let i = 0; i < 3; i++) expect((await runFake(mw, bearer(token))).status).toBe(200);
    const two = await runFake(mw, { headers: { authorization: [`Bearer ${token}`, 'Bearer x.y.z'] } });
    expect(two.status).toBe(401);
    expect(two.ctx.rejection?.reason).toBe('several Authorization fields');
    const lower = inbound(mw, { headers: { authorization: `bearer ${token}` } });
    expect(lower.out).toBeUndefined();
    expect(lower.ctx.state.auth).toMatchObject({ sub: 'u1' });
  });

  it('re-checks exp for a token remembered by its Authorization field', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const mw = hsAuth();
    const token = await hs({ exp: now() + 10 });
    for (let i = 0; i < 3; i++) expect((await runFake(mw, bearer(token))).status).toBe(200);
    vi.setSystemTime(new Date('2026-01-01T00:00:11Z'));
    const r = await runFake(mw, bearer(token));
    expect(r.status).toBe(401);
    expect(r.ctx.rejection?.reason).toBe('token expired');
  });

  it('keeps no token with cacheSize 0: every request is verified', async () => {
    const mw = hsAuth({ cacheSize: 0 });
    const token = await hs();
    await runFake(mw, bearer(token));
    expect(inbound(mw, bearer(token)).out).toBeInstanceOf(Promise);
  });
});

describe('VerifiedTokens: recency', () => {
  it('moves a hit to the back only once it has drifted into the older half', () => {
    const cache = new VerifiedTokens(4, 60_000);
    for (const t of ['a', 'b', 'c', 'd']) cache.set(t, { sub: t }, 0, 0);
    cache.get('a', 1, 0); // oldest: moved to the back
    cache.get('d', 1, 0); // newest: left where it is
    cache.set('e', { sub: 'e' }, 1, 0);
    expect(cache.get('b', 2, 0)).toBeUndefined();
    expect(['a', 'c', 'd', 'e'].every((t) => cache.get(t, 2, 0) !== undefined)).toBe(true);
  });
});

describe('RecentBearers', () => {
  it('returns the token of a remembered field and forgets the oldest of more than eight', () => {
    const recent = new RecentBearers();
    for (let i = 0; i < 9; i++) recent.remember(`Bearer t${i}`, `t${i}`);
    expect(recent.token('Bearer t0')).toBeUndefined();
    expect(recent.token('Bearer t1')).toBe('t1');
    expect(recent.token('Bearer t8')).toBe('t8');
    expect(recent.token('Bearer t9')).toBeUndefined();
  });
});

describe('jwtAuth: optional authentication', () => {
  const optional = () => hsAuth({ credentialsRequired: false });

  it('lets a request without a token through with no claims', async () => {
    const r = await runFake(optional(), { target: '/feed' });
    expect(r.reached).toBe(true);
    expect(r.state.auth).toBeUndefined();
  });

  it('verifies a token that is present and puts its claims on the state', async () => {
    const r = await runFake(optional(), bearer(await hs({ sub: 'dana' })));
    expect(r.reached).toBe(true);
    expect((r.state.auth as { sub: string }).sub).toBe('dana');
  });

  it('refuses a token that is present but invalid, and malformed credentials', async () => {
    await expectInvalid(optional(), await hs({ exp: now() - 60 }));
    await expectInvalid(optional(), await hs({}, {}, `${SECRET}-other`));
    const malformed = await runFake(optional(), { headers: { authorization: 'Bearer a b' } });
    expect(malformed.status).toBe(401);
  });

  it('takes a per-route mode before `public` and `credentialsRequired`', async () => {
    const mw = hsAuth({
      public: [{ path: '/open/*' }],
      authMode: (method, path) =>
        path === '/open/secret' ? 'required' : method === 'GET' && path === '/feed' ? 'optional' : undefined,
    });
    expect((await runFake(mw, { target: '/open/secret' })).status).toBe(401);
    expect((await runFake(mw, { target: '/open/page' })).reached).toBe(true);
    expect((await runFake(mw, { target: '/feed' })).reached).toBe(true);
    expect((await runFake(mw, { target: '/other' })).status).toBe(401);
    const modes = (mw as unknown as { authModeOf: (m: string, p: string) => string }).authModeOf;
    expect([modes('GET', '/feed'), modes('GET', '/open/x'), modes('POST', '/x')]).toEqual([
      'optional',
      'public',
      'required',
    ]);
  });

  it('refuses a non-boolean credentialsRequired and a non-function authMode at startup', () => {
    expect(() => hsAuth({ credentialsRequired: 'no' as never })).toThrow(/credentialsRequired/);
    expect(() => hsAuth({ authMode: 'public' as never })).toThrow(/authMode/);
  });
});

describe('jwtAuth: identity and failures that are not the token’s fault', () => {
  it('is named jwtAuth, and names itself in configuration errors', () => {
    expect(hsAuth().name).toBe('jwtAuth');
    expect(() => hsAuth({ audiance: 'api' } as never)).toThrow(/^jwtAuth/);
  });

  it('answers 500 and reports the error when a configured key cannot be imported', async () => {
    // A point that is not on the curve passes the startup checks but fails at import: that is a
    // server misconfiguration, not an invalid token, so it must not be a 401.
    const mw = jwtAuth({ algorithms: ['ES256'], publicKey: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } });
    const token = await new SignJWT({ sub: 'u1', exp: now() + 3600 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(ec.privateKey);
    const r = await runFake(mw, bearer(token));
    expect(r.status).toBe(500);
    expect(r.reached).toBe(false);
    expect(r.errors).toHaveLength(1);
  });
});
