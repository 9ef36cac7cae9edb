import { describe, expect, it } from 'vitest';
import { runFake } from '../../packages/core/src/_testing';
import { benchPolicy } from './_policy';
import { ORIGIN, signBenchToken } from './_settings';

describe('the Bouncer policy the benchmark mounts', () => {
  it('lets the load generator through with security, CORS, rate-limit and request-id headers', async () => {
    const r = await runFake(benchPolicy({ jwt: false }), {
      target: '/prices',
      headers: { origin: ORIGIN },
    });
    expect(r.status).toBe(200);
    expect(r.reached).toBe(true);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(r.headers['ratelimit-policy']).toMatch(/q=1000000000/);
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('denies an address on the deny list, so the IP filter does real work', async () => {
    const r = await runFake(benchPolicy({ jwt: false }), { target: '/prices', peer: '203.0.113.7' });
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
  });

  it('refuses a declared body over the limit', async () => {
    const r = await runFake(benchPolicy({ jwt: false }), {
      method: 'POST',
      target: '/prices',
      headers: { 'content-length': String(200 * 1024) },
    });
    expect(r.status).toBe(413);
  });

  it('never rate-limits one client during a run', async () => {
    const chain = benchPolicy({ jwt: false });
    let last = 0;
    for (let i = 0; i < 2000; i++) last = (await runFake(chain, { target: '/prices' })).status;
    expect(last).toBe(200);
  });

  it('with JWT, accepts the bench token and refuses a request without it', async () => {
    const chain = benchPolicy({ jwt: true });
    const token = await signBenchToken();
    const ok = await runFake(chain, {
      target: '/prices',
      headers: { origin: ORIGIN, authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const refused = await runFake(chain, { target: '/prices', headers: { origin: ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.reached).toBe(false);
  });
});
