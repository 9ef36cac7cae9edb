import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '@bouncer/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawServer, type RawServerOptions } from '../src/index';
import { count, openClient, parseResponses, roundTrip } from './_wire';

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

async function start(options: RawServerOptions<any>): Promise<number> {
  const server = createServer({ onError: () => {}, ...options });
  servers.push(server);
  return (await server.listen(0, '127.0.0.1')).port;
}

const GET = (path = '/', extra = '') => `GET ${path} HTTP/1.1\r\nHost: a\r\n${extra}\r\n`;

describe('pipelining and persistence', () => {
  it('answers pipelined requests in request order even when later ones finish first', async () => {
    const port = await start({
      async handler(req, res) {
        const delay = Number(req.query.get('d'));
        await sleep(delay);
        res.end(req.path);
      },
    });
    const { data } = await roundTrip(port, GET('/a?d=60') + GET('/b?d=0') + GET('/c?d=20'), {
      until: count(3),
    });
    expect(parseResponses(data).map((r) => r.body.toString())).toEqual(['/a', '/b', '/c']);
  });

  it('reuses a kept-alive connection for sequential requests', async () => {
    let peers = new Set<number>();
    const port = await start({
      handler(req, res) {
        peers.add(req.remotePort);
        res.end('x');
      },
    });
    const c = await openClient(port);
    c.write(GET());
    await c.waitFor(count(1));
    c.write(GET());
    await c.waitFor(count(2));
    expect(c.isClosed()).toBe(false);
    expect(peers.size).toBe(1);
    c.destroy();
    peers = new Set();
  });

  it('honours Connection: close sent by the client and by the app', async () => {
    const port = await start({
      handler(req, res) {
        if (req.path === '/bye') res.setHeader('Connection', 'close');
        res.end('x');
      },
    });
    const a = await roundTrip(port, GET('/', 'Connection: close\r\n'));
    expect(a.closed).toBe(true);
    expect(parseResponses(a.data)[0].headers.connection).toBe('close');
    const b = await roundTrip(port, GET('/bye') + GET('/never'));
    expect(b.closed).toBe(true);
    expect(parseResponses(b.data).map((r) => r.status)).toEqual([200]);
  });

  it('closes an idle kept-alive connection after keepAliveTimeout', async () => {
    const port = await start({ keepAliveTimeout: 100, handler: (_q, res) => res.end('x') });
    const c = await openClient(port);
    c.write(GET());
    await c.waitFor(count(1));
    await c.closed;
    expect(parseResponses(c.received())).toHaveLength(1);
  });

  it('maxRequestsPerSocket: the last allowed answer says close, later bytes are ignored', async () => {
    const port = await start({ maxRequestsPerSocket: 2, handler: (_q, res) => res.end('x') });
    const { data, closed } = await roundTrip(port, GET() + GET() + GET());
    const responses = parseResponses(data);
    expect(responses.map((r) => r.headers.connection)).toEqual([undefined, 'close']);
    expect(closed).toBe(true);
  });

  it('stops reading pipelined requests while answers back up, and answers them all in order later', async () => {
    let handled = 0;
    const big = Buffer.alloc(64 * 1024, 97);
    const port = await start({
      highWaterMark: 16 * 1024,
      handler(req, res) {
        handled++;
        res.setHeader('X-Path', req.path);
        res.end(big);
      },
    });
    const c = await openClient(port);
    const total = 300;
    let input = '';
    for (let i = 0; i < total; i++) input += GET(`/${i}`);
    c.pause();
    c.write(input);
    await sleep(300);
    // The client reads nothing: the server must have stopped parsing long before the end.
    expect(handled).toBeLessThan(total);
    c.resume();
    for (let i = 0; i < 500 && c.length() < total * big.length; i++) await sleep(10);
    const rs = parseResponses(await c.waitFor(count(total)));
    expect(rs.map((r) => r.headers['x-path'])).toEqual(Array.from({ length: total }, (_, i) => `/${i}`));
    expect(handled).toBe(total);
    c.destroy();
  });

  it('never hands the app a pipelined request after a synchronous `Connection: close` answer', async () => {
    const handled: string[] = [];
    const port = await start({
      handler(req, res) {
        handled.push(req.path);
        res.setHeader('Connection', 'close');
        res.end(req.path);
      },
    });
    const { data, closed } = await roundTrip(port, GET('/a') + GET('/b'), { timeoutMs: 1000 });
    expect(parseResponses(data).map((r) => r.body.toString())).toEqual(['/a']);
    expect(closed).toBe(true);
    expect(handled).toEqual(['/a']);
  });

  it('drains a body the app did not read and serves the next request', async () => {
    const port = await start({ handler: (req, res) => res.end(req.path) });
    const body = 'z'.repeat(5000);
    const input = `POST /one HTTP/1.1\r\nHost: a\r\nContent-Length: ${body.length}\r\n\r\n${body}${GET('/two')}`;
    const { data } = await roundTrip(port, input, { until: count(2) });
    expect(parseResponses(data).map((r) => r.body.toString())).toEqual(['/one', '/two']);
  });
});

describe('Expect: 100-continue (RFC 9110 §10.1.1)', () => {
  it('sends 100 Continue only when the app starts reading the body', async () => {
    let readingAt = 0;
    const port = await start({
      async handler(req, res) {
        await sleep(50);
        readingAt = Date.now();
        res.end(await req.text());
      },
    });
    const c = await openClient(port);
    const sentAt = Date.now();
    c.write('POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n');
    await c.waitFor((d) => d.includes('100 Continue'));
    expect(readingAt).toBeGreaterThanOrEqual(sentAt + 40);
    expect(c.received().toString()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    c.write('hello');
    const data = await c.waitFor(count(2));
    expect(parseResponses(data).map((r) => r.status)).toEqual([100, 200]);
    expect(parseResponses(data)[1].body.toString()).toBe('hello');
    c.destroy();
  });

  it('sends no 100 when the app answers without reading, and closes afterwards', async () => {
    const port = await start({ handler: (_q, res) => res.writeHead(403).end() });
    const { data, closed } = await roundTrip(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n',
    );
    expect(data.toString()).not.toContain('100 Continue');
    expect(parseResponses(data).map((r) => [r.status, r.headers.connection])).toEqual([[403, 'close']]);
    expect(closed).toBe(true);
  });

  it('never sends 100 to HTTP/1.0', async () => {
    const port = await start({ handler: async (req, res) => res.end(await req.text()) });
    const { data } = await roundTrip(
      port,
      'POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi',
    );
    expect(data.toString()).not.toContain('100 Continue');
    expect(parseResponses(data)[0].body.toString()).toBe('hi');
  });

  it('answers other expectations with 417', async () => {
    const port = await start({ handler: (_q, res) => res.end('x') });
    const { data } = await roundTrip(port, GET('/', 'Expect: 200-ok\r\n'));
    expect(parseResponses(data).map((r) => r.status)).toEqual([417]);
  });
});

describe('response framing', () => {
  it('sends no body for HEAD (Content-Length as the body would have), 204 and 304', async () => {
    const port = await start({
      handler(req, res) {
        if (req.path === '/204') res.writeHead(204).end('ignored');
        else if (req.path === '/304') res.writeHead(304, { ETag: '"x"' }).end('ignored');
        else res.end('hello');
      },
    });
    const input = `HEAD / HTTP/1.1\r\nHost: a\r\n\r\n${GET('/204')}${GET('/304')}${GET('/')}`;
    const { data } = await roundTrip(port, input, { until: count(4) });
    const rs = parseResponses(data, [true, false, false, false]);
    expect(rs.map((r) => [r.status, r.body.toString()])).toEqual([
      [200, ''],
      [204, ''],
      [304, ''],
      [200, 'hello'],
    ]);
    expect(rs[0].headers['content-length']).toBe('5');
    expect(rs[1].headers['content-length']).toBeUndefined();
  });

  it('streams unknown-length bodies chunked on 1.1 and close-delimited on 1.0', async () => {
    const port = await start({
      async handler(_q, res) {
        res.write('a');
        await sleep(5);
        res.write('b');
        res.end('c');
      },
    });
    const one = await roundTrip(port, GET(), { until: count(1) });
    expect(one.data.toString()).toContain('Transfer-Encoding: chunked');
    expect(parseResponses(one.data)[0].body.toString()).toBe('abc');
    const zero = await roundTrip(port, 'GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n');
    expect(zero.closed).toBe(true);
    expect(zero.data.toString()).toMatch(/Connection: close\r\n\r\nabc$/);
  });

  it('rejects CR/LF in header names and values in the app call, keeping them off the wire', async () => {
    const thrown: string[] = [];
    const port = await start({
      handler(_q, res) {
        for (const [n, v] of [
          ['X-A', 'a\r\nSet-Cookie: evil=1'],
          ['X-B\r\nEvil', 'x'],
          ['X-C', 'nul\0'],
        ]) {
          try {
            res.setHeader(n, v);
          } catch (e) {
            thrown.push((e as Error).name);
          }
        }
        res.end('ok');
      },
    });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    expect(thrown).toEqual(['TypeError', 'TypeError', 'TypeError']);
    expect(data.toString()).not.toContain('evil');
  });

  it('honours write() backpressure with drain', async () => {
    let sawFalse = false;
    const port = await start({
      highWaterMark: 1024,
      async handler(_q, res) {
        const chunk = Buffer.alloc(64 * 1024, 120);
        for (let i = 0; i < 64; i++) {
          if (!res.write(chunk)) {
            sawFalse = true;
            await new Promise((r) => res.once('drain', r));
          }
        }
        res.end();
      },
    });
    const { data } = await roundTrip(port, GET(), { until: count(1), timeoutMs: 10_000 });
    expect(sawFalse).toBe(true);
    expect(parseResponses(data)[0].body.length).toBe(64 * 64 * 1024);
  });

  it('turns a throwing or rejecting handler into a 500 without internals', async () => {
    const reported: unknown[] = [];
    const port = await start({
      onError: (e) => reported.push(e),
      handler(req) {
        if (req.path === '/sync') throw new Error('secret stack');
        return Promise.reject(new Error('secret async'));
      },
    });
    const { data } = await roundTrip(port, GET('/sync') + GET('/async'), { until: count(2) });
    const rs = parseResponses(data);
    expect(rs.map((r) => r.status)).toEqual([500, 500]);
    expect(data.toString()).not.toContain('secret');
    expect(rs[0].headers['content-type']).toBe('application/problem+json');
    expect(reported).toHaveLength(2);
  });

  it('destroys the connection when the handler fails after its head went out', async () => {
    const port = await start({
      async handler(_q, res) {
        res.write('partial');
        await sleep(5);
        throw new Error('boom');
      },
    });
    const { data, closed } = await roundTrip(port, GET());
    expect(closed).toBe(true);
    expect(data.toString()).toContain('partial');
    expect(data.toString()).not.toContain('0\r\n\r\n');
  });

  it('sends what was written before a failure in the same turn destroys the connection', async () => {
    const port = await start({
      async handler(_q, res) {
        res.write('partial');
        throw new Error('boom');
      },
    });
    const { data, closed } = await roundTrip(port, GET());
    expect(closed).toBe(true);
    expect(data.toString()).toContain('partial');
  });

  it('answers 413 when a chunked body grows past maxBodySize', async () => {
    const port = await start({ maxBodySize: 10, handler: async (req, res) => res.end(await req.bytes()) });
    const { data, closed } = await roundTrip(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nabcdef\r\n6\r\nghijkl\r\n0\r\n\r\n',
    );
    expect(parseResponses(data).map((r) => r.status)).toEqual([413]);
    expect(closed).toBe(true);
  });
});

describe('timers', () => {
  it('answers 408 and closes when the header section is too slow', async () => {
    const port = await start({
      headersTimeout: 150,
      requestTimeout: 1000,
      handler: (_q, res) => res.end('x'),
    });
    const c = await openClient(port);
    c.write('GET / HTTP/1.1\r\nHo');
    await c.closed;
    expect(parseResponses(c.received()).map((r) => r.status)).toEqual([408]);
  });

  it('answers 408 when the body is too slow (requestTimeout)', async () => {
    const port = await start({
      headersTimeout: 100,
      requestTimeout: 200,
      handler: async (req, res) => res.end(await req.bytes()),
    });
    const c = await openClient(port);
    c.write('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nab');
    await c.closed;
    expect(parseResponses(c.received()).map((r) => r.status)).toEqual([408]);
  });

  it('answers 408 to a connection that never sends anything', async () => {
    const port = await start({
      headersTimeout: 100,
      requestTimeout: 200,
      handler: (_q, res) => res.end('x'),
    });
    const c = await openClient(port);
    await c.closed;
    expect(parseResponses(c.received()).map((r) => r.status)).toEqual([408]);
  });
});

describe('server lifecycle', () => {
  it('close() lets in-flight requests finish, closes idle connections, and resolves', async () => {
    const server = createServer({
      async handler(_q, res) {
        await sleep(100);
        res.end('done');
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const idle = await openClient(port);
    const busy = await openClient(port);
    busy.write(GET());
    await sleep(20);
    const closing = server.close({ deadline: 2000 });
    await idle.closed;
    const data = await busy.waitFor(count(1));
    const r = parseResponses(data)[0];
    expect([r.status, r.body.toString(), r.headers.connection]).toEqual([200, 'done', 'close']);
    await closing;
    expect(server.connections).toBe(0);
  });

  it('close() answers pipelined requests already received; only the last answer says close', async () => {
    const server = createServer({
      async handler(req, res) {
        // /a and /c answer after close() was called, /b before.
        await sleep(req.path === '/b' ? 0 : req.path === '/a' ? 60 : 80);
        res.end(req.path);
      },
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const c = await openClient(port);
    c.write(GET('/a') + GET('/b') + GET('/c'));
    await sleep(20);
    const closing = server.close({ deadline: 2000 });
    await c.closed;
    const rs = parseResponses(c.received());
    expect(rs.map((r) => r.body.toString())).toEqual(['/a', '/b', '/c']);
    expect(rs.map((r) => r.headers.connection)).toEqual([undefined, undefined, 'close']);
    await closing;
  });

  it('close() destroys what is left at the deadline', async () => {
    const server = createServer({ handler: () => new Promise(() => {}) });
    const { port } = await server.listen(0, '127.0.0.1');
    const c = await openClient(port);
    c.write(GET());
    await sleep(20);
    await server.close({ deadline: 50 });
    await c.closed;
    expect(c.received().length).toBe(0);
  });

  it('maxConnections drops connections beyond the cap', async () => {
    const port = await start({ maxConnections: 1, handler: (_q, res) => res.end('x') });
    const first = await openClient(port);
    await sleep(20);
    const second = await openClient(port);
    await second.closed;
    first.write(GET());
    await first.waitFor(count(1));
    first.destroy();
  });

  it('hands IPv6 and IPv4 peer addresses to the app', async () => {
    const server = createServer({ handler: (req, res) => res.end(req.remoteAddress) });
    servers.push(server);
    const { port } = await server.listen(0, '::1');
    const c = await openClient(port, '::1');
    c.write(GET());
    expect(parseResponses(await c.waitFor(count(1)))[0].body.toString()).toBe('::1');
    c.destroy();
  });

  it('rejects bad options with a ConfigError naming the option', () => {
    const handler = () => {};
    expect(() => createServer({ handler, maxHeaderSize: -1 })).toThrow(/maxHeaderSize/);
    expect(() => createServer({ handler, headersTimeout: 1.5 })).toThrow(/headersTimeout/);
    expect(() => createServer({ handler, headersTimeout: 10, requestTimeout: 5 })).toThrow(/requestTimeout/);
    expect(() => createServer({ handler: 'nope' as never })).toThrow(/handler/);
    expect(() => createServer({ handler, maxBodySize: '1' as never })).toThrow(/ConfigError|maxBodySize/);
    expect(() => createServer({ handler, keepAliveTimeout: -5 })).toThrow(ConfigError);
  });
});
