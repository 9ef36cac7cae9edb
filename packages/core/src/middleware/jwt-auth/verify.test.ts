import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { type JwtAuthOptions, jwtAuth } from './index';

// Which configured key verifies a token, and how each verification failure is answered: 401 for
// the token's fault, 503 when a remote key set is unavailable, 500 for a key the server cannot use.

const now = () => Math.floor(Date.now() / 1000);
let rsa: CryptoKeyPair;
let rsa2: CryptoKeyPair;
let ec: CryptoKeyPair;
let rsaPem: string;
let rsa2Pem: string;
let rsaJwk: JWK;

beforeAll(async () => {
  [rsa, rsa2, ec] = await Promise.all([
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('RS256', { extractable: true }),
    generateKeyPair('ES256', { extractable: true }),
  ]);
  [rsaPem, rsa2Pem] = await Promise.all([exportSPKI(rsa.publicKey), exportSPKI(rsa2.publicKey)]);
  rsaJwk = await exportJWK(rsa.publicKey);
});

const sign = (key: CryptoKey, header: Record<string, unknown> = {}, payload: Record<string, unknown> = {}) =>
  new SignJWT({ sub: 'u1', exp: now() + 60, ...payload })
    .setProtectedHeader({ alg: key.algorithm.name === 'ECDSA' ? 'ES256' : 'RS256', ...header })
    .sign(key);

async function answer(options: JwtAuthOptions, token: string) {
  const r = await runFake(jwtAuth(options), { headers: { authorization: `Bearer ${token}` } });
  return {
    status: r.status,
    reason: r.ctx.rejection?.reason,
    detail: r.body === undefined ? undefined : JSON.parse(r.body).detail,
    retryAfter: r.headers['retry-after'],
    errors: r.errors.length,
  };
}

describe('jwtAuth: choosing among static keys', () => {
  it('tries the next key of the algorithm after a signature mismatch', async () => {
    const options = { algorithms: ['RS256'] as const, publicKey: [rsa2Pem, rsaPem] };
    expect(await answer({ ...options, algorithms: ['RS256'] }, await sign(rsa.privateKey))).toMatchObject({
      status: 200,
    });
  });

  it('stops at the first failure that is not a signature mismatch', async () => {
    const expired = await sign(rsa.privateKey, {}, { exp: now() - 10 });
    expect(await answer({ algorithms: ['RS256'], publicKey: [rsaPem, rsa2Pem] }, expired)).toMatchObject({
      status: 401,
      reason: 'token expired',
    });
  });

  it('lets an unnamed key verify a token that carries a kid', async () => {
    expect(
      await answer({ algorithms: ['RS256'], publicKey: rsaPem }, await sign(rsa.privateKey, { kid: 'k9' })),
    ).toMatchObject({ status: 200 });
  });

  it('tries the key named by the kid before unnamed ones', async () => {
    // The unnamed key cannot even be imported: reaching it first would be a server error.
    const broken = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' };
    const named = { ...(await exportJWK(ec.publicKey)), kid: 'ec-1' };
    const token = await sign(ec.privateKey, { kid: 'ec-1' });
    expect(await answer({ algorithms: ['ES256'], publicKey: [broken, named] }, token)).toMatchObject({
      status: 200,
    });
    expect(await answer({ algorithms: ['ES256'], publicKey: [named, broken] }, token)).toMatchObject({
      status: 200,
    });
  });

  it('answers 500 when a configured key cannot be imported: the server is at fault, not the token', async () => {
    const broken = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' };
    const r = await answer({ algorithms: ['ES256'], publicKey: broken }, await sign(ec.privateKey));
    expect(r).toMatchObject({ status: 500, errors: 1 });
    // An RSA JWK without its modulus has no size to check at startup: it fails the same way.
    const noModulus = { kty: 'RSA', e: 'AQAB' };
    expect(
      await answer({ algorithms: ['RS256'], publicKey: noModulus }, await sign(rsa.privateKey)),
    ).toMatchObject({
      status: 500,
      errors: 1,
    });
  });

  it('names the failure in the log only: no key, unreadable header, wrong claim', async () => {
    const pem = { algorithms: ['RS256'], publicKey: { ...rsaJwk, kid: 'rsa-1' } } as JwtAuthOptions;
    expect(await answer(pem, await sign(rsa.privateKey, { kid: 'other' }))).toMatchObject({
      status: 401,
      reason: 'no matching key',
      detail: 'Invalid access token',
    });
    expect(await answer(pem, await sign(ec.privateKey))).toMatchObject({
      status: 401,
      reason: 'no matching key',
    });
    expect(await answer(pem, 'aaaa.bbbb.cccc')).toMatchObject({
      status: 401,
      reason: 'malformed token',
      errors: 0,
    });
    const aud = await sign(rsa.privateKey, {}, { aud: 'other' });
    expect(await answer({ ...pem, audience: 'api' }, aud)).toMatchObject({
      status: 401,
      reason: 'claim aud check_failed',
      detail: 'Invalid access token',
    });
    const noExp = await sign(rsa.privateKey, {}, { exp: undefined });
    expect(await answer(pem, noExp)).toMatchObject({ status: 401, reason: 'claim exp missing' });
  });
});

describe('jwtAuth: remote key sets', () => {
  const jwks = (fetch: (url: string) => Promise<Response>) =>
    ({ algorithms: ['RS256'], jwksUri: 'https://idp.example/jwks', jwks: { fetch } }) as JwtAuthOptions;
  const serve = (body: unknown) => async () => new Response(JSON.stringify(body));

  it('answers 503 with Retry-After when the set cannot be fetched, and logs why', async () => {
    const token = await sign(rsa.privateKey, { kid: 'rsa-1' });
    const down = await answer(
      jwks(async () => {
        throw new TypeError('fetch failed');
      }),
      token,
    );
    expect(down).toMatchObject({
      status: 503,
      detail: 'Token keys unavailable',
      retryAfter: '5',
      reason: 'key set unavailable: TypeError',
      errors: 0,
    });
    const html = await answer(
      jwks(async () => new Response('<html>')),
      token,
    );
    expect(html).toMatchObject({ status: 503, reason: 'key set unavailable: ERR_JOSE_GENERIC' });
  });

  it('refuses a token two keys of the set match, as the token’s fault', async () => {
    const key = { ...rsaJwk, kid: 'rsa-1' };
    const token = await sign(rsa.privateKey, { kid: 'rsa-1' });
    expect(await answer(jwks(serve({ keys: [key, key] })), token)).toMatchObject({
      status: 401,
      reason: 'malformed token',
    });
  });
});
