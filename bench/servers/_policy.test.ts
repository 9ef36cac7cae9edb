import { bouncer } from '@bouncer/hono';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { benchPolicy } from './_policy';
import { ORIGIN, signBenchToken } from './_settings';

/** The bench policy on a Hono app answered in process (`app.request`), from the address `peer`. */
function appWith(chain: ReturnType<typeof benchPolicy>, peer = '127.0.0.1') {
  const reached = { count: 0 };
  const app = new Hono();
  app.use(bouncer(chain, { peer: () => peer }));
  app.all('/prices', (c) => {
    reached.count++;
    return c.text('ok');
  });
  return { app, reached };
}

describe('the Bouncer policy the benchmark mounts', () => {
  it('lets the load generator through with security, CORS, rate-limit and request-id headers', async () => {
    const { app, reached } = appWith(benchPolicy({ jwt: false }));
    const r = await app.request('/prices', { headers: { origin: ORIGIN } });
    expect(r.status).toBe(200);
    expect(reached.count).toBe(1);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(r.headers.get('ratelimit-policy')).toMatch(/q=1000000000/);
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('denies an address on the deny list, so the IP filter does real work', async () => {
    const { app, reached } = appWith(benchPolicy({ jwt: false }), '203.0.113.7');
    const r = await app.request('/prices');
    expect(r.status).toBe(403);
    expect(reached.count).toBe(0);
  });

  it('refuses a declared body over the limit', async () => {
    const { app, reached } = appWith(benchPolicy({ jwt: false }));
    const r = await app.request('/prices', {
      method: 'POST',
      headers: { 'content-length': String(200 * 1024) },
    });
    expect(r.status).toBe(413);
    expect(reached.count).toBe(0);
  });

  it('never rate-limits one client during a run', async () => {
    const { app } = appWith(benchPolicy({ jwt: false }));
    let last = 0;
    for (let i = 0; i < 2000; i++) last = (await app.request('/prices')).status;
    expect(last).toBe(200);
  });

  it('with JWT, accepts the bench token and refuses a request without it', async () => {
    const { app, reached } = appWith(benchPolicy({ jwt: true }));
    const token = await signBenchToken();
    const ok = await app.request('/prices', {
      headers: { origin: ORIGIN, authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    const refused = await app.request('/prices', { headers: { origin: ORIGIN } });
    expect(refused.status).toBe(401);
    expect(reached.count).toBe(1);
  });
});
