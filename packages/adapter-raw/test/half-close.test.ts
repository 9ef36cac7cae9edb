import { setTimeout as sleep } from 'node:timers/promises';
import type { FinishInfo, Middleware } from '@bouncer/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawResponse, type RawServer, type RawServerOptions } from '../src/index';
import { count, openClient, parseResponses, roundTrip } from './_wire';

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

interface Probe {
  port: number;
  finishes: FinishInfo[];
  reported: unknown[];
}

/** Starts a server whose chain records every finish hook and whose errors are collected. */
async function start(options: RawServerOptions<any>): Promise<Probe> {
  const finishes: FinishInfo[] = [];
  const reported: unknown[] = [];
  const log: Middleware = (ctx, next) => {
    ctx.onFinish((info) => finishes.push(info));
    return next();
  };
  const server = createServer({ chain: log, onError: (e) => reported.push(e), ...options });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, finishes, reported };
}

/** A handler that waits until the test opens the gate. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

async function until(pred: () => boolean, ms = 2000): Promise<void> {
  for (const end = Date.now() + ms; !pred(); ) {
    if (Date.now() > end) throw new Error('condition never held');
    await sleep(5);
  }
}

const GET = (path = '/') => `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;

describe('client half-close, allowHalfOpen off (the default, as node:http)', () => {
  it('aborts the exchange in flight: no answer, finish hook aborted, the late writes are no-ops', async () => {
    const g = gate();
    const late: string[] = [];
    let closed = false;
    const p = await start({
      async handler(_req, res) {
        res.on('close', () => {
          closed = true;
        });
        await g.opened;
        try {
          res.setHeader('X-Late', '1');
          late.push(String(res.write('late')));
          res.end('!');
          late.push('ended');
        } catch (error) {
          late.push(`threw ${(error as Error).message}`);
        }
      },
    });
    const c = await openClient(p.port);
    c.write(GET('/slow'));
    await sleep(20);
    c.end();
    await c.closed;
    await until(() => p.finishes.length === 1);
    expect(p.finishes[0]).toMatchObject({ status: 200, aborted: true });
    expect(closed).toBe(true);
    g.open();
    await until(() => late.length === 2);
    expect(late).toEqual(['true', 'ended']);
    expect(c.received().length).toBe(0);
    expect(p.finishes).toHaveLength(1);
    expect(p.reported).toEqual([]);
  });

  it('drops pipelined requests still waiting for their turn, their finished answers included', async () => {
    const g = gate();
    const handled: string[] = [];
    const p = await start({
      async handler(req, res) {
        handled.push(req.path);
        if (req.path === '/first') await g.opened;
        res.end(req.path);
      },
    });
    const c = await openClient(p.port);
    c.write(GET('/first') + GET('/second') + GET('/third'));
    await until(() => handled.length === 3);
    c.end();
    await c.closed;
    await until(() => p.finishes.length === 3);
    g.open();
    await sleep(20);
    expect(p.finishes.map((f) => f.aborted)).toEqual([true, true, true]);
    expect(c.received().length).toBe(0);
    expect(p.reported).toEqual([]);
  });

  it('does not report the body error of an upload the client gave up on', async () => {
    const outcome: string[] = [];
    const p = await start({
      async handler(req, res) {
        try {
          await req.bytes();
          outcome.push('read');
        } catch {
          outcome.push('body failed');
        }
        res.end('done');
      },
    });
    const c = await openClient(p.port);
    c.write('POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhalf');
    await sleep(20);
    c.end();
    await c.closed;
    await until(() => outcome.length === 1 && p.finishes.length === 1);
    expect(outcome).toEqual(['body failed']);
    expect(p.finishes[0].aborted).toBe(true);
    expect(c.received().length).toBe(0);
    expect(p.reported).toEqual([]);
  });

  it('does not report an app that rethrows the aborted body error', async () => {
    const p = await start({
      async handler(req, res: RawResponse) {
        res.end(await req.text());
      },
    });
    const c = await openClient(p.port);
    c.write('POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhalf');
    await sleep(20);
    c.end();
    await c.closed;
    await until(() => p.finishes.length === 1);
    await sleep(20);
    expect(p.finishes[0].aborted).toBe(true);
    expect(p.reported).toEqual([]);
  });

  it('closes an idle kept-alive connection gently after its answers went out', async () => {
    const p = await start({ handler: (req, res) => res.end(req.path) });
    const c = await openClient(p.port);
    c.write(GET('/a'));
    await c.waitFor(count(1));
    c.end();
    await c.closed;
    expect(parseResponses(c.received()).map((r) => r.body.toString())).toEqual(['/a']);
    expect(p.finishes.map((f) => f.aborted)).toEqual([false]);
  });

  it('still serves other connections afterwards', async () => {
    const g = gate();
    const p = await start({
      async handler(req, res) {
        if (req.path === '/slow') await g.opened;
        res.end(req.path);
      },
    });
    const c = await openClient(p.port);
    c.write(GET('/slow'));
    await sleep(20);
    c.end();
    await c.closed;
    g.open();
    const { data } = await roundTrip(p.port, GET('/next'), { until: count(1) });
    expect(parseResponses(data)[0].body.toString()).toBe('/next');
  });
});

describe('client half-close, allowHalfOpen: true', () => {
  it('answers a request the client half-closed after sending, then closes', async () => {
    const p = await start({
      allowHalfOpen: true,
      async handler(_q, res) {
        await sleep(20);
        res.end('late');
      },
    });
    const { data, closed } = await roundTrip(p.port, GET(), { end: true });
    expect(parseResponses(data).map((r) => r.body.toString())).toEqual(['late']);
    expect(closed).toBe(true);
    expect(p.finishes.map((f) => f.aborted)).toEqual([false]);
  });

  it('answers every pipelined request sent before the FIN, in order', async () => {
    const p = await start({
      allowHalfOpen: true,
      async handler(req, res) {
        await sleep(req.path === '/a' ? 30 : 0);
        res.end(req.path);
      },
    });
    const { data, closed } = await roundTrip(p.port, GET('/a') + GET('/b') + GET('/c'), { end: true });
    expect(parseResponses(data).map((r) => r.body.toString())).toEqual(['/a', '/b', '/c']);
    expect(closed).toBe(true);
    expect(p.finishes.map((f) => f.aborted)).toEqual([false, false, false]);
    expect(p.reported).toEqual([]);
  });

  it('answers a body cut short by the FIN with 400, and closes', async () => {
    const p = await start({
      allowHalfOpen: true,
      async handler(req, res) {
        res.end(await req.text());
      },
    });
    const input = 'POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhalf';
    const { data, closed } = await roundTrip(p.port, input, { end: true });
    const rs = parseResponses(data);
    expect(rs.map((r) => r.status)).toEqual([400]);
    expect(rs[0].headers.connection).toBe('close');
    expect(closed).toBe(true);
    expect(p.reported).toEqual([]);
  });
});
