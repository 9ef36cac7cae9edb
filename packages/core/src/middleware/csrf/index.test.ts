import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { bouncer } from '../../policy';
import { csrf } from './index';

const post = (headers: Record<string, string>, method = 'POST') => ({
  method,
  target: '/transfer',
  headers: { host: 'api.example', ...headers },
});

describe('csrf', () => {
  const mw = () => csrf({ trustedOrigins: ['https://app.example'] });

  it('refuses a cross-site form POST (Sec-Fetch-Site: cross-site) with 403 before the handler', async () => {
    const r = await runFake(mw(), post({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }));
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
    expect(r.ctx.rejection).toEqual({ policy: 'csrf', reason: 'Sec-Fetch-Site: cross-site' });
  });

  it.each([['same-origin'], ['none']])('lets Sec-Fetch-Site: %s through', async (site) => {
    expect((await runFake(mw(), post({ 'sec-fetch-site': site }))).reached).toBe(true);
  });

  it('refuses same-site unless allowSameSite, and accepts a trusted origin cross-site', async () => {
    expect((await runFake(mw(), post({ 'sec-fetch-site': 'same-site' }))).status).toBe(403);
    const sibling = csrf({ allowSameSite: true });
    expect((await runFake(sibling, post({ 'sec-fetch-site': 'same-site' }))).reached).toBe(true);
    const app = post({ 'sec-fetch-site': 'cross-site', origin: 'https://APP.example' });
    expect((await runFake(mw(), app)).reached).toBe(true);
  });

  it('falls back to Origin against Host without Fetch Metadata', async () => {
    expect((await runFake(mw(), post({ origin: 'https://api.example' }))).reached).toBe(true);
    expect((await runFake(mw(), post({ origin: 'https://evil.example' }))).status).toBe(403);
    expect((await runFake(mw(), post({ origin: 'null' }))).status).toBe(403);
    expect((await runFake(mw(), post({ origin: 'https://api.example.evil.com' }))).status).toBe(403);
  });

  it('lets a request with neither header through (no browser sends that cross-site)', async () => {
    expect((await runFake(mw(), post({}))).reached).toBe(true);
  });

  it('leaves safe methods alone, but checks WebSocket handshakes (cross-site WebSocket hijacking)', async () => {
    const cross = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
    expect((await runFake(mw(), post(cross, 'GET'))).reached).toBe(true);
    expect((await runFake(mw(), post(cross, 'HEAD'))).reached).toBe(true);
    for (const m of ['PUT', 'PATCH', 'DELETE'])
      expect((await runFake(mw(), post(cross, m))).status).toBe(403);
    const ws = post({ ...cross, upgrade: 'websocket', connection: 'Upgrade' }, 'GET');
    expect((await runFake(mw(), ws)).status).toBe(403);
  });

  it('refuses bad options at startup', () => {
    expect(() => csrf({ trustedOrigins: ['https://a.example/path'] })).toThrow(/trustedOrigins/);
    expect(() => csrf({ trustedOrigins: '*' as never })).toThrow(/trustedOrigins/);
    expect(() => csrf({ allowSameSite: 'yes' as never })).toThrow(/allowSameSite/);
    expect(() => csrf({ trusted: [] } as never)).toThrow(/trusted.*trustedOrigins/);
  });
});

describe('csrf in the policy', () => {
  const SECRET = 'csrf-policy-secret-0123456789abcdef-0123456789';
  const jwt = { algorithms: ['HS256'], cookie: 'session' } as const;
  const cross = post({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example', cookie: 'session=x' });

  it('is on whenever jwt.cookie is, trusting the CORS origins', async () => {
    const chain = bouncer(
      { timing: { log: false }, cors: { origin: ['https://app.example'] }, jwt },
      { jwtSecret: SECRET },
    );
    const r = await runFake(chain, cross);
    expect(r.status).toBe(403);
    expect(r.ctx.rejection?.policy).toBe('csrf');
    const app = post({ 'sec-fetch-site': 'cross-site', origin: 'https://app.example' });
    // Past the CSRF check, the (absent) token is what stops it.
    expect((await runFake(chain, app)).status).toBe(401);
  });

  it('is off without cookie tokens unless asked for, and can be switched off', async () => {
    const bearerOnly = bouncer(
      { timing: { log: false }, jwt: { algorithms: ['HS256'] } },
      { jwtSecret: SECRET },
    );
    expect((await runFake(bearerOnly, cross)).ctx.rejection?.policy).toBe('jwtAuth');
    const asked = bouncer({ timing: { log: false }, csrf: true });
    expect((await runFake(asked, cross)).status).toBe(403);
    const off = bouncer({ timing: { log: false }, csrf: false, jwt }, { jwtSecret: SECRET });
    expect((await runFake(off, cross)).ctx.rejection?.policy).toBe('jwtAuth');
  });
});

describe('csrf: edges', () => {
  const answer = async (method: string, headers: Record<string, string>, options = {}) => {
    const r = await runFake(csrf(options), { method, headers });
    return { status: r.status, reason: r.ctx.rejection?.reason, detail: r.body && JSON.parse(r.body).detail };
  };

  it('lets OPTIONS and TRACE through like GET, and refuses a cross-site PUT', async () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'TRACE']) {
      expect((await answer(method, { 'sec-fetch-site': 'cross-site' })).status, method).toBe(200);
    }
    expect(await answer('PUT', { 'sec-fetch-site': 'cross-site' })).toEqual({
      status: 403,
      reason: 'Sec-Fetch-Site: cross-site',
      detail: 'Cross-site request refused',
    });
  });

  it('takes same-site only when allowed, and logs at most 32 characters of the value', async () => {
    expect((await answer('POST', { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await answer('POST', { 'sec-fetch-site': 'same-site' }, { allowSameSite: true })).status).toBe(
      200,
    );
    expect((await answer('POST', { 'sec-fetch-site': 'cross-site' }, { allowSameSite: true })).status).toBe(
      403,
    );
    expect((await answer('POST', { 'sec-fetch-site': 'x'.repeat(100) })).reason).toBe(
      `Sec-Fetch-Site: ${'x'.repeat(32)}`,
    );
  });

  it('trusts a listed origin in any case, with or without Fetch Metadata', async () => {
    const trusted = { trustedOrigins: ['https://App.example'] };
    expect((await answer('POST', { origin: 'https://app.EXAMPLE' }, trusted)).status).toBe(200);
    expect(
      (await answer('POST', { origin: 'https://app.example', host: 'api.example' }, trusted)).status,
    ).toBe(200);
    expect(
      (await answer('POST', { origin: 'https://app.example', 'sec-fetch-site': 'cross-site' }, trusted))
        .status,
    ).toBe(200);
  });

  it('without Fetch Metadata, needs the Origin to name this Host, and logs at most 64 characters of it', async () => {
    expect((await answer('POST', { origin: 'https://api.example', host: 'API.example' })).status).toBe(200);
    expect((await answer('POST', { origin: 'https://api.example' })).status).toBe(403);
    expect((await answer('POST', { origin: 'null', host: 'null' })).status).toBe(403);
    const long = `https://${'a'.repeat(100)}.example`;
    expect(await answer('POST', { origin: long, host: 'api.example' })).toMatchObject({
      status: 403,
      reason: `Origin: ${long.slice(0, 64)}`,
    });
  });

  it('names each bad option', () => {
    const message = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(message(() => csrf(null as never))).toBe('csrf: option `options` must be an object, got null');
    expect(message(() => csrf(5 as never))).toBe('csrf: option `options` must be an object, got 5');
    expect(message(() => csrf({ trustedOrigin: [] } as never))).toMatch(
      /^csrf: option `trustedOrigin` is not a known option/,
    );
    for (const list of [[5], ['https://a.example/x'], ['x https://a.example'], 'https://a.example']) {
      expect(message(() => csrf({ trustedOrigins: list as never }))).toBe(
        `csrf: option \`trustedOrigins\` must be an array of origins like 'https://app.example' (no path, no '*'), got ${JSON.stringify(list)}`,
      );
    }
    expect(message(() => csrf({ allowSameSite: 'yes' as never }))).toBe(
      'csrf: option `allowSameSite` must be a boolean, got "yes"',
    );
    expect(csrf().name).toBe('csrf');
  });
});

describe('csrf: an Origin that is not a serialised origin', () => {
  it('never matches the Host, even when its tail names the host', async () => {
    for (const origin of ['1://api.example', 'api.example', '://api.example']) {
      const r = await runFake(csrf(), { method: 'POST', headers: { origin, host: 'api.example' } });
      expect(r.status, origin).toBe(403);
    }
  });
});

describe('csrf: trusted origins are strings', () => {
  it('refuses a value that only reads as an origin', () => {
    const originLike = { toString: () => 'https://app.example' };
    expect(() => csrf({ trustedOrigins: [originLike as never] })).toThrow(
      /^csrf: option `trustedOrigins` must be an array of origins/,
    );
  });
});
