import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { type JwtAuthOptions, jwtAuth } from './index';
import { StaticKey } from './keys';
import { failureReason, staticVerifier } from './verify';

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

describe('staticVerifier and failureReason on their own', () => {
  it('refuses a token it cannot route to a key with errors shaped like jose’s', async () => {
    const verifier = staticVerifier([new StaticKey(rsaPem, ['RS256'])], { algorithms: ['RS256'] });
    await expect(verifier('not-a-jws')).rejects.toMatchObject({
      code: 'ERR_JWS_INVALID',
      message: 'unreadable protected header',
    });
    await expect(verifier(await sign(ec.privateKey))).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
      message: 'no configured key for this token',
    });
  });

  it('lets a named key verify a token that carries no kid', async () => {
    const named = new StaticKey({ ...rsaJwk, kid: 'rsa-1' }, ['RS256']);
    const verifier = staticVerifier([named], { algorithms: ['RS256'] });
    await expect(verifier(await sign(rsa.privateKey))).resolves.toMatchObject({ sub: 'u1' });
  });

  it('tries keys of equal standing in the order they are configured, importing no more than it needs', async () => {
    // The second key cannot even be imported: reaching it would reject the token.
    const broken = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' };
    const good = await exportJWK(ec.publicKey);
    const token = await sign(ec.privateKey);
    const verify = (keys: object[]) =>
      staticVerifier(
        keys.map((k) => new StaticKey(k as JWK, ['ES256'])),
        { algorithms: ['ES256'] },
      )(token);
    await expect(verify([good, broken])).resolves.toMatchObject({ sub: 'u1' });
    await expect(
      verify([
        { ...good, kid: 'a' },
        { ...broken, kid: 'b' },
      ]),
    ).resolves.toMatchObject({ sub: 'u1' });
    // Control: the broken key does fail when it comes first.
    await expect(verify([broken, good])).rejects.toThrow();
  });

  it('throws the last signature mismatch when no key verifies the token', async () => {
    const verifier = staticVerifier([new StaticKey(rsa2Pem, ['RS256']), new StaticKey(rsa2Pem, ['RS256'])], {
      algorithms: ['RS256'],
    });
    await expect(verifier(await sign(rsa.privateKey))).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('names a claim failure even when jose leaves out the claim or the reason', () => {
    const code = 'ERR_JWT_CLAIM_VALIDATION_FAILED';
    expect(failureReason({ code, claim: 'nbf', reason: 'check_failed' })).toBe('claim nbf check_failed');
    expect(failureReason({ code })).toBe('claim ? invalid');
    expect(failureReason(new Error('x'))).toBe('malformed token');
  });
});

describe('jwtAuth: remote key-set settings', () => {
  function server() {
    const state = { calls: 0 };
    const fetch = async () => {
      state.calls++;
      return new Response(JSON.stringify({ keys: [{ ...rsaJwk, kid: 'rsa-1' }] }));
    };
    return { state, fetch };
  }
  const remote = (jwks: NonNullable<JwtAuthOptions['jwks']>) =>
    jwtAuth({ algorithms: ['RS256'], jwksUri: 'https://idp.example/jwks', jwks, cacheSize: 0 });
  const status = async (mw: ReturnType<typeof jwtAuth>, token: string) =>
    (await runFake(mw, { headers: { authorization: `Bearer ${token}` } })).status;

  it('keeps the set’s keys for jwks.cacheMaxAge, and refetches once they are older', async () => {
    const token = await sign(rsa.privateKey, { kid: 'rsa-1' });
    const kept = server();
    const cached = remote({ fetch: kept.fetch });
    expect([await status(cached, token), await status(cached, token)]).toEqual([200, 200]);
    expect(kept.state.calls).toBe(1);
    const aged = server();
    const uncached = remote({ fetch: aged.fetch, cacheMaxAge: 0 });
    expect([await status(uncached, token), await status(uncached, token)]).toEqual([200, 200]);
    expect(aged.state.calls).toBe(2);
  });

  it('refetches for an unknown kid once jwks.cooldown has passed', async () => {
    const token = await sign(rsa.privateKey, { kid: 'rsa-1' });
    const unknown = await sign(rsa.privateKey, { kid: 'rotated' });
    const s = server();
    const mw = remote({ fetch: s.fetch, cooldown: 0 });
    expect([await status(mw, token), await status(mw, unknown)]).toEqual([200, 401]);
    expect(s.state.calls).toBe(2);
  });

  it('abandons a key-set request after jwks.timeout', async () => {
    const hang = (_url: string, init: { signal: AbortSignal }) =>
      new Promise<Response>((_, reject) =>
        init.signal.addEventListener('abort', () => reject(init.signal.reason)),
      );
    const started = Date.now();
    const r = await answer(
      { algorithms: ['RS256'], jwksUri: 'https://idp.example/jwks', jwks: { fetch: hang, timeout: 0.05 } },
      await sign(rsa.privateKey, { kid: 'rsa-1' }),
    );
    expect(r).toMatchObject({ status: 503, reason: 'key set unavailable: ERR_JWKS_TIMEOUT' });
    // Far below the 5 s default.
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe('jwtAuth: a slow remote key set', () => {
  it('is waited for until jwks.timeout, 5 seconds by default', async () => {
    const slow = (_url: string, init: { signal: AbortSignal }) =>
      new Promise<Response>((resolve, reject) => {
        init.signal.addEventListener('abort', () => reject(init.signal.reason));
        setTimeout(() => resolve(new Response(JSON.stringify({ keys: [{ ...rsaJwk, kid: 'rsa-1' }] }))), 50);
      });
    const r = await answer(
      { algorithms: ['RS256'], jwksUri: 'https://idp.example/jwks', jwks: { fetch: slow } },
      await sign(rsa.privateKey, { kid: 'rsa-1' }),
    );
    expect(r).toMatchObject({ status: 200 });
  });
});
