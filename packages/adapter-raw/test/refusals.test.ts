// Requests whose head was parsed but that the server refuses (a declared body over maxBodySize,
// an unsupported expectation, a bad Host, CONNECT): with a chain mounted, the chain's policy
// answers them, so browser code can read them (CORS) and they carry the policy's headers.
import { bouncer, type Middleware } from '@bouncer/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawServer, type RawServerOptions } from '../src/index';
import { count, parseResponses, roundTrip, type WireResponse } from './_wire';

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

const ORIGIN = 'https://app.example';
const MiB = 1024 * 1024;

async function start(options: Partial<RawServerOptions<any>> = {}): Promise<number> {
  const server = createServer({ onError: () => {}, handler: (_req, res) => res.end('app'), ...options });
  servers.push(server);
  return (await server.listen(0, '127.0.0.1')).port;
}

function policy(bodyLimit: number) {
  return bouncer(
    {
      requestId: true,
      securityHeaders: true,
      cors: { origin: [ORIGIN] },
      bodyLimit,
    },
    { logger: false },
  );
}

async function ask(port: number, input: string): Promise<{ r: WireResponse; closed: boolean }> {
  const { data, closed } = await roundTrip(port, input, { until: count(1) });
  const responses = parseResponses(data);
  expect(responses).toHaveLength(1);
  return { r: responses[0], closed };
}

const post = (length: number, extra = '') =>
  `POST /upload HTTP/1.1\r\nHost: a\r\nOrigin: ${ORIGIN}\r\nContent-Length: ${length}\r\n${extra}\r\n`;

function expectPolicyHeaders(r: WireResponse): void {
  expect(r.headers['access-control-allow-origin']).toBe(ORIGIN);
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['strict-transport-security']).toBeUndefined();
  expect(r.headers['x-frame-options']).toBeDefined();
  expect(r.headers['x-request-id']).toMatch(/\S/);
  expect(r.headers['content-type']).toBe('application/problem+json');
  expect(r.headers.connection).toBe('close');
}

describe('server refusals of a parsed head, with a chain', () => {
  it('a declared body over maxBodySize gets the chain’s 413 (its lower bodyLimit decides first), with the policy’s headers', async () => {
    const port = await start({ chain: policy(64 * 1024), maxBodySize: MiB });
    const { r, closed } = await ask(port, post(10 * MiB));
    expect(r.status).toBe(413);
    expect(r.reason).toBe('Content Too Large');
    expectPolicyHeaders(r);
    expect(JSON.parse(r.body.toString())).toMatchObject({
      status: 413,
      title: 'Content Too Large',
      detail: 'Body exceeds 65536 bytes',
    });
    expect(closed).toBe(true);
  });

  it('a chain whose bodyLimit is higher passes it on: the server’s 413 still goes through the chain', async () => {
    let ran = 0;
    const port = await start({
      chain: policy(64 * MiB),
      maxBodySize: MiB,
      handler: (_req, res) => {
        ran++;
        res.end('app');
      },
    });
    const { r } = await ask(port, post(10 * MiB));
    expect(r.status).toBe(413);
    expectPolicyHeaders(r);
    // errorHeaders fill in what the chain did not set.
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(r.body.toString())).toEqual({
      type: 'about:blank',
      title: 'Content Too Large',
      status: 413,
    });
    expect(ran).toBe(0);
  });

  it('a middleware that reads the body of a refused request gets the server’s refusal', async () => {
    const seen: unknown[] = [];
    const reader: Middleware = async (ctx, next) => {
      ctx.req.body.limit = 64 * MiB;
      try {
        await ctx.req.body.bytes();
      } catch (error) {
        seen.push((error as { status?: number }).status);
        throw error;
      }
      await next();
    };
    const port = await start({ chain: reader, maxBodySize: MiB });
    const { r } = await ask(port, post(2 * MiB));
    expect(r.status).toBe(413);
    expect(seen).toEqual([413]);
  });

  it('other head-level refusals (417, bad Host, CONNECT, asterisk-form) are answered through the chain too', async () => {
    const port = await start({ chain: policy(64 * 1024) });
    const cases: [string, number][] = [
      [`GET / HTTP/1.1\r\nHost: a\r\nOrigin: ${ORIGIN}\r\nExpect: teapot\r\n\r\n`, 417],
      [`GET / HTTP/1.1\r\nHost: a b\r\nOrigin: ${ORIGIN}\r\n\r\n`, 400],
      [`GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nOrigin: ${ORIGIN}\r\n\r\n`, 400],
      [`GET / HTTP/1.1\r\nOrigin: ${ORIGIN}\r\n\r\n`, 400],
      // Authority-form is outside the core's strict reading of the target: the chain refuses it
      // (400) before the server's own 501 for CONNECT is reached.
      [`CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nOrigin: ${ORIGIN}\r\n\r\n`, 400],
      [`GET * HTTP/1.1\r\nHost: a\r\nOrigin: ${ORIGIN}\r\n\r\n`, 400],
    ];
    for (const [input, status] of cases) {
      const { r, closed } = await ask(port, input);
      expect(r.status, input).toBe(status);
      expectPolicyHeaders(r);
      expect(closed).toBe(true);
    }
  });

  it('nothing after a refused head is parsed: pipelined bytes get no answer', async () => {
    let ran = 0;
    const port = await start({
      chain: policy(64 * 1024),
      handler: (_req, res) => {
        ran++;
        res.end('app');
      },
    });
    const smuggled = 'GET /next HTTP/1.1\r\nHost: a\r\n\r\n';
    const { data, closed } = await roundTrip(
      port,
      `GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n${smuggled}`,
      { until: count(2) },
    );
    expect(parseResponses(data).map((r) => r.status)).toEqual([417]);
    expect(closed).toBe(true);
    expect(ran).toBe(0);
  });

  it('framing errors keep the canned answer: no chain headers', async () => {
    const port = await start({ chain: policy(64 * 1024) });
    const { r } = await ask(
      port,
      `POST / HTTP/1.1\r\nHost: a\r\nOrigin: ${ORIGIN}\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx`,
    );
    expect(r.status).toBe(400);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(r.headers['x-request-id']).toBeUndefined();
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('without a chain, the refusal is the canned answer', async () => {
    const port = await start({ maxBodySize: MiB });
    const { r, closed } = await ask(port, post(10 * MiB));
    expect(r.status).toBe(413);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect(closed).toBe(true);
  });
});
