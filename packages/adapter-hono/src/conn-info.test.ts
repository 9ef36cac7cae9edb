import { type AccessLogRecord, type Middleware, bouncer as policy } from '@bouncer/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { bouncer, type HonoAdapterOptions, PeerError } from './index';

const denyList = policy({ ipFilter: { deny: ['203.0.113.0/24'] }, timing: false, requestId: false });
const headersOnly = policy({ timing: false, requestId: false });

function appWith(chain: Middleware<any>, options: HonoAdapterOptions = {}) {
  const errors: unknown[] = [];
  const app = new Hono();
  app.use(bouncer(chain, { onError: (error) => errors.push(error), ...options }));
  app.get('/', (c) => c.text('open'));
  return { app, errors };
}

describe('the client address on each runtime', () => {
  it("reads Bun's server.requestIP (the server is c.env)", async () => {
    const { app } = appWith(denyList);
    const bun = (address: string) => ({ requestIP: () => ({ address, family: 'IPv4', port: 1 }) });
    expect((await app.request('/', {}, bun('203.0.113.9'))).status).toBe(403);
    expect((await app.request('/', {}, bun('198.51.100.1'))).status).toBe(200);
    expect((await app.request('/', {}, { server: bun('203.0.113.9') })).status).toBe(403);
  });

  it("reads Deno's info.remoteAddr (the handler info is c.env)", async () => {
    const { app } = appWith(denyList);
    const deno = (hostname: string) => ({ remoteAddr: { transport: 'tcp', hostname, port: 1 } });
    expect((await app.request('/', {}, deno('203.0.113.9'))).status).toBe(403);
    expect((await app.request('/', {}, deno('198.51.100.1'))).status).toBe(200);
  });

  it('reads the socket of an @hono/node-ws upgrade, which has `incoming` but no `outgoing`', async () => {
    const { app } = appWith(denyList);
    const upgrade = { incoming: { socket: { remoteAddress: '203.0.113.9' } }, outgoing: undefined };
    expect((await app.request('/', {}, upgrade)).status).toBe(403);
  });

  it('does not trust CF-Connecting-IP off Cloudflare Workers', async () => {
    const { app, errors } = appWith(denyList);
    const res = await app.request('/', { headers: { 'cf-connecting-ip': '198.51.100.1' } });
    expect(res.status).toBe(500);
    expect(String(errors[0])).toContain('`peer`');
  });

  it('the `peer` option wins over the runtime', async () => {
    const { app } = appWith(denyList, { peer: () => '203.0.113.9' });
    const deno = { remoteAddr: { transport: 'tcp', hostname: '198.51.100.1', port: 1 } };
    expect((await app.request('/', {}, deno)).status).toBe(403);
  });
});

describe('no client address', () => {
  it('fails closed with an error naming `peer` when a policy judges the address', async () => {
    for (const chain of [
      denyList,
      policy({ rateLimit: { limit: 5, window: '60s' }, timing: false }),
      policy({ trustProxy: 'loopback', timing: false }),
    ]) {
      const { app, errors } = appWith(chain);
      const res = await app.request('/');
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.text()).not.toContain('peer');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(PeerError);
      expect(String(errors[0])).toMatch(/pass the `peer` option/);
    }
  });

  it('serves normally when nothing in the chain judges the address', async () => {
    const { app, errors } = appWith(headersOnly);
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(errors).toEqual([]);
  });

  it('a `peer` callback that throws is reported and answered 500 by the chain', async () => {
    const boom = new Error('no socket');
    const { app, errors } = appWith(headersOnly, {
      peer: () => {
        throw boom;
      },
    });
    const res = await app.request('/');
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toContain('the `peer` option threw');
    expect((errors[0] as Error).cause).toBe(boom);
  });

  it('refuses a `peer` that is not a function when built', () => {
    expect(() => bouncer(headersOnly, { peer: 'loopback' as never })).toThrow(
      /option `peer` must be a function/,
    );
  });
});

describe('the finish hook off Node', () => {
  const logged = () => {
    const records: AccessLogRecord[] = [];
    const chain = policy(
      { requestId: false, timing: { log: true } },
      {
        logger: {
          info: (r: AccessLogRecord) => records.push(r),
          warn: (r: AccessLogRecord) => records.push(r),
          error: (r: AccessLogRecord) => records.push(r),
        },
      },
    );
    const app = new Hono();
    app.use(bouncer(chain, { peer: () => '198.51.100.1' }));
    app.get('/', (c) => c.text('hello world'));
    app.get('/slow', async (c) => {
      await new Promise((r) => setTimeout(r, 30));
      return c.text('late');
    });
    return { app, records };
  };

  it('reports the real status, body bytes and duration once the body is read', async () => {
    const { app, records } = logged();
    const res = await app.request('/slow');
    expect(records).toEqual([]); // not at registration: the body has not been taken yet
    expect(await res.text()).toBe('late');
    await new Promise((r) => setTimeout(r, 0));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 200, bytes: 4, aborted: false });
    expect(records[0].durationMs).toBeGreaterThanOrEqual(25);
  });

  it("reports the chain's own rejection", async () => {
    const { app, records } = logged();
    const res = await app.request('/nowhere');
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 0));
    expect(records[0]).toMatchObject({ status: 404 });
    expect(records[0].bytes).toBeGreaterThan(0);
  });

  it('reports aborted when the runtime cancels the body', async () => {
    const { app, records } = logged();
    const res = await app.request('/');
    await res.body?.cancel();
    expect(records[0]).toMatchObject({ status: 200, bytes: 0, aborted: true });
  });
});
