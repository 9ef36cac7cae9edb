import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { configErrorMessage as message, runFake } from '../../_testing';
import { type JwtAuthOptions, jwtAuth } from './index';

// jwtAuth's option checks, each with the exact error it teaches, and the options that change
// what is accepted (audience, issuer, key lists).

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const enc = new TextEncoder();
const now = () => Math.floor(Date.now() / 1000);

let rsa: CryptoKeyPair;
let ec: CryptoKeyPair;
let rsaPem: string;
let ecPem: string;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
  ]);
  rsaPem = await exportSPKI(rsa.publicKey);
  ecPem = await exportSPKI(ec.publicKey);
});

const hs = (payload: Record<string, unknown> = {}) =>
  new SignJWT({ sub: 'u1', exp: now() + 3600, ...payload })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(enc.encode(SECRET));
const hsAuth = (o: Partial<JwtAuthOptions> = {}) => jwtAuth({ algorithms: ['HS256'], secret: SECRET, ...o });
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('jwtAuth options: the errors they teach', () => {
  it('needs an options object', () => {
    for (const options of [null, undefined, 'HS256']) {
      expect(message(() => jwtAuth(options as never))).toBe(
        'jwtAuth: option `algorithms` is required: call jwtAuth({ algorithms: [...], ... })',
      );
    }
  });

  it('takes every documented option', async () => {
    const mw = jwtAuth({
      algorithms: ['HS256'],
      secret: SECRET,
      issuer: 'https://idp.example/',
      audience: 'api',
      typ: 'JWT',
      requireExp: true,
      clockTolerance: 1,
      maxTokenAge: 60,
      realm: 'r',
      cookie: 'at',
      maxTokenLength: 4096,
      public: [{ path: '/health' }],
      credentialsRequired: true,
      authMode: () => undefined,
      cacheSize: 10,
      cacheMaxAge: 10,
    });
    const token = await new SignJWT({ iss: 'https://idp.example/', aud: 'api', iat: now(), exp: now() + 60 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(enc.encode(SECRET));
    expect((await runFake(mw, bearer(token))).status).toBe(200);
  });

  it('names a bad number, saying whether it must be an integer', () => {
    expect(message(() => hsAuth({ clockTolerance: -1 }))).toBe(
      'jwtAuth: option `clockTolerance` must be a non-negative number of seconds, got -1',
    );
    expect(message(() => hsAuth({ clockTolerance: Number.NaN }))).toBe(
      'jwtAuth: option `clockTolerance` must be a non-negative number of seconds, got null',
    );
    expect(message(() => hsAuth({ maxTokenAge: Number.POSITIVE_INFINITY }))).toBe(
      'jwtAuth: option `maxTokenAge` must be a non-negative number of seconds, got null',
    );
    expect(message(() => hsAuth({ maxTokenAge: '60' as never }))).toBe(
      'jwtAuth: option `maxTokenAge` must be a non-negative number of seconds, got "60"',
    );
    expect(message(() => hsAuth({ cacheSize: 1.5 }))).toBe(
      'jwtAuth: option `cacheSize` must be a non-negative integer, got 1.5',
    );
    expect(message(() => hsAuth({ maxTokenLength: 100.5 }))).toBe(
      'jwtAuth: option `maxTokenLength` must be a non-negative integer, got 100.5',
    );
    expect(message(() => hsAuth({ cacheMaxAge: -5 }))).toBe(
      'jwtAuth: option `cacheMaxAge` must be a non-negative number of seconds, got -5',
    );
  });

  it('refuses a non-boolean requireExp and a bad typ', () => {
    expect(message(() => hsAuth({ requireExp: 'no' as never }))).toBe(
      'jwtAuth: option `requireExp` must be a boolean, got "no"',
    );
    expect(message(() => hsAuth({ typ: '' }))).toBe('jwtAuth: option `typ` must be a string, got ""');
    expect(message(() => hsAuth({ typ: 1 as never }))).toBe('jwtAuth: option `typ` must be a string, got 1');
  });

  it('refuses an empty issuer or audience, or a list holding one', () => {
    const bad = (value: unknown) =>
      `must be a non-empty string or array of them, got ${JSON.stringify(value)}`;
    for (const value of ['', [], ['a', ''], ['a', 5], 5]) {
      expect(message(() => hsAuth({ audience: value as never }))).toBe(
        `jwtAuth: option \`audience\` ${bad(value)}`,
      );
      expect(message(() => hsAuth({ issuer: value as never }))).toBe(
        `jwtAuth: option \`issuer\` ${bad(value)}`,
      );
    }
  });

  it('refuses a realm or cookie name that would break the header, or is not text', () => {
    expect(message(() => hsAuth({ realm: 'a"b' }))).toBe(
      `jwtAuth: option \`realm\` must be printable ASCII without '"' or '\\', got "a\\"b"`,
    );
    expect(message(() => hsAuth({ realm: 5 as never }))).toBe(
      `jwtAuth: option \`realm\` must be printable ASCII without '"' or '\\', got 5`,
    );
    expect(message(() => hsAuth({ cookie: 'a b' }))).toBe(
      'jwtAuth: option `cookie` must be a cookie name (an HTTP token), got "a b"',
    );
    expect(message(() => hsAuth({ cookie: 5 as never }))).toBe(
      'jwtAuth: option `cookie` must be a cookie name (an HTTP token), got 5',
    );
  });

  it('needs exactly one key source, naming what was given', () => {
    expect(message(() => jwtAuth({ algorithms: ['RS256'] }))).toBe(
      'jwtAuth: option `secret` exactly one of `secret`, `publicKey` or `jwksUri` is required',
    );
    expect(message(() => jwtAuth({ algorithms: ['RS256'], publicKey: rsaPem, jwksUri: 'https://i/j' }))).toBe(
      'jwtAuth: option `publicKey/jwksUri` exactly one of `secret`, `publicKey` or `jwksUri` is required',
    );
    expect(message(() => jwtAuth({ algorithms: ['RS256', 'HS384'], publicKey: rsaPem }))).toBe(
      'jwtAuth: option `algorithms` lists HS384, which needs `secret`: public keys never verify HMAC (RS/HS confusion)',
    );
  });

  it('takes a JWKS URL over https, or over http on loopback only', () => {
    for (const uri of [
      'https://idp.example/jwks',
      'http://localhost:1/jwks',
      'http://127.0.0.1/j',
      'http://[::1]:8/j',
    ]) {
      expect(() => jwtAuth({ algorithms: ['RS256'], jwksUri: uri })).not.toThrow();
    }
    for (const uri of [
      'http://idp.example/jwks',
      'ftp://127.0.0.1/jwks',
      'not a url',
      new URL('https://idp.example/'),
    ]) {
      expect(message(() => jwtAuth({ algorithms: ['RS256'], jwksUri: uri as never }))).toBe(
        `jwtAuth: option \`jwksUri\` must be an https URL (http only on loopback), got ${JSON.stringify(uri)}`,
      );
    }
  });

  it('checks the remote key-set options by their full name', () => {
    const jwks = (j: object) => () =>
      jwtAuth({ algorithms: ['RS256'], jwksUri: 'https://i/j', jwks: j as never });
    expect(message(jwks({ cacheMaxAg: 1 }))).toBe(
      'jwtAuth: option `jwks.cacheMaxAg` is not a known option: did you mean `jwks.cacheMaxAge`? (known: cacheMaxAge, cooldown, timeout, fetch)',
    );
    expect(message(jwks({ cacheMaxAge: -1 }))).toBe(
      'jwtAuth: option `jwks.cacheMaxAge` must be a non-negative number of seconds, got -1',
    );
    expect(message(jwks({ cooldown: -1 }))).toBe(
      'jwtAuth: option `jwks.cooldown` must be a non-negative number of seconds, got -1',
    );
    expect(message(jwks({ timeout: -1 }))).toBe(
      'jwtAuth: option `jwks.timeout` must be a non-negative number of seconds, got -1',
    );
  });

  it('names the key of a list that cannot serve the algorithms, and refuses an empty list', () => {
    expect(message(() => jwtAuth({ algorithms: ['RS256'], publicKey: [rsaPem, ecPem] }))).toBe(
      'jwtAuth: option `publicKey[1]` cannot verify any of the listed algorithms (RS256)',
    );
    expect(message(() => jwtAuth({ algorithms: ['ES256', 'ES384'], publicKey: rsaPem }))).toBe(
      'jwtAuth: option `publicKey` cannot verify any of the listed algorithms (ES256, ES384)',
    );
    expect(message(() => jwtAuth({ algorithms: ['RS256'], publicKey: [] }))).toBe(
      'jwtAuth: option `publicKey` must not be an empty array',
    );
    expect(message(() => jwtAuth({ algorithms: ['RS256', 'ES256'], publicKey: [rsaPem] }))).toBe(
      'jwtAuth: option `algorithms` lists ES256, but no configured key can verify it',
    );
  });

  it('refuses a credentialsRequired or authMode of the wrong type', () => {
    expect(message(() => hsAuth({ credentialsRequired: 'false' as never }))).toBe(
      'jwtAuth: option `credentialsRequired` must be a boolean, got "false"',
    );
    expect(message(() => hsAuth({ authMode: 'public' as never }))).toBe(
      'jwtAuth: option `authMode` must be a function, got "public"',
    );
  });

  it('refuses a public option that is neither a route list nor a function, and bad routes', () => {
    expect(message(() => hsAuth({ public: '/health' as never }))).toBe(
      'jwtAuth: option `public` must be an array of routes or a function, got "/health"',
    );
    for (const path of [
      'health',
      '/a*',
      '/a/*/b',
      '/a/../b',
      '/a/..',
      '/a/./b',
      '/a//b',
      '/a%2Fb',
      undefined,
      5,
    ]) {
      expect(message(() => hsAuth({ public: [{ path } as never] }))).toBe(
        `jwtAuth: option \`public\` paths must be exact ('/health') or end in '/*' ('/docs/*'), got ${path === undefined ? 'undefined' : JSON.stringify(path)}`,
      );
    }
    expect(message(() => hsAuth({ public: [null as never] }))).toContain('paths must be exact');
    for (const method of ['GE T', 'G1', '']) {
      expect(message(() => hsAuth({ public: [{ method, path: '/h' }] }))).toBe(
        `jwtAuth: option \`public\` has bad method ${JSON.stringify(method)}`,
      );
    }
  });
});

describe('jwtAuth options: what they accept', () => {
  it('accepts a token for any of several audiences, and keeps its own copy of the list', async () => {
    const audience = ['a', 'b'];
    const mw = hsAuth({ audience });
    audience.push('c');
    expect((await runFake(mw, bearer(await hs({ aud: 'b' })))).status).toBe(200);
    expect((await runFake(mw, bearer(await hs({ aud: 'c' })))).status).toBe(401);
    expect((await runFake(hsAuth({ audience: 'a' }), bearer(await hs({ aud: 'a' })))).status).toBe(200);
  });

  it('accepts a token from any of several issuers', async () => {
    const mw = hsAuth({ issuer: ['https://a/', 'https://b/'] });
    expect((await runFake(mw, bearer(await hs({ iss: 'https://b/' })))).status).toBe(200);
    const r = await runFake(mw, bearer(await hs({ iss: 'https://c/' })));
    expect(r.status).toBe(401);
    expect(r.ctx.rejection?.reason).toBe('claim iss check_failed');
  });

  it('verifies with whichever listed key serves the token', async () => {
    const mw = jwtAuth({
      algorithms: ['RS256', 'ES256'],
      publicKey: [rsaPem, await exportJWK(ec.publicKey)],
    });
    const rs = await new SignJWT({ exp: now() + 60 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey);
    const es = await new SignJWT({ exp: now() + 60 })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(ec.privateKey);
    expect((await runFake(mw, bearer(rs))).status).toBe(200);
    expect((await runFake(mw, bearer(es))).status).toBe(200);
  });
});

describe('jwtAuth options: remote key-set durations', () => {
  it('takes a jwks.timeout that is no whole number of milliseconds', async () => {
    // 1.005 s is 1004.999… ms in floating point; the key-set client only takes whole milliseconds.
    const fetch = async () => new Response(JSON.stringify({ keys: [] }));
    const mw = jwtAuth({
      algorithms: ['RS256'],
      jwksUri: 'https://i/j',
      jwks: { timeout: 1.005, fetch },
    });
    const token = await new SignJWT({ exp: now() + 60 })
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey);
    expect((await runFake(mw, bearer(token))).ctx.rejection?.reason).toBe('no matching key');
  });
});

describe('jwtAuth options: counts', () => {
  it('refuses a negative count, and takes zero', () => {
    expect(message(() => hsAuth({ cacheSize: -1 }))).toBe(
      'jwtAuth: option `cacheSize` must be a non-negative integer, got -1',
    );
    expect(message(() => hsAuth({ maxTokenLength: -1 }))).toBe(
      'jwtAuth: option `maxTokenLength` must be a non-negative integer, got -1',
    );
    expect(() => hsAuth({ cacheSize: 0, maxTokenLength: 0 })).not.toThrow();
  });
});
