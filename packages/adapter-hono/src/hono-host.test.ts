import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, Socket } from 'node:net';
import type { Middleware } from '@bouncer/core';
import { listenLoopback } from '@bouncer/node-http';
import { serve } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { HonoHost } from './hono-host';
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

  it('reads and lends a GET or HEAD body from the Node request', async () => {
    const seen: string[] = [];
    const { port } = await onNode(
      async (ctx, next) => {
        seen.push(new TextDecoder().decode(await ctx.req.body.bytes()));
        return next();
      },
      (a) => a.get('/', (c) => c.text('app')),
    );
    await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello');
    await raw(port, 'HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nConnection: close\r\n\r\nhead');
    expect(seen).toEqual(['hello', 'head']);
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

// The Host on its own, over a stand-in for Hono's Context: only what HonoHost reads of it.
function context(env: unknown, url = 'http://app.example/p?q=1', init: RequestInit = {}) {
  return {
    env,
    req: { raw: new Request(url, init), bodyCache: {} },
    res: new Response('app', { headers: { 'x-own': 'app' } }),
  } as unknown as Context & { res: Response };
}

function nodePair(socket: Record<string, unknown> = {}) {
  const incoming = new IncomingMessage(new Socket());
  Object.defineProperty(incoming, 'socket', { value: { remoteAddress: '192.0.2.7', ...socket } });
  incoming.url = '/node?x=1';
  return { incoming, outgoing: new ServerResponse(incoming) };
}

describe('HonoHost, unit by unit', () => {
  it('reads the request line off Node from the URL, http or https, with no peer unless given one', () => {
    const plain = new HonoHost(context(undefined, 'http://app.example/a?b=1'), () => {});
    expect([plain.method, plain.target, plain.scheme, plain.peer, plain.onNode]).toEqual([
      'GET',
      '/a?b=1',
      'http',
      '',
      false,
    ]);
    const secure = new HonoHost(
      context({}, 'https://app.example/'),
      () => {},
      () => '203.0.113.5',
    );
    expect([secure.scheme, secure.peer]).toEqual(['https', '203.0.113.5']);
  });

  it('reads the request line on Node from the Node request, peer from the option first', () => {
    const env = nodePair();
    const host = new HonoHost(context(env), () => {});
    expect([host.target, host.scheme, host.peer, host.onNode, host.headersCut]).toEqual([
      '/node?x=1',
      'http',
      '192.0.2.7',
      true,
      false,
    ]);
    const tls = nodePair({ encrypted: true, remoteAddress: undefined });
    tls.incoming.url = undefined as never;
    const secure = new HonoHost(context(tls), () => {});
    expect([secure.target, secure.scheme, secure.peer]).toEqual(['/', 'https', '']);
    expect(
      new HonoHost(
        context(env),
        () => {},
        () => '203.0.113.5',
      ).peer,
    ).toBe('203.0.113.5');
    // node-ws upgrades carry `incoming` without `outgoing`: not the Node response path.
    expect(new HonoHost(context({ incoming: env.incoming }), () => {}).onNode).toBe(false);
  });

  it('answers status 0 until the Response exists, then its status', () => {
    const c = context(undefined);
    const host = new HonoHost(c, () => {});
    expect(host.status()).toBe(0);
    c.res = new Response(null, { status: 418 });
    host.goLive();
    expect(host.status()).toBe(418);
  });

  it('reads staged headers by lower-case name, lists joined, and the Response’s own once live', () => {
    const c = context(undefined);
    const host = new HonoHost(c, () => {});
    expect(host.getHeader('x-none')).toBeUndefined();
    host.setHeader('X-List', ['a', 'b']);
    host.setHeader('X-One', '1');
    host.setHeader('X-Own', 'chain');
    expect([host.getHeader('x-list'), host.getHeader('x-one')]).toEqual(['a, b', '1']);
    host.removeHeader('X-ONE');
    expect(host.getHeader('x-one')).toBeUndefined();
    host.goLive();
    expect([host.getHeader('x-own'), host.getHeader('x-list')]).toEqual(['app', 'a, b']);
    expect(c.res.headers.get('x-one')).toBeNull();
    // Live: writes go straight onto the Response.
    host.setHeader('X-Late', ['1', '2']);
    expect(c.res.headers.get('x-late')).toBe('1, 2');
    host.removeHeader('x-own');
    expect(c.res.headers.get('x-own')).toBeNull();
  });

  it('reads the Node response’s headers as text on Node, the Response’s own first once live', () => {
    const env = nodePair();
    const c = context(env);
    const host = new HonoHost(c, () => {});
    env.outgoing.setHeader('x-num', 5);
    env.outgoing.setHeader('x-list', ['a', 'b']);
    env.outgoing.setHeader('x-own', 'node');
    expect([host.getHeader('x-num'), host.getHeader('x-list'), host.getHeader('x-none')]).toEqual([
      '5',
      'a, b',
      undefined,
    ]);
    expect(host.getHeader('x-own')).toBe('node');
    host.goLive();
    expect(host.getHeader('x-own')).toBe('app');
    expect(host.getHeader('x-num')).toBe('5');
  });

  it('on Node, writes and removals reach the Response only for a header it carries, and the Node response until its head is out', () => {
    const env = nodePair();
    const c = context(env);
    const host = new HonoHost(c, () => {});
    host.goLive();
    host.setHeader('X-Node', 'n');
    expect([env.outgoing.getHeader('x-node'), c.res.headers.get('x-node')]).toEqual(['n', null]);
    host.setHeader('X-Own', 'chain');
    expect(c.res.headers.get('x-own')).toBe('chain');
    host.removeHeader('x-node');
    expect(env.outgoing.getHeader('x-node')).toBeUndefined();
    host.removeHeader('x-own');
    expect(c.res.headers.get('x-own')).toBeNull();
    env.outgoing.setHeader('x-kept', 'k');
    Object.defineProperty(env.outgoing, 'headersSent', { value: true });
    host.setHeader('X-After', 'a');
    host.removeHeader('x-kept');
    expect([env.outgoing.getHeader('x-after'), env.outgoing.getHeader('x-kept')]).toEqual([undefined, 'k']);
  });

  it('fills in only the missing fixed headers, on Node and off it', () => {
    const env = nodePair();
    const onNode = new HonoHost(context(env), () => {});
    env.outgoing.setHeader('x-a', 'set');
    onNode.setMissing(['X-A', 'X-B'], ['x-a', 'x-b'], ['1', '2']);
    expect([env.outgoing.getHeader('x-a'), env.outgoing.getHeader('x-b')]).toEqual(['set', '2']);
    const off = new HonoHost(context(undefined), () => {});
    off.setHeader('X-A', 'set');
    off.setMissing(['X-A', 'X-B'], ['x-a', 'x-b'], ['1', '2']);
    expect([off.getHeader('x-a'), off.getHeader('x-b')]).toEqual(['set', '2']);
  });

  it('gives the chain’s own answer the staged headers off Node, the Node response’s type on Node', () => {
    const off = new HonoHost(context(undefined), () => {});
    off.setHeader('X-List', ['a', 'b']);
    off.setHeader('Content-Type', 'application/problem+json');
    expect([...off.answerHeaders()]).toEqual([
      ['content-type', 'application/problem+json'],
      ['x-list', 'a, b'],
    ]);
    expect([...new HonoHost(context(undefined), () => {}).answerHeaders()]).toEqual([]);
    const env = nodePair();
    const onNode = new HonoHost(context(env), () => {});
    onNode.setHeader('X-Why', 'w');
    onNode.setHeader('Content-Type', 'text/plain');
    expect([...onNode.answerHeaders()]).toEqual([['content-type', 'text/plain']]);
  });

  it('rebuilds a Response with immutable headers once, and keeps using the rebuilt one', () => {
    const c = context(undefined);
    // As a fetch() result or Response.redirect() has them: headers that throw on any change.
    const immutable = new Response(null, {
      status: 302,
      headers: { location: 'https://elsewhere.example/' },
    });
    const frozen = immutable.headers;
    const refuse = () => {
      throw new TypeError('immutable');
    };
    Object.defineProperty(immutable, 'headers', {
      value: new Proxy(frozen, {
        get: (target, key) =>
          key === 'set' || key === 'delete' || key === 'append'
            ? refuse
            : typeof Reflect.get(target, key) === 'function'
              ? Reflect.get(target, key).bind(target)
              : Reflect.get(target, key),
      }),
    });
    c.res = immutable;
    const host = new HonoHost(c, () => {});
    host.goLive();
    host.setHeader('X-A', '1');
    const rebuilt = c.res;
    expect(rebuilt).not.toBe(immutable);
    host.setHeader('X-B', '2');
    expect(c.res).toBe(rebuilt);
    expect([
      rebuilt.status,
      rebuilt.headers.get('location'),
      rebuilt.headers.get('x-a'),
      rebuilt.headers.get('x-b'),
    ]).toEqual([302, 'https://elsewhere.example/', '1', '2']);
  });

  it('edits a Response whose headers take changes in place', () => {
    const c = context(undefined);
    const original = c.res;
    const host = new HonoHost(c, () => {});
    host.goLive();
    host.setHeader('X-A', '1');
    expect(c.res).toBe(original);
    expect(original.headers.get('x-a')).toBe('1');
  });

  it('rebuilds a proxied fetch() answer for the head hooks without repeating its cookies', async () => {
    const upstream = createServer((_req, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.end('upstream');
    });
    const { url, close } = await listenLoopback(upstream);
    closers.push(close);
    const { app } = offNode(
      (ctx, next) => {
        ctx.onHead((h) => h.res.set('X-Head', 'stamped'));
        return next();
      },
      (a) => a.get('/', () => fetch(url)),
    );
    const res = await app.request('/');
    expect(res.headers.get('x-head')).toBe('stamped');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.text()).toBe('upstream');
  });

  it('runs the head hook once, and not at all without one', () => {
    const host = new HonoHost(context(undefined), () => {});
    host.writeHead();
    let runs = 0;
    host.onHead(() => runs++);
    host.writeHead();
    host.writeHead();
    expect(runs).toBe(1);
  });

  it('passes errors to the reporter', () => {
    const reported: unknown[] = [];
    const error = new Error('x');
    new HonoHost(context(undefined), (e) => reported.push(e)).reportError(error);
    expect(reported).toEqual([error]);
  });

  it('cancels the body stream it stops reading at the limit', async () => {
    let cancelled: unknown = 'no';
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('12345'));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const host = new HonoHost(
      context(undefined, 'http://app.example/', { method: 'POST', body, duplex: 'half' } as RequestInit),
      () => {},
    );
    await expect(host.readBody(8)).rejects.toMatchObject({ status: 413, detail: 'Body exceeds 8 bytes' });
    expect(cancelled).toBeUndefined();
  });
});
