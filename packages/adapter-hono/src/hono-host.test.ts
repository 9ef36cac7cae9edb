import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import type { Middleware } from '@bouncer/core';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { bouncer } from './index';

// The Host over a Hono context, off Node (app.request, headers staged until the Response exists)
// and on @hono/node-server (headers on the Node response), each read and write the chain makes.

const peer = () => '198.51.100.1';
type Seen = Record<string, unknown>;

function offNode(
  chain: Middleware<any>,
  route: (app: Hono) => void = (app) => app.all('/', (c) => c.text('app')),
) {
  const app = new Hono();
  const errors: unknown[] = [];
  app.use(bouncer(chain, { peer, onError: (e) => errors.push(e) }));
  route(app);
  return { app, errors };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function onNode(chain: Middleware<any>, route: (app: Hono) => void, maxHeadersCount?: number) {
  const app = new Hono();
  app.use(bouncer(chain));
  route(app);
  const server = serve({
    fetch: app.fetch,
    port: 0,
    hostname: '127.0.0.1',
  }) as unknown as import('node:http').Server;
  if (maxHeadersCount !== undefined) server.maxHeadersCount = maxHeadersCount;
  await new Promise<void>((r) => (server.listening ? r() : server.once('listening', () => r())));
  const port = (server.address() as AddressInfo).port;
  closers.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port, url: `http://127.0.0.1:${port}` };
}

function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (d) => {
      data += d.toString('latin1');
    });
    socket.on('close', () => resolve(data));
    socket.write(request);
  });
}

describe('HonoHost off Node: what the chain reads', () => {
  it('reads the request line, scheme and headers from the Request', async () => {
    const seen: Seen = {};
    const { app } = offNode((ctx, next) => {
      Object.assign(seen, {
        target: ctx.req.target,
        scheme: ctx.req.scheme,
        peer: ctx.req.peer,
        accept: ctx.req.header('accept'),
        missing: ctx.req.header('x-none'),
        lines: ctx.req.headerValues('accept'),
        none: ctx.req.headerValues('x-none'),
        cut: ctx.req.headersCut,
      });
      return next();
    });
    await app.request('https://api.example/a/b?x=1', { headers: { accept: 'text/html' } });
    expect(seen).toEqual({
      target: '/a/b?x=1',
      scheme: 'https',
      peer: '198.51.100.1',
      accept: 'text/html',
      missing: undefined,
      lines: ['text/html'],
      none: [],
      cut: false,
    });
  });

  it('lends a POST body to the chain and replays it to the application, whole across chunks', async () => {
    const seen: Seen = {};
    const { app } = offNode(
      async (ctx, next) => {
        seen.chain = new TextDecoder().decode(await ctx.req.body.bytes());
        return next();
      },
      (a) =>
        a.post('/', async (c) => {
          seen.json = await c.req.json();
          seen.raw = await c.req.raw.text();
          return c.text('ok');
        }),
    );
    const parts = ['{"a":', '1,"b"', ':[2]}'];
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of parts) controller.enqueue(new TextEncoder().encode(p));
        controller.close();
      },
    });
    const res = await app.request('/', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-type': 'application/json', 'content-length': '15' },
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(seen).toEqual({ chain: '{"a":1,"b":[2]}', json: { a: 1, b: [2] }, raw: '{"a":1,"b":[2]}' });
  });

  it('refuses a body past the limit while reading it, whatever its declared length', async () => {
    const { app } = offNode(async (ctx, next) => {
      ctx.req.body.limit = 4;
      await ctx.req.body.bytes();
      return next();
    });
    const stream = (text: string) =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const ch of text) controller.enqueue(new TextEncoder().encode(ch));
          controller.close();
        },
      });
    const post = (text: string) =>
      app.request('/', {
        method: 'POST',
        body: stream(text),
        duplex: 'half',
        headers: { 'content-length': '3' },
      } as RequestInit);
    expect((await post('hello')).status).toBe(413);
    expect((await post('four')).status).toBe(200);
  });

  it('replays exactly the bytes of a chunk that is a view into a larger buffer', async () => {
    const seen: Seen = {};
    const { app } = offNode(
      async (ctx, next) => {
        await ctx.req.body.bytes();
        return next();
      },
      (a) =>
        a.post('/', async (c) => {
          seen.text = await c.req.text();
          return c.text('ok');
        }),
    );
    const backing = new TextEncoder().encode('xxhelloyy');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(backing.buffer, 2, 5));
        controller.close();
      },
    });
    await app.request('/', {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'content-length': '5' },
    } as RequestInit);
    expect(seen.text).toBe('hello');
  });

  it('reads an empty body for a POST that declares a length but carries none', async () => {
    const seen: number[] = [];
    const { app, errors } = offNode(async (ctx, next) => {
      seen.push((await ctx.req.body.bytes()).byteLength);
      return next();
    });
    const res = await app.request('/', { method: 'POST', headers: { 'content-length': '5' } });
    expect(res.status).toBe(200);
    expect(seen).toEqual([0]);
    expect(errors).toEqual([]);
  });

  it('reads an empty body for GET, and for a POST without one', async () => {
    const seen: number[] = [];
    const { app } = offNode(async (ctx, next) => {
      seen.push((await ctx.req.body.bytes()).byteLength);
      return next();
    });
    await app.request('/');
    await app.request('/', { method: 'POST' });
    expect(seen).toEqual([0, 0]);
  });
});

describe('HonoHost off Node: what the chain writes', () => {
  it('stages headers until the Response exists; the application’s own header wins', async () => {
    const seen: Seen = {};
    const { app } = offNode(
      (ctx, next) => {
        ctx.res.set('X-Chain', 'c');
        ctx.res.set('X-Both', 'chain');
        ctx.res.set('X-List', ['a', 'b']);
        ctx.res.set('X-Dropped', 'x');
        ctx.res.delete('x-dropped');
        seen.before = [ctx.res.get('x-list'), ctx.res.get('x-none'), ctx.res.status];
        return next();
      },
      (a) =>
        a.get('/', (c) => {
          c.header('X-Both', 'app');
          return c.text('app');
        }),
    );
    const res = await app.request('/');
    expect(res.headers.get('x-chain')).toBe('c');
    expect(res.headers.get('x-both')).toBe('app');
    expect(res.headers.get('x-list')).toBe('a, b');
    expect(res.headers.get('x-dropped')).toBeNull();
    expect(seen.before).toEqual(['a, b', undefined, 0]);
  });

  it('edits the Response at the head, rebuilding one whose headers are immutable', async () => {
    const stamp: Middleware = (ctx, next) => {
      ctx.onHead((c) => {
        c.res.set('X-Head', String(c.res.status));
        c.res.set('X-Seen', c.res.get('location') ?? 'none');
        c.res.delete('x-remove');
      });
      return next();
    };
    const { app } = offNode(stamp, (a) => {
      a.get('/redirect', () => Response.redirect('https://elsewhere.example/', 302));
      a.get('/', (c) => {
        c.header('X-Remove', '1');
        return c.text('app');
      });
    });
    const redirect = await app.request('/redirect');
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('https://elsewhere.example/');
    expect(redirect.headers.get('x-head')).toBe('302');
    expect(redirect.headers.get('x-seen')).toBe('https://elsewhere.example/');
    const plain = await app.request('/');
    expect(plain.headers.get('x-head')).toBe('200');
    expect(plain.headers.get('x-remove')).toBeNull();
    // The check for immutable headers leaves nothing behind.
    expect(plain.headers.get('x-bouncer-probe')).toBeNull();
    expect(redirect.headers.get('x-bouncer-probe')).toBeNull();
  });

  it('fills in only the fixed headers the Response lacks', async () => {
    const fixed: Middleware = (ctx, next) => {
      ctx.onHead((c) =>
        c.res.setMissing(['X-Frame-Options', 'X-A'], ['x-frame-options', 'x-a'], ['SAMEORIGIN', '1']),
      );
      return next();
    };
    const { app } = offNode(fixed, (a) =>
      a.get('/', (c) => {
        c.header('X-Frame-Options', 'DENY');
        return c.text('app');
      }),
    );
    const res = await app.request('/');
    expect([res.headers.get('x-frame-options'), res.headers.get('x-a')]).toEqual(['DENY', '1']);
  });

  it('answers the chain’s own refusal with the staged headers and no body to HEAD', async () => {
    const refuse: Middleware = (ctx) => {
      ctx.res.set('X-Staged', ['1', '2']);
      ctx.reject(403, 'no', 'test');
    };
    const { app } = offNode(refuse);
    const res = await app.request('/');
    expect(res.status).toBe(403);
    expect(res.headers.get('x-staged')).toBe('1, 2');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.parse(await res.text())).toMatchObject({ status: 403, detail: 'no' });
    const head = await app.request('/', { method: 'HEAD' });
    expect(head.status).toBe(403);
    expect(await head.text()).toBe('');
    const bare = await offNode((ctx) => ctx.reject(401)).app.request('/');
    expect(bare.status).toBe(401);
    expect(bare.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('HonoHost on Node', () => {
  it('reads the Node request: target, peer, every field line', async () => {
    const seen: Seen = {};
    const { port } = await onNode(
      (ctx, next) => {
        Object.assign(seen, {
          target: ctx.req.target,
          scheme: ctx.req.scheme,
          peer: ctx.req.peer,
          list: ctx.req.header('x-list'),
          lines: ctx.req.headerValues('x-list'),
          none: ctx.req.headerValues('x-none'),
          missing: ctx.req.header('x-none'),
        });
        return next();
      },
      (a) => a.get('/*', (c) => c.text('app')),
    );
    await raw(port, 'GET /a?x=1 HTTP/1.1\r\nHost: x\r\nX-List: a\r\nX-List: b\r\nConnection: close\r\n\r\n');
    expect(seen).toEqual({
      target: '/a?x=1',
      scheme: 'http',
      peer: '127.0.0.1',
      list: 'a, b',
      lines: ['a', 'b'],
      none: [],
      missing: undefined,
    });
  });

  it('puts the chain’s headers on the Node response: defaults the Response overrides, edits where it carries one', async () => {
    const seen: Seen = {};
    const { url } = await onNode(
      (ctx, next) => {
        ctx.res.set('X-Default', 'chain');
        ctx.res.set('X-Both', 'chain');
        ctx.res.set('X-Gone', 'x');
        ctx.res.delete('X-Gone');
        ctx.onHead((c) => {
          seen.both = c.res.get('x-both');
          seen.list = c.res.get('x-list');
          c.res.set('X-Edit', 'chain');
          c.res.delete('x-app-only');
        });
        ctx.res.set('X-List', ['1', '2']);
        return next();
      },
      (a) =>
        a.get('/', (c) => {
          c.header('X-Both', 'app');
          c.header('X-Edit', 'app');
          c.header('X-App-Only', 'app');
          return c.text('app');
        }),
    );
    const res = await fetch(url);
    expect(res.headers.get('x-default')).toBe('chain');
    expect(res.headers.get('x-both')).toBe('app');
    expect(res.headers.get('x-edit')).toBe('chain');
    expect(res.headers.get('x-gone')).toBeNull();
    expect(res.headers.get('x-app-only')).toBeNull();
    expect(seen).toEqual({ both: 'app', list: '1, 2' });
  });

  it('answers the chain’s refusal with the Node response’s headers and its own type', async () => {
    const { url } = await onNode(
      (ctx) => {
        ctx.res.set('X-Why', 'test');
        ctx.reject(403, 'no', 'test');
      },
      (a) => a.get('/', (c) => c.text('app')),
    );
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-why')).toBe('test');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('gives a bodiless answer of the chain no content type', async () => {
    const { url } = await onNode(
      (ctx) => ctx.respond(204),
      (a) => a.get('/', (c) => c.text('app')),
    );
    const res = await fetch(url);
    expect(res.status).toBe(204);
    expect(res.headers.get('content-type')).toBeNull();
  });

  it('reads and lends a GET body from the Node request', async () => {
    const seen: string[] = [];
    const { port } = await onNode(
      async (ctx, next) => {
        seen.push(new TextDecoder().decode(await ctx.req.body.bytes()));
        return next();
      },
      (a) => a.get('/', (c) => c.text('app')),
    );
    await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    expect(seen).toEqual(['hello']);
  });

  it('answers 431 when Node cut the header section', async () => {
    const { port } = await onNode(
      (_ctx, next) => next(),
      (a) => a.get('/', (c) => c.text('app')),
      4,
    );
    const lines = Array.from({ length: 6 }, (_, i) => `X-F${i}: ${i}\r\n`).join('');
    expect(await raw(port, `GET / HTTP/1.1\r\nHost: x\r\n${lines}Connection: close\r\n\r\n`)).toMatch(
      /^HTTP\/1\.1 431 /,
    );
  });

  it('counts the body bytes the socket wrote in the finish record', async () => {
    const finishes: unknown[] = [];
    const { url } = await onNode(
      (ctx, next) => {
        ctx.onFinish((info) => finishes.push([info.status, info.bytes, info.aborted]));
        return next();
      },
      (a) => a.get('/', (c) => c.text('hello world')),
    );
    await (await fetch(url)).text();
    await new Promise((r) => setTimeout(r, 20));
    expect(finishes).toEqual([[200, 11, false]]);
  });
});
