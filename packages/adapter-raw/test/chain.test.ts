import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { compose, type FinishInfo, type Middleware } from '@bouncer/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawServer, type RawServerOptions, Router } from '../src/index';
import { count, openClient, parseResponses, roundTrip } from './_wire';

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

async function start<S extends object>(options: RawServerOptions<S>): Promise<number> {
  const server = createServer<S>({ onError: () => {}, ...options });
  servers.push(server);
  return (await server.listen(0, '127.0.0.1')).port;
}

const GET = (path = '/', method = 'GET') => `${method} ${path} HTTP/1.1\r\nHost: a\r\n\r\n`;

/** Outermost layer: stamps every answer's head with its status. */
const stamp: Middleware = (ctx, next) => {
  ctx.onHead((c) => {
    c.res.set('X-Stamp', String(c.res.status));
    c.res.delete('X-Powered-By');
  });
  return next();
};

describe('chain integration', () => {
  it("stamps a fixed header set on every answer, checked once, the application's own values winning", async () => {
    const names = ['X-Fixed-A', 'X-Fixed-B', 'X-Latin'];
    const lower = names.map((n) => n.toLowerCase());
    const values = ['a', 'b', 'caf\xe9'];
    const fixed: Middleware = (ctx, next) => {
      ctx.onHead((c) => c.res.setMissing(names, lower, values));
      return next();
    };
    const port = await start({
      chain: compose([fixed]),
      handler: (req, res) => {
        if (req.path === '/own') res.setHeader('X-Fixed-B', 'mine');
        res.end('ok');
      },
    });
    const { data } = await roundTrip(port, GET('/own') + GET('/') + GET('/own'), { until: count(3) });
    const [own, plain, again] = parseResponses(data);
    for (const r of [own, plain, again]) {
      expect(r.headers['x-fixed-a']).toBe('a');
      // obs-text goes out as its latin1 byte, as node:http sends it (the reader decodes latin1).
      expect(r.headers['x-latin']).toBe('caf\xe9');
    }
    expect(own.headers['x-fixed-b']).toBe('mine');
    expect(plain.headers['x-fixed-b']).toBe('b');
    expect(again.headers['x-fixed-b']).toBe('mine');
  });

  it('serialises a fixed set as the lines it stands for, even once a later hook replaced or removed one', async () => {
    const names = ['X-Fixed-A', 'X-Fixed-B', 'X-Fixed-C'];
    const lower = names.map((n) => n.toLowerCase());
    const values = ['a', 'b', 'c'];
    // Registered first, so its hook runs after the fixed set is in (hooks run innermost first).
    const later: Middleware = (ctx, next) => {
      ctx.onHead((c) => {
        if (c.req.path === '/replace') c.res.set('X-Fixed-B', 'other');
        if (c.req.path === '/remove') c.res.delete('X-Fixed-A');
        if (c.req.path === '/again') c.res.setMissing(names, lower, values);
      });
      return next();
    };
    const fixed: Middleware = (ctx, next) => {
      ctx.onHead((c) => c.res.setMissing(names, lower, values));
      return next();
    };
    const port = await start({ chain: compose([later, fixed]), handler: (_req, res) => res.end('ok') });
    const heads: Record<string, string[]> = {};
    for (const path of ['/', '/replace', '/remove', '/again', '/']) {
      const { data } = await roundTrip(port, GET(path), { until: count(1) });
      const head = data.toString('latin1').split('\r\n\r\n')[0];
      heads[path] = head.split('\r\n').filter((l) => l.startsWith('X-Fixed-'));
    }
    expect(heads['/']).toEqual(['X-Fixed-A: a', 'X-Fixed-B: b', 'X-Fixed-C: c']);
    expect(heads['/replace']).toEqual(['X-Fixed-A: a', 'X-Fixed-B: other', 'X-Fixed-C: c']);
    expect(heads['/remove']).toEqual(['X-Fixed-B: b', 'X-Fixed-C: c']);
    expect(heads['/again']).toEqual(['X-Fixed-A: a', 'X-Fixed-B: b', 'X-Fixed-C: c']);
  });

  it('refuses a fixed header set holding a value that may not go on the wire', async () => {
    const errors: unknown[] = [];
    const bad: Middleware = (ctx, next) => {
      ctx.onHead((c) => c.res.setMissing(['X-Bad'], ['x-bad'], ['a\r\nInjected: 1']));
      return next();
    };
    const server = createServer({
      chain: compose([bad]),
      handler: (_q, res) => res.end('ok'),
      onError: (e) => errors.push(e),
    });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    const { data } = await roundTrip(port, GET('/'), { until: count(1) });
    expect(data.toString('latin1')).not.toContain('Injected');
    expect(errors.some((e) => e instanceof TypeError)).toBe(true);
  });
  it('short-circuits: the chain answers and the handler never runs', async () => {
    let ran = 0;
    const deny: Middleware = (ctx, next) => {
      if (ctx.req.path === '/deny') return ctx.reject(401, 'no token', 'auth');
      return next();
    };
    const port = await start({
      chain: compose([stamp, deny]),
      handler: (_q, res) => {
        ran++;
        res.end('app');
      },
    });
    const { data } = await roundTrip(port, GET('/deny'), { until: count(1) });
    const r = parseResponses(data)[0];
    expect(r.status).toBe(401);
    expect(r.headers['x-stamp']).toBe('401');
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(r.body.toString())).toMatchObject({ status: 401, detail: 'no token' });
    expect(ran).toBe(0);
  });

  it('lets a head hook read the status and change headers on 200, 404, 500, streamed and HEAD answers', async () => {
    const router = new Router();
    router.get('/ok', (_q, res) => {
      res.setHeader('X-Powered-By', 'raw');
      res.json({ ok: true });
    });
    router.get('/boom', () => {
      throw new Error('boom');
    });
    router.get('/stream', async (_q, res) => {
      res.writeHead(206, { 'Content-Type': 'text/plain' });
      res.write('a');
      await sleep(10);
      res.end('b');
    });
    const port = await start({ chain: stamp, handler: router.handle });
    const input = GET('/ok') + GET('/missing') + GET('/boom') + GET('/stream') + GET('/ok', 'HEAD');
    const { data } = await roundTrip(port, input, { until: count(5) });
    const rs = parseResponses(data, [false, false, false, false, true]);
    expect(rs.map((r) => [r.status, r.headers['x-stamp'], r.headers['x-powered-by']])).toEqual([
      [200, '200', undefined],
      [404, '404', undefined],
      [500, '500', undefined],
      [206, '206', undefined],
      [200, '200', undefined],
    ]);
    expect(rs[3].body.toString()).toBe('ab');
    expect(rs[4].body.length).toBe(0);
    expect(rs[4].headers['content-length']).toBe('11');
  });

  it('never replaces an answer after next(): the attempt is reported and the answer stands', async () => {
    const errors: unknown[] = [];
    const veto: Middleware = async (ctx, next) => {
      await next();
      if (ctx.res.status === 200) ctx.respond(403, 'vetoed');
    };
    const port = await start({
      chain: veto,
      onError: (error) => errors.push(error),
      async handler(_q, res) {
        res.write('part-1');
        await sleep(10);
        res.end('part-2');
      },
    });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    const rs = parseResponses(data);
    expect(rs.map((r) => [r.status, r.body.toString()])).toEqual([[200, 'part-1part-2']]);
    expect(String(errors[0])).toMatch(/ctx\.respond\(\): the downstream has already answered/);
  });

  it('sends the head as the handler commits it, without waiting for the chain to unwind', async () => {
    let unwound = false;
    const slowOutbound: Middleware = async (ctx, next) => {
      ctx.onHead((c) => c.res.set('X-Unwound', String(unwound)));
      await next();
      await sleep(30);
      unwound = true;
    };
    const port = await start({ chain: slowOutbound, handler: (_q, res) => res.end('body') });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    expect(parseResponses(data)[0].headers['x-unwound']).toBe('false');
  });

  it('shares the state the chain wrote with the handler', async () => {
    type S = { user?: string };
    const auth: Middleware<S> = (ctx, next) => {
      ctx.state.user = 'ann';
      return next();
    };
    const port = await start<S>({ chain: auth, handler: (_q, res, state) => res.end(state.user) });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    expect(parseResponses(data)[0].body.toString()).toBe('ann');
  });

  it('replays a JSON body a middleware read', async () => {
    let seen: unknown;
    const peek: Middleware = async (ctx, next) => {
      seen = await ctx.req.body.json();
      return next();
    };
    const port = await start({ chain: peek, handler: async (req, res) => res.json(await req.json()) });
    const body = JSON.stringify({ a: [1, 2, 'ü'] });
    const input = `POST / HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    const { data } = await roundTrip(port, Buffer.concat([Buffer.from(input), Buffer.from(body)]), {
      until: count(1),
    });
    expect(seen).toEqual({ a: [1, 2, 'ü'] });
    expect(JSON.parse(parseResponses(data)[0].body.toString())).toEqual(seen);
  });

  it('replays a 1 MiB binary body, streamed to the handler chunk by chunk', async () => {
    const payload = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) & 0xff;
    let chainHash = '';
    const peek: Middleware = async (ctx, next) => {
      chainHash = createHash('sha256')
        .update(await ctx.req.body.bytes())
        .digest('hex');
      return next();
    };
    const port = await start({
      chain: peek,
      async handler(req, res) {
        const h = createHash('sha256');
        for await (const chunk of req) h.update(chunk);
        res.end(h.digest('hex'));
      },
    });
    const head = `POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ${payload.length}\r\n\r\n`;
    const { data } = await roundTrip(port, Buffer.concat([Buffer.from(head), payload]), {
      until: count(1),
      timeoutMs: 10_000,
    });
    const expected = createHash('sha256').update(payload).digest('hex');
    expect(chainHash).toBe(expected);
    expect(parseResponses(data)[0].body.toString()).toBe(expected);
  });

  it('answers 413 when a middleware reads more than its body limit', async () => {
    let ran = false;
    const limit: Middleware = async (ctx, next) => {
      ctx.req.body.limit = 4;
      await ctx.req.body.bytes();
      return next();
    };
    const port = await start({
      chain: limit,
      handler: (_q, res) => {
        ran = true;
        res.end();
      },
    });
    const input =
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n';
    const { data } = await roundTrip(port, input, { until: count(1) });
    expect(parseResponses(data)[0].status).toBe(413);
    expect(ran).toBe(false);
  });

  it('fires the finish hook once with the body bytes, and with aborted on a client abort', async () => {
    const finishes: FinishInfo[] = [];
    const log: Middleware = (ctx, next) => {
      ctx.onFinish((info) => finishes.push(info));
      return next();
    };
    const port = await start({
      chain: log,
      async handler(req, res) {
        if (req.path === '/hang') {
          res.write('part');
          return;
        }
        res.end('12345');
      },
    });
    await roundTrip(port, GET('/done'), { until: count(1) });
    await sleep(10);
    expect(finishes.map((f) => [f.status, f.bytes, f.aborted])).toEqual([[200, 5, false]]);
    const c = await openClient(port);
    c.write(GET('/hang'));
    await c.waitFor((d) => d.includes('part'));
    c.reset();
    await sleep(50);
    expect(finishes.map((f) => [f.status, f.bytes, f.aborted])).toEqual([
      [200, 5, false],
      [200, 4, true],
    ]);
  });

  it('reports a failing middleware once and answers 500', async () => {
    const reported: unknown[] = [];
    const broken: Middleware = () => {
      throw new Error('kaput');
    };
    const port = await start({
      chain: broken,
      onError: (e) => reported.push(e),
      handler: (_q, res) => res.end(),
    });
    const { data } = await roundTrip(port, GET(), { until: count(1) });
    expect(parseResponses(data)[0].status).toBe(500);
    expect(data.toString()).not.toContain('kaput');
    expect(reported).toHaveLength(1);
  });

  it('sees the peer as the core normalises it', async () => {
    let peer = '';
    const port = await start({
      chain: (ctx, next) => {
        peer = ctx.req.ip;
        return next();
      },
      handler: (_q, res) => res.end(),
    });
    await roundTrip(port, GET(), { until: count(1) });
    expect(peer).toBe('127.0.0.1');
  });
});
