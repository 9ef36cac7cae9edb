// WebSocket handshakes against the real `ws` package, over real sockets, on every stack: Node hands
// upgrades to 'upgrade' listeners and never to the app, so the bouncer must be put in front of them.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BouncerState, bouncer } from '@bouncer/core';
import { UPGRADE_UNGUARDED } from '@bouncer/core/audit';
import * as bExpress from '@bouncer/express';
import * as bHono from '@bouncer/hono';
import * as bKoa from '@bouncer/koa';
import { createServer as createRawServer, Router } from '@bouncer/raw';
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';

const SECRET = 'upgrade-guard-secret-0123456789abcdef-0123456789';
const token = (sub: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

const policy = () =>
  bouncer(
    {
      trustProxy: 'loopback',
      timing: { log: false },
      ipFilter: { deny: ['203.0.113.0/24'] },
      rateLimit: { limit: 3, window: '60s' },
      jwt: { algorithms: ['HS256'] },
    },
    { jwtSecret: SECRET },
  );

interface Outcome {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  message?: string;
}

/** Opens a WebSocket with `ws`; resolves with 101 and the first message, or the refusal. */
function handshake(url: string, headers: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => ws.send('hi'));
    ws.once('message', (data) => {
      resolve({ status: 101, headers: {}, body: '', message: String(data) });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    ws.once('error', (error) => reject(error));
  });
}

type Guard = 'guardUpgrade' | 'verifyClient';

interface Running {
  url: string;
  server: Server;
  audit(): { method: string; guarded: boolean; reason?: string }[];
  close(): Promise<void>;
}

/** Answers each message with the subject the bouncer verified for the handshake. */
function echoSubject(wss: WebSocketServer) {
  wss.on('connection', (ws, req) => {
    const sub = bExpress.upgradeState<BouncerState>(req)?.auth?.sub;
    ws.on('message', () => ws.send(`hello ${sub ?? 'nobody'}`));
  });
}

function listening(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

const stacks = {
  async express(guard: Guard | undefined): Promise<Running> {
    const chain = policy();
    const app = express();
    app.use(bExpress.bouncer(chain));
    app.get('/health', (_req, res) => res.json({ ok: true }));
    const server = createServer(app);
    if (guard === 'guardUpgrade') bExpress.guardUpgrade(server, chain);
    const wss = new WebSocketServer(
      guard === 'verifyClient' ? { server, verifyClient: bExpress.verifyClient(chain) } : { server },
    );
    echoSubject(wss);
    const url = await listening(server);
    return {
      url,
      server,
      audit: () => bExpress.auditRoutes(app, { server }),
      close: () => closeAll(wss, server),
    };
  },
  async koa(guard: Guard | undefined): Promise<Running> {
    const chain = policy();
    const app = new Koa();
    app.use(bKoa.bouncer(chain));
    const server = createServer(app.callback());
    if (guard === 'guardUpgrade') bKoa.guardUpgrade(server, chain);
    const wss = new WebSocketServer(
      guard === 'verifyClient' ? { server, verifyClient: bKoa.verifyClient(chain) } : { server },
    );
    echoSubject(wss);
    const url = await listening(server);
    return {
      url,
      server,
      audit: () => bKoa.auditRoutes(app, { server }),
      close: () => closeAll(wss, server),
    };
  },
  async hono(guard: Guard | undefined): Promise<Running> {
    const chain = policy();
    const app = new Hono();
    app.use(bHono.bouncer(chain));
    app.get('/health', (c) => c.json({ ok: true }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    await new Promise<void>((resolve) => (server.listening ? resolve() : server.once('listening', resolve)));
    if (guard === 'guardUpgrade') bHono.guardUpgrade(server, chain);
    const wss = new WebSocketServer(
      guard === 'verifyClient' ? { server, verifyClient: bHono.verifyClient(chain) } : { server },
    );
    echoSubject(wss);
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url,
      server,
      audit: () => bHono.auditRoutes(app, { server }),
      close: () => closeAll(wss, server),
    };
  },
};

function closeAll(wss: WebSocketServer, server: Server): Promise<void> {
  for (const client of wss.clients) client.terminate();
  wss.close();
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

describe.each(['express', 'koa', 'hono'] as const)('WebSocket upgrades on %s', (stack) => {
  it('without a guard: a denied address with no token opens a socket, and the audit flags the listener', async () => {
    const app = await stacks[stack](undefined);
    running.push(app);
    const r = await handshake(app.url, { 'x-forwarded-for': '203.0.113.7' });
    expect(r.status).toBe(101);
    const upgrade = app.audit().filter((row) => row.method === 'UPGRADE');
    expect(upgrade).toEqual([expect.objectContaining({ guarded: false, reason: UPGRADE_UNGUARDED })]);
  });

  it.each(['guardUpgrade', 'verifyClient'] as const)(
    'with %s: IP filter, auth and rate limit run on the handshake',
    async (guard) => {
      const app = await stacks[stack](guard);
      running.push(app);
      const denied = await handshake(app.url, {
        'x-forwarded-for': '203.0.113.7',
        authorization: `Bearer ${await token('mallory')}`,
      });
      expect(denied.status).toBe(403);
      expect(denied.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(denied.body)).toMatchObject({ status: 403 });

      const anonymous = await handshake(app.url, { 'x-forwarded-for': '198.51.100.9' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="api"');

      const signed = await handshake(app.url, {
        'x-forwarded-for': '198.51.100.10',
        authorization: `Bearer ${await token('carol')}`,
      });
      expect(signed).toMatchObject({ status: 101, message: 'hello carol' });

      const auth = { 'x-forwarded-for': '198.51.100.11', authorization: `Bearer ${await token('dave')}` };
      for (let i = 0; i < 3; i++) expect((await handshake(app.url, auth)).status).toBe(101);
      const limited = await handshake(app.url, auth);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

      if (guard === 'guardUpgrade') {
        const upgrade = app.audit().filter((row) => row.method === 'UPGRADE');
        expect(upgrade).toEqual([expect.objectContaining({ guarded: true })]);
      }
    },
  );
});

describe('WebSocket upgrades on raw', () => {
  it('runs the chain on a handshake like on any request (the raw server has no upgrade path)', async () => {
    const router = new Router();
    router.get('/', (_req, res) => res.json({ upgrade: 'not supported' }, 426));
    const server = createRawServer({ chain: policy(), handler: router.handle });
    const { port } = await server.listen(0, '127.0.0.1');
    running.push({
      url: '',
      server: undefined as never,
      audit: () => [],
      close: () => server.close({ deadline: 500 }),
    });
    const url = `ws://127.0.0.1:${port}`;
    expect((await handshake(url, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(403);
    expect((await handshake(url, { 'x-forwarded-for': '198.51.100.9' })).status).toBe(401);
    const signed = await handshake(url, {
      'x-forwarded-for': '198.51.100.10',
      authorization: `Bearer ${await token('carol')}`,
    });
    expect(signed.status).toBe(426);
  });
});

describe('guardUpgrade', () => {
  it('refuses a second guard on one server and a missing chain', () => {
    const server = createServer();
    bExpress.guardUpgrade(server, policy());
    expect(() => bExpress.guardUpgrade(server, policy())).toThrow(/already guarded/);
    expect(() => bExpress.guardUpgrade(createServer(), undefined as never)).toThrow(TypeError);
  });
});

describe("the adapters' startup audit sees the server's upgrade listeners", () => {
  it.each([false, true])('express audit: throw, WebSocketServer guarded: %s', async (guarded) => {
    const chain = policy();
    const reported: unknown[] = [];
    const app = express();
    app.use(bExpress.bouncer(chain, { audit: 'throw', onError: (error) => reported.push(error) }));
    app.get('/health', (_req, res) => res.json({ ok: true }));
    const server = createServer(app);
    if (guarded) bExpress.guardUpgrade(server, chain);
    const wss = new WebSocketServer({ server });
    const url = (await listening(server)).replace('ws:', 'http:');
    running.push({ url, server, audit: () => [], close: () => closeAll(wss, server) });
    const r = await fetch(`${url}/health`, { headers: { authorization: `Bearer ${await token('ops')}` } });
    expect(r.status).toBe(guarded ? 200 : 500);
    expect(reported.length).toBe(guarded ? 0 : 1);
    if (!guarded) expect(String(reported[0])).toContain(UPGRADE_UNGUARDED);
  });

  it.each([false, true])('koa audit: throw, WebSocketServer guarded: %s', async (guarded) => {
    const chain = policy();
    const reported: unknown[] = [];
    const app = new Koa();
    app.on('error', (error) => reported.push(error));
    app.use(bKoa.bouncer(chain, { audit: 'throw' }));
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const server = createServer(app.callback());
    if (guarded) bKoa.guardUpgrade(server, chain);
    const wss = new WebSocketServer({ server });
    const url = (await listening(server)).replace('ws:', 'http:');
    running.push({ url, server, audit: () => [], close: () => closeAll(wss, server) });
    const r = await fetch(`${url}/x`, { headers: { authorization: `Bearer ${await token('ops')}` } });
    expect(r.status).toBe(guarded ? 200 : 500);
    expect(reported.length).toBe(guarded ? 0 : 1);
  });
});
