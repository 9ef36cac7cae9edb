import { createServer } from 'node:http';
import { compose } from '@bouncer/core';
import { listenLoopback } from '@bouncer/node-http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { bouncer } from './index';

// What the conformance suite cannot see: Express-specific routing shapes.
const stamp = compose([
  (ctx, next) => {
    ctx.onHead((c) => c.res.set('X-Outbound', String(c.res.status)));
    return next();
  },
]);

async function get(app: express.Express, path: string, init?: RequestInit) {
  const server = await listenLoopback(createServer(app));
  try {
    const res = await fetch(server.url + path, init);
    return {
      status: res.status,
      outbound: res.headers.get('x-outbound'),
      body: await res.text(),
      cookies: res.headers.getSetCookie(),
    };
  } finally {
    await server.close();
  }
}

describe('@bouncer/express', () => {
  it('should stamp the head of a response written by a mounted sub-app', async () => {
    const sub = express();
    sub.get('/hello', (_req, res) => {
      res.status(202).send('from the sub-app');
    });
    const app = express();
    app.use(bouncer(stamp));
    app.use('/sub', sub);
    const r = await get(app, '/sub/hello');
    expect(r).toMatchObject({ status: 202, outbound: '202', body: 'from the sub-app' });
  });

  it('should stamp a head given to writeHead() with its own headers', async () => {
    const app = express();
    app.use(bouncer(stamp));
    app.get('/raw', (_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('made');
    });
    const r = await get(app, '/raw');
    expect(r).toMatchObject({ status: 201, outbound: '201', body: 'made' });
  });

  it('should leave responses of an app without the bouncer untouched', async () => {
    const app = express();
    app.get('/plain', (_req, res) => {
      res.send('plain');
    });
    const r = await get(app, '/plain');
    expect(r).toMatchObject({ status: 200, outbound: null, body: 'plain' });
  });

  it('should stamp an answer followed by next(err), which Express then handles as without Bouncer', async () => {
    const app = express();
    // 'test': Express's final handler then does not print the error's stack (the answer stands).
    app.set('env', 'test');
    app.use(bouncer(stamp));
    app.get('/twice', (_req, res, next) => {
      res.send('ok');
      next(new Error('after the answer'));
    });
    const r = await get(app, '/twice');
    expect(r).toMatchObject({ status: 200, outbound: '200', body: 'ok' });
  });

  it('should leave a write error to the application, as without Bouncer', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(bouncer(stamp, { onError: (error) => errors.push(error) }));
    app.get('/bad', (_req, res) => {
      res.end(123 as never);
    });
    app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      res.status(500).send('handled');
    });
    const r = await get(app, '/bad');
    expect(r).toMatchObject({ status: 500, outbound: '500', body: 'handled' });
    expect(errors).toHaveLength(1);
    expect((errors[0] as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('should report a throwing head hook and still deliver the answer whole', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(
      bouncer(
        compose([
          (ctx, next) => {
            ctx.onHead(() => {
              throw new Error('hook');
            });
            return next();
          },
        ]),
        { onError: (error) => errors.push(error) },
      ),
    );
    app.get('/ok', (_req, res) => {
      res.send('whole');
    });
    const r = await get(app, '/ok');
    expect(r).toMatchObject({ status: 200, body: 'whole' });
    expect(errors).toEqual([new Error('hook')]);
  });

  it('should fold a field list given to writeHead() exactly as Node does without Bouncer', async () => {
    const build = (guarded: boolean) => {
      const app = express();
      if (guarded) app.use(bouncer(stamp));
      app.get('/cookies', (_req, res) => {
        res.writeHead(200, ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
        res.end();
      });
      return app;
    };
    const plain = await get(build(false), '/cookies');
    const guarded = await get(build(true), '/cookies');
    expect(guarded.cookies).toEqual(plain.cookies);
    expect(guarded.outbound).toBe('200');
  });

  it('should never replace an answer after next(): the attempt is reported, the answer stands', async () => {
    const errors: unknown[] = [];
    const deny = compose([
      async (ctx, next) => {
        await next();
        ctx.reject(403, 'no', 'test');
      },
    ]);
    const app = express();
    app.use(bouncer(deny, { onError: (error) => errors.push(error) }));
    app.get('/secret', (_req, res) => {
      res.setHeader('Set-Cookie', 'sess=1');
      res.send('payload');
    });
    const r = await get(app, '/secret');
    expect(r).toMatchObject({ status: 200, body: 'payload', cookies: ['sess=1'] });
    expect(String(errors[0])).toMatch(/ctx\.reject\(\): the downstream has already answered/);
  });

  it('should read an empty chunked body even when the chain asks for it late', async () => {
    const late = compose([
      async (ctx, next) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        ctx.res.set('X-Length', String((await ctx.req.body.bytes()).byteLength));
        await next();
      },
    ]);
    const app = express();
    app.use(bouncer(late));
    app.post('/empty', (_req, res) => {
      res.send('done');
    });
    const server = await listenLoopback(createServer(app));
    try {
      const { request } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${server.url}/empty`,
          { method: 'POST', headers: { 'transfer-encoding': 'chunked' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.setTimeout(3000, () => req.destroy(new Error('no answer')));
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('should stream without holding anything: the first chunk reaches the client before the last is written', async () => {
    const { Readable } = await import('node:stream');
    const app = express();
    app.use(bouncer(stamp));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    app.get('/sse', (_req, res) => {
      res.setHeader('Content-Type', 'text/event-stream');
      Readable.from(
        (async function* () {
          yield 'data: first\n\n';
          await gate;
          yield 'data: last\n\n';
        })(),
      ).pipe(res);
    });
    const server = await listenLoopback(createServer(app));
    try {
      const res = await fetch(`${server.url}/sse`);
      expect(res.headers.get('x-outbound')).toBe('200');
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toBe('data: first\n\n');
      release();
      let rest = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        rest += new TextDecoder().decode(value);
      }
      expect(rest).toBe('data: last\n\n');
    } finally {
      await server.close();
    }
  });

  it('should leave the shared express.response and Node prototypes alone (a wrapper installed later still sees every response)', async () => {
    const { ServerResponse } = await import('node:http');
    const own = Object.getOwnPropertyNames(express.response);
    const app = express();
    app.use(bouncer(stamp));
    app.get('/x', (_req, res) => {
      res.send('x');
    });
    const before = await get(app, '/x');
    expect(Object.getOwnPropertyNames(express.response)).toEqual(own);
    expect(Object.hasOwn(express.response, 'writeHead')).toBe(false);
    const original = ServerResponse.prototype.writeHead;
    let seen = 0;
    ServerResponse.prototype.writeHead = function (this: unknown, ...args: unknown[]) {
      seen++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      const after = await get(app, '/x');
      expect(after).toEqual(before);
      expect(seen).toBe(1);
    } finally {
      ServerResponse.prototype.writeHead = original;
    }
  });

  it("should hook the root app's own response prototype, adding no property to the response", async () => {
    const app = express();
    app.use(bouncer(stamp));
    let own: boolean | undefined;
    app.get('/x', (_req, res) => {
      own = Object.hasOwn(res, 'writeHead');
      res.status(203).send('x');
    });
    const other = express();
    other.get('/x', (_req, res) => {
      res.send('other');
    });
    expect(await get(app, '/x')).toMatchObject({ status: 203, outbound: '203', body: 'x' });
    expect(own).toBe(false);
    expect(Object.hasOwn(app.response, 'writeHead')).toBe(true);
    // Another app in the process keeps its prototype, and answers as before.
    expect(Object.hasOwn(other.response, 'writeHead')).toBe(false);
    expect(await get(other, '/x')).toMatchObject({ status: 200, outbound: null, body: 'other' });
  });

  it("should stamp the parent app's 404 when the bouncer is mounted in a sub-app the request leaves", async () => {
    const sub = express();
    sub.use(bouncer(stamp));
    sub.get('/known', (_req, res) => {
      res.send('known');
    });
    const app = express();
    app.use('/sub', sub);
    expect(await get(app, '/sub/known')).toMatchObject({ status: 200, outbound: '200' });
    expect(await get(app, '/sub/unknown')).toMatchObject({ status: 404, outbound: '404' });
  });

  it('should stamp a response whose writeHead a middleware mounted earlier wrapped, from the first request on', async () => {
    const app = express();
    const order: string[] = [];
    app.use((_req, res, next) => {
      // What on-headers does (morgan, express-session, compression): it holds the writeHead of now.
      const writeHead = res.writeHead;
      res.writeHead = function (this: unknown, ...args: unknown[]) {
        order.push('earlier');
        return (writeHead as (...a: unknown[]) => unknown).apply(this, args);
      } as typeof writeHead;
      next();
    });
    app.use(bouncer(stamp));
    app.get('/x', (_req, res) => {
      res.send('x');
    });
    expect(await get(app, '/x')).toMatchObject({ status: 200, outbound: '200' });
    expect(await get(app, '/x')).toMatchObject({ status: 200, outbound: '200' });
    expect(order).toEqual(['earlier', 'earlier']);
  });
});
