// The per-request shortcuts keep the wire bytes the slow paths produce: one write for a complete
// answer (latin1 head, UTF-8 body), fixed routes matched without splitting, the Date line cached.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection } from '../src/_server/connection';
import { serverCore } from '../src/_server/server-options';
import { createServer, type RawServer, type RawServerOptions, Router } from '../src/index';
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

/** What a connection hands its socket, write by write, with no network in between. */
class RecordingSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  remotePort = 40000;
  writableLength = 0;
  readonly writes: Buffer[] = [];
  destroyed = false;
  write(data: string | Uint8Array, encoding?: BufferEncoding): boolean {
    this.writes.push(typeof data === 'string' ? Buffer.from(data, encoding ?? 'utf8') : Buffer.from(data));
    return true;
  }
  cork(): void {}
  uncork(): void {}
  end(): void {}
  pause(): void {}
  resume(): void {}
  destroy(): void {
    this.destroyed = true;
  }
}

function converse(options: RawServerOptions<any>, input: string): RecordingSocket {
  const socket = new RecordingSocket();
  const connection = new Connection(
    socket as never,
    serverCore({ onError: () => {}, ...options }, () => {}),
  );
  connection.onData(Buffer.from(input, 'latin1'));
  return socket;
}

describe('one write per complete answer', () => {
  it('hands head and body of end(string) to the socket in one write', () => {
    const socket = converse({ handler: (_q, res) => res.end('hello') }, GET());
    expect(socket.writes).toHaveLength(1);
    const [answer] = parseResponses(socket.writes[0]);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe('5');
    expect(answer.body.toString()).toBe('hello');
  });

  it('hands head and body of end(bytes) to the socket in one write', () => {
    const socket = converse({ handler: (_q, res) => res.end(new Uint8Array([0, 1, 2, 255])) }, GET());
    expect(socket.writes).toHaveLength(1);
    expect([...parseResponses(socket.writes[0])[0].body]).toEqual([0, 1, 2, 255]);
  });

  it('writes a HEAD answer as its head alone, keeping the Content-Length of the body', () => {
    const socket = converse({ handler: (_q, res) => res.end('hello') }, 'HEAD / HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(socket.writes).toHaveLength(1);
    const text = socket.writes[0].toString('latin1');
    expect(text).toMatch(/\r\nContent-Length: 5\r\n/);
    expect(text.endsWith('\r\n\r\n')).toBe(true);
  });

  it('keeps chunked framing when the app asked for it on a complete answer', () => {
    const socket = converse(
      {
        handler: (_q, res) => {
          res.setHeader('Transfer-Encoding', 'chunked');
          res.end('abc');
        },
      },
      GET(),
    );
    const wire = Buffer.concat(socket.writes).toString('latin1');
    expect(wire).toMatch(/\r\nTransfer-Encoding: chunked\r\n/);
    expect(wire.endsWith('\r\n\r\n3\r\nabc\r\n0\r\n\r\n')).toBe(true);
  });

  it('throws in end() and destroys the connection when the body exceeds its declared Content-Length', () => {
    let thrown: unknown;
    const socket = converse(
      {
        handler: (_q, res) => {
          res.setHeader('Content-Length', '2');
          try {
            res.end('too long');
          } catch (error) {
            thrown = error;
          }
        },
      },
      GET(),
    );
    expect(String(thrown)).toMatch(/exceeds its Content-Length/);
    expect(socket.destroyed).toBe(true);
    expect(socket.writes).toHaveLength(0);
  });

  it('destroys the connection when the body falls short of its declared Content-Length', () => {
    const socket = converse(
      {
        handler: (_q, res) => {
          res.setHeader('Content-Length', '10');
          res.end('short');
        },
      },
      GET(),
    );
    expect(socket.destroyed).toBe(true);
  });
});

describe('response field order', () => {
  it('keeps first-set order: a replaced field stays in place, a removed and re-set one moves last', () => {
    const socket = converse(
      {
        handler(_q, res) {
          res.setHeader('X-A', '1');
          res.setHeader('X-B', '2');
          res.setHeader('X-C', '3');
          res.setHeader('x-a', '4');
          res.removeHeader('X-B');
          res.appendHeader('X-B', '5');
          res.appendHeader('X-C', '6');
          expect(res.getHeaderNames()).toEqual(['x-a', 'x-c', 'x-b']);
          expect(res.getHeader('X-C')).toEqual(['3', '6']);
          res.end();
        },
      },
      GET(),
    );
    const lines = socket.writes[0].toString('latin1').split('\r\n');
    expect(lines.filter((l) => l.startsWith('X-') || l.startsWith('x-'))).toEqual([
      'x-a: 4',
      'X-C: 3',
      'X-C: 6',
      'X-B: 5',
    ]);
  });
});

describe('RawResponse events', () => {
  it('is an EventEmitter whose listeners, added when wanted, hear finish', () => {
    const heard: string[] = [];
    let emitter = false;
    const socket = converse(
      {
        handler(_q, res) {
          emitter = res instanceof EventEmitter;
          expect(res.listenerCount('finish')).toBe(0);
          res.once('finish', () => heard.push('finish'));
          res.on('close', () => heard.push('close'));
          res.end('x');
          res.emit('custom');
        },
      },
      GET(),
    );
    expect(emitter).toBe(true);
    expect(heard).toEqual(['finish']);
    expect(socket.writes).toHaveLength(1);
  });
});

describe('encodings in a single-write answer', () => {
  it('sends obs-text field values as latin1 bytes and a string body as UTF-8', async () => {
    const port = await start({
      handler(_q, res) {
        res.setHeader('X-Name', 'caf\xe9');
        res.end('é€');
      },
    });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    const [answer] = parseResponses(data);
    expect(data.includes(Buffer.from('X-Name: caf\xe9\r\n', 'latin1'))).toBe(true);
    expect(answer.body.equals(Buffer.from('é€', 'utf8'))).toBe(true);
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength('é€')));
  });

  it('sends an ASCII head and a non-latin1 string body byte-exact', async () => {
    const port = await start({ handler: (_q, res) => res.json({ text: 'ünïcødé 🚀' }) });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    const [answer] = parseResponses(data);
    expect(JSON.parse(answer.body.toString('utf8'))).toEqual({ text: 'ünïcødé 🚀' });
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
  });

  it('sends obs-text in a field value set as a list next to a byte body', async () => {
    const port = await start({
      handler(_q, res) {
        res.setHeader('X-List', ['a', '\xff']);
        res.end(Buffer.from([1, 2, 3]));
      },
    });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    expect(data.includes(Buffer.from('X-List: a\r\nX-List: \xff\r\n', 'latin1'))).toBe(true);
    expect([...parseResponses(data)[0].body]).toEqual([1, 2, 3]);
  });
});

describe('Router', () => {
  async function routed(paths: string[], method = 'GET'): Promise<{ status: number; body: string }[]> {
    const router = new Router();
    router.get('/prices', (_q, res) => res.end('prices'));
    router.get('/', (_q, res) => res.end('root'));
    router.get('/users/:id', (req, res) => res.end(`user ${req.params.id}`));
    router.post('/users/:id/notes', (_q, res) => res.end('note'));
    const port = await start({ handler: router.handle });
    const input = paths.map((p) => `${method} ${p} HTTP/1.1\r\nHost: a\r\n\r\n`).join('');
    const { data } = await roundTrip(port, input, { until: count(paths.length) });
    return parseResponses(data).map((r) => ({ status: r.status, body: r.body.toString() }));
  }

  it('matches a fixed route whatever empty segments the path carries', async () => {
    const answers = await routed(['/prices', '/prices/', '//prices', '/prices?x=1', '/', '//']);
    expect(answers.map((a) => a.body)).toEqual(['prices', 'prices', 'prices', 'prices', 'root', 'root']);
  });

  it('matches routes with parameters, decoded, and 404s what matches nothing', async () => {
    const answers = await routed(['/users/a%20b', '/users//7/', '/users', '/prices/x']);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 404]);
    expect(answers[0].body).toBe('user a b');
    expect(answers[1].body).toBe('user 7');
  });

  it('answers 405 with Allow for a path known under other methods', async () => {
    const router = new Router();
    router.post('/users/:id/notes', (_q, res) => res.end('note'));
    router.put('/items', (_q, res) => res.end('put'));
    const port = await start({ handler: router.handle });
    const { data } = await roundTrip(port, GET('/users/1/notes') + GET('/items/'), { until: count(2) });
    const [notes, items] = parseResponses(data);
    expect([notes.status, notes.headers.allow]).toEqual([405, 'POST']);
    expect([items.status, items.headers.allow]).toEqual([405, 'PUT']);
  });
});

describe('keep-alive clock', () => {
  it('measures keepAliveTimeout from the last answer, not from the first one', async () => {
    const port = await start({ keepAliveTimeout: 250, handler: (_q, res) => res.end('x') });
    const c = await openClient(port);
    for (let i = 1; i <= 6; i++) {
      c.write(GET());
      await c.waitFor(count(i));
      await sleep(70);
    }
    // 420 ms after the first answer, but only 70 ms after the last one: still open.
    expect(c.isClosed()).toBe(false);
    const idleSince = Date.now();
    await c.closed;
    expect(Date.now() - idleSince).toBeGreaterThanOrEqual(100);
  });
});
