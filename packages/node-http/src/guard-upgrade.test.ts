import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Middleware } from '@bouncer/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exchange, type Served, serve } from './_raw';
import { guardUpgrade, upgradeState, verifyClient } from './guard-upgrade';

// Handshakes judged before any 'upgrade' listener sees them, over a raw socket.

const open: Served[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

const handshake = 'GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n';

async function guarded(chain: Middleware<any>, onError?: (e: unknown, req: IncomingMessage) => void) {
  const s = await serve((_req, res) => res.end('plain'));
  const upgrades: IncomingMessage[] = [];
  const errorListeners: number[] = [];
  guardUpgrade(s.server, chain, onError ? { onError } : {});
  s.server.on('upgrade', (req, socket) => {
    upgrades.push(req);
    errorListeners.push(socket.listenerCount('error'));
    socket.end('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n');
  });
  open.push(s);
  return { port: s.port, upgrades, errorListeners };
}

describe('guardUpgrade', () => {
  it('writes a refusal with the chain’s status, headers and body, one Connection and one Content-Length, and closes', async () => {
    const finishes: unknown[] = [];
    const { port, upgrades } = await guarded((ctx) => {
      ctx.onFinish((info) => finishes.push(info));
      ctx.onHead((c) => c.res.set('X-Stamped', 'yes'));
      ctx.res.set('X-Why', ['a', 'b']);
      ctx.res.set('Connection', 'keep-alive');
      ctx.reject(403, 'nope', 'test');
    });
    const raw = await exchange(port, [handshake]);
    const [head, body] = raw.split('\r\n\r\n');
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(lines.filter((l) => /^x-why:/i.test(l))).toEqual(['X-Why: a', 'X-Why: b']);
    expect(lines).toContain('X-Stamped: yes');
    expect(lines.filter((l) => /^connection:/i.test(l))).toEqual(['Connection: close']);
    expect(lines.filter((l) => /^content-length:/i.test(l))).toEqual([
      `Content-Length: ${Buffer.byteLength(body)}`,
    ]);
    expect(JSON.parse(body)).toMatchObject({ status: 403, detail: 'nope' });
    expect(upgrades).toEqual([]);
    expect(finishes).toEqual([
      { status: 403, bytes: Buffer.byteLength(body), aborted: false, duration: expect.any(Number) },
    ]);
  });

  it('hands an accepted handshake on with the chain’s state, and logs it as 101 with no bytes', async () => {
    const finishes: unknown[] = [];
    const { port, upgrades, errorListeners } = await guarded((ctx, next) => {
      ctx.onFinish((info) => finishes.push(info));
      (ctx.state as Record<string, unknown>).user = 'ann';
      return next();
    });
    const raw = await exchange(port, [handshake]);
    expect(raw).toMatch(/^HTTP\/1\.1 101 /);
    expect(upgrades).toHaveLength(1);
    // The socket goes on as Node hands it over: its errors are the listener's to handle.
    expect(errorListeners).toEqual([0]);
    expect(upgradeState(upgrades[0])).toEqual({ user: 'ann' });
    expect(finishes).toEqual([{ status: 101, bytes: 0, aborted: false, duration: expect.any(Number) }]);
  });

  it('refuses with 500 and reports when the chain throws, and still serves plain requests', async () => {
    const seen: unknown[] = [];
    const error = new Error('chain broke');
    const { port } = await guarded(
      () => {
        throw error;
      },
      (e, req) => seen.push([e, req.url]),
    );
    expect(await exchange(port, [handshake])).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(seen).toEqual([[error, '/ws']]);
    expect(await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])).toMatch(
      /plain$/,
    );
  });

  it('reports on console.error by default', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { port } = await guarded(() => {
      throw new Error('x');
    });
    await exchange(port, [handshake]);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('refuses with an empty body and Content-Length 0 when the chain answers without one', async () => {
    const finishes: unknown[] = [];
    const { port, upgrades } = await guarded((ctx) => {
      ctx.onFinish((info) => finishes.push(info.bytes));
      ctx.respond(401);
    });
    const raw = await exchange(port, [handshake]);
    expect(raw).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
    const [head, body] = raw.split('\r\n\r\n');
    expect(head.split('\r\n').filter((l) => /^content-length:/i.test(l))).toEqual(['Content-Length: 0']);
    expect(body).toBe('');
    expect(upgrades).toEqual([]);
    expect(finishes).toEqual([0]);
  });

  it('refuses with 500 a handshake the chain neither answered nor let through', async () => {
    const { port, upgrades } = await guarded(() => {});
    expect(await exchange(port, [handshake])).toMatch(/^HTTP\/1\.1 500 Internal Server Error\r\n/);
    expect(upgrades).toEqual([]);
  });

  it('takes the upgrade event from Node, returning true as for an event that has a listener', async () => {
    const s = await serve((_req, res) => res.end());
    open.push(s);
    guardUpgrade(s.server, (_ctx, next) => next());
    const fake = connect(s.port, '127.0.0.1');
    fake.on('error', () => {});
    const req = { method: 'GET', url: '/ws', headers: {}, rawHeaders: [], socket: fake };
    expect(s.server.emit('upgrade', req, fake, Buffer.alloc(0))).toBe(true);
    fake.destroy();
  });

  it('reports an upgrade listener that throws and closes its socket', async () => {
    const seen: unknown[] = [];
    const s = await serve((_req, res) => res.end());
    open.push(s);
    const error = new Error('listener broke');
    guardUpgrade(s.server, (_ctx, next) => next(), { onError: (e, req) => seen.push([e, req.url]) });
    s.server.on('upgrade', () => {
      throw error;
    });
    // Nothing written back: the connection is simply closed.
    expect(await exchange(s.port, [handshake], { idle: 1000 })).toBe('');
    expect(seen).toEqual([[error, '/ws']]);
  });

  it('writes nothing, and logs no bytes, when the connection is gone before the chain decides', async () => {
    const s = await serve((_req, res) => res.end());
    open.push(s);
    const finishes: number[] = [];
    const sockets: import('node:net').Socket[] = [];
    s.server.on('connection', (socket) => sockets.push(socket));
    guardUpgrade(s.server, async (ctx) => {
      ctx.onFinish((info) => finishes.push(info.bytes));
      sockets[0].destroy();
      ctx.reject(403, 'nope', 'test');
    });
    s.server.on('upgrade', (_req, socket) => socket.end());
    await exchange(s.port, [handshake]);
    expect(finishes).toEqual([0]);
  });

  it('survives a client that resets the connection while the chain decides', async () => {
    const uncaught: unknown[] = [];
    const collect = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', collect);
    try {
      const { port, upgrades } = await guarded(async (ctx) => {
        await new Promise((r) => setTimeout(r, 100));
        ctx.reject(403);
      });
      const client = connect(port, '127.0.0.1');
      client.on('error', () => {});
      client.write(handshake);
      await new Promise((r) => setTimeout(r, 30));
      client.resetAndDestroy();
      await new Promise((r) => setTimeout(r, 200));
      expect(uncaught).toEqual([]);
      expect(upgrades).toEqual([]);
      expect(await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'])).toMatch(
        /plain$/,
      );
    } finally {
      process.off('uncaughtException', collect);
    }
  });

  it('refuses to guard twice, or without a chain or a server', async () => {
    const s = await serve((_req, res) => res.end());
    open.push(s);
    const pass: Middleware = (_ctx, next) => next();
    guardUpgrade(s.server, pass);
    expect(() => guardUpgrade(s.server, pass)).toThrow('guardUpgrade: this server is already guarded');
    expect(() => guardUpgrade(s.server, 'x' as never)).toThrow(
      'guardUpgrade(server, chain) needs a middleware function',
    );
    for (const server of [{}, null]) {
      expect(() => guardUpgrade(server as never, pass)).toThrow(
        'guardUpgrade(server, chain) needs a node:http or node:https server',
      );
    }
  });
});

describe('verifyClient', () => {
  const info = () => ({
    origin: '',
    secure: false,
    req: {
      method: 'GET',
      url: '/ws',
      headers: {},
      rawHeaders: [],
      socket: { remoteAddress: '127.0.0.1' },
    } as unknown as IncomingMessage,
  });
  const verdict = (chain: Middleware<any>, onError?: (e: unknown, req: IncomingMessage) => void) =>
    new Promise<unknown[]>((resolve) => {
      verifyClient(chain, onError ? { onError } : {})(info(), (...args) => resolve(args));
    });

  it('accepts what the chain lets through, and logs it as 101 with no bytes', async () => {
    const finishes: unknown[] = [];
    expect(
      await verdict((ctx, next) => {
        ctx.onFinish((f) => finishes.push([f.status, f.bytes]));
        return next();
      }),
    ).toEqual([true]);
    expect(finishes).toEqual([[101, 0]]);
  });

  it('logs a refusal with its status and the bytes of its body', async () => {
    const finishes: unknown[] = [];
    const [, , body] = await verdict((ctx) => {
      ctx.onFinish((f) => finishes.push([f.status, f.bytes]));
      ctx.reject(403, 'nope', 'test');
    });
    expect(finishes).toEqual([[403, Buffer.byteLength(body as string)]]);
    const empty: unknown[] = [];
    await verdict((ctx) => {
      ctx.onFinish((f) => empty.push([f.status, f.bytes]));
      ctx.respond(401);
    });
    expect(empty).toEqual([[401, 0]]);
  });

  it('refuses a handshake the chain neither answered nor let through', async () => {
    expect((await verdict(() => {})).slice(0, 2)).toEqual([false, 500]);
  });

  it('refuses with the chain’s status, body and headers, lists kept as lists', async () => {
    const [ok, status, body, headers] = await verdict((ctx) => {
      ctx.res.set('X-Why', ['a', 'b']);
      ctx.reject(429, 'slow down', 'rateLimit', { 'Retry-After': '5' });
    });
    expect([ok, status]).toEqual([false, 429]);
    expect(JSON.parse(body as string)).toMatchObject({ status: 429, detail: 'slow down' });
    expect(headers).toMatchObject({ 'X-Why': ['a', 'b'], 'Retry-After': '5' });
    const [, , empty] = await verdict((ctx) => ctx.respond(403));
    expect(empty).toBe('');
  });

  it('refuses with 500 and reports when the chain throws', async () => {
    const seen: unknown[] = [];
    const error = new Error('x');
    const args = await verdict(
      () => {
        throw error;
      },
      (e, req) => seen.push([e, req.url]),
    );
    expect(args.slice(0, 2)).toEqual([false, 500]);
    expect(seen).toEqual([[error, '/ws']]);
  });

  it('reports on console.error by default, and needs a chain', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    await verdict(() => {
      throw new Error('x');
    });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(() => verifyClient(5 as never)).toThrow('verifyClient(chain) needs a middleware function');
  });
});
