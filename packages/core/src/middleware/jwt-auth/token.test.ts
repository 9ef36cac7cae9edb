import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { type FakeRequest, runFake } from '../../_testing';
import { type JwtAuthOptions, jwtAuth } from './index';

// Where the token is read from (RFC 6750 §2.1 header, then the opt-in cookie, RFC 6265 §4.2.1),
// and what makes presented credentials malformed rather than absent.

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const CHALLENGE = 'Bearer realm="api"';
let token: string;
let other: string;

beforeAll(async () => {
  const sign = (sub: string) =>
    new SignJWT({ sub, exp: Math.floor(Date.now() / 1000) + 3600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
  [token, other] = await Promise.all([sign('u1'), sign('u2')]);
});

const auth = (o: Partial<JwtAuthOptions> = {}) => jwtAuth({ algorithms: ['HS256'], secret: SECRET, ...o });

async function answer(req: FakeRequest, o: Partial<JwtAuthOptions> = {}) {
  const r = await runFake(auth(o), req);
  return {
    status: r.status,
    reason: r.ctx.rejection?.reason,
    challenge: r.headers['www-authenticate'],
    sub: (r.state.auth as { sub?: string } | undefined)?.sub,
  };
}
const header = (authorization: string) => ({ headers: { authorization } });
const cookie = (value: string, name = 'at') => answer({ headers: { cookie: value } }, { cookie: name });

describe('jwtAuth: the Authorization header', () => {
  it('takes the token after any number of spaces, and ignores spaces around the field', async () => {
    expect(await answer(header(`Bearer  ${token}`))).toMatchObject({ status: 200, sub: 'u1' });
    expect(await answer(header(` Bearer ${token} `))).toMatchObject({ status: 200, sub: 'u1' });
  });

  it('calls a Bearer field without a token empty, and one with two tokens malformed', async () => {
    for (const field of ['Bearer', 'Bearer ', 'bearer   ']) {
      expect(await answer(header(field))).toMatchObject({ status: 401, reason: 'empty Bearer credentials' });
    }
    expect(await answer(header(`Bearer ${token} ${token}`))).toMatchObject({
      status: 401,
      reason: 'Bearer credentials are not one token',
    });
  });

  it('says "Invalid credentials" for malformed ones and "Authentication required" for none', async () => {
    const malformed = await runFake(auth(), header('Bearer'));
    expect(JSON.parse(malformed.body!).detail).toBe('Invalid credentials');
    const none = await runFake(auth(), {});
    expect(JSON.parse(none.body!).detail).toBe('Authentication required');
    expect(none.headers['www-authenticate']).toBe(CHALLENGE);
    expect(none.ctx.rejection?.reason).toBe('no token');
  });

  it('refuses a b64token that is not a compact JWS before verifying it', async () => {
    for (const t of ['~a.b.c', 'a.b.c~', 'a.b', 'a.b.c=', 'a..c']) {
      const r = await runFake(auth(), header(`Bearer ${t}`));
      expect(r.ctx.rejection?.reason, t).toBe('not a compact JWS');
      expect(JSON.parse(r.body!).detail).toBe('Invalid access token');
    }
  });
});

describe('jwtAuth: token length', () => {
  it('accepts a token of exactly maxTokenLength characters and refuses a longer one', async () => {
    expect(await answer(header(`Bearer ${token}`), { maxTokenLength: token.length })).toMatchObject({
      status: 200,
    });
    const long = await runFake(auth({ maxTokenLength: token.length - 1 }), header(`Bearer ${token}`));
    expect(long.ctx.rejection?.reason).toBe('token too long');
    expect(JSON.parse(long.body!).detail).toBe('Invalid access token');
  });
});

describe('jwtAuth: the token cookie', () => {
  it('reads the named cookie, trimmed, quoted or not', async () => {
    expect(await cookie(`x=1; at=${token}`)).toMatchObject({ status: 200, sub: 'u1' });
    expect(await cookie(`at =  ${token}  ; x=1`)).toMatchObject({ status: 200, sub: 'u1' });
    expect(await cookie(`at="${token}"`)).toMatchObject({ status: 200, sub: 'u1' });
    expect(await cookie(`a=${token}`, 'a')).toMatchObject({ status: 200, sub: 'u1' });
  });

  it('strips only a pair of double quotes around the whole value', async () => {
    for (const value of [`x${token}"`, `"${token}x`, '"']) {
      expect(await cookie(`at=${value}`), value).toMatchObject({ status: 401, reason: 'not a compact JWS' });
    }
  });

  it('treats a missing or empty cookie as no token', async () => {
    for (const value of ['x=1', 'at=', 'at=""', `att=${token}`, 'att', `xat=${token}`]) {
      expect(await cookie(value), value).toMatchObject({
        status: 401,
        reason: 'no token',
        challenge: CHALLENGE,
      });
    }
    expect(await answer({ headers: { cookie: `at=${token}` } })).toMatchObject({
      status: 401,
      reason: 'no token',
    });
  });

  it('accepts the same token twice, and refuses two different ones (cookie tossing)', async () => {
    expect(await cookie(`at=${token}; at=${token}`)).toMatchObject({ status: 200, sub: 'u1' });
    expect(await cookie(`at=${token}; at=${other}`)).toMatchObject({
      status: 401,
      reason: 'several at cookies',
    });
  });

  it('prefers the Authorization header to the cookie', async () => {
    const r = await answer(
      { headers: { authorization: `Bearer ${other}`, cookie: `at=${token}` } },
      { cookie: 'at' },
    );
    expect(r).toMatchObject({ status: 200, sub: 'u2' });
  });
});

describe('presentedToken: the Bearer separator', () => {
  it('accepts several spaces between Bearer and the token (RFC 6750 §2.1: 1*SP)', async () => {
    const r = await runFake(jwtAuth({ algorithms: ['HS256'], secret: SECRET }), {
      headers: { authorization: `Bearer   ${token}` },
    });
    expect(r.status).toBe(200);
    expect((r.state.auth as { sub: string }).sub).toBe('u1');
  });
});
