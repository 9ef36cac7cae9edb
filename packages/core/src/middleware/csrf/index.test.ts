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
