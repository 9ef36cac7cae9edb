import { createServer } from 'node:http';
import { compose } from '@bouncer/core';
import { listenLoopback } from '@bouncer/node-http';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { bouncer } from './index';

// What the conformance suite cannot see: Express-specific routing shapes.
const stamp = compose([
  async (ctx, next) => {
    await next();
    ctx.res.set('X-Outbound', String(ctx.res.status));
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
  it('should hold the head of a response written by a mounted sub-app', async () => {
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

  it('should hold a head given to writeHead() with its own headers', async () => {
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

  it('should report a held head as sent, so an error after send() cannot answer twice', async () => {
    const app = express();
    app.set('env', 'production');
    app.use(bouncer(stamp));
    app.get('/twice', (_req, res, next) => {
      res.send('ok');
      next(new Error('after the answer'));
    });
    const r = await get(app, '/twice');
    expect(r).toMatchObject({ status: 200, outbound: '200', body: 'ok' });
  });

  it('should report, not leak, an error the replay of a bad write throws', async () => {
    const errors: unknown[] = [];
    const app = express();
    app.use(bouncer(stamp, { onError: (error) => errors.push(error) }));
    app.get('/bad', (_req, res) => {
      res.end(123 as never);
    });
    await expect(get(app, '/bad')).rejects.toThrow();
    expect(errors).toHaveLength(1);
  });

  it('should keep every value of a header given twice to writeHead()', async () => {
    const app = express();
    app.use(bouncer(stamp));
    app.get('/cookies', (_req, res) => {
      res.writeHead(200, ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
      res.end();
    });
    const r = await get(app, '/cookies');
    expect(r.cookies).toEqual(['a=1', 'b=2']);
  });

  it("should drop the application's cookies and encoding when the chain replaces its answer", async () => {
    const deny = compose([
      async (ctx, next) => {
        await next();
        ctx.reject(403, 'no', 'test');
      },
    ]);
    const app = express();
    app.use(bouncer(deny));
    app.get('/secret', (_req, res) => {
      res.setHeader('Set-Cookie', 'sess=secret');
      res.setHeader('Content-Encoding', 'gzip');
      res.send('payload');
    });
    const r = await get(app, '/secret');
    expect(r.status).toBe(403);
    expect(r.cookies).toEqual([]);
    expect(JSON.parse(r.body).status).toBe(403);
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

  it('should apply backpressure to a stream written while the head is held, then deliver it whole', async () => {
    let writes = 0;
    let writesWhileHeld = -1;
    const slowOutbound = compose([
      async (ctx, next) => {
        await next();
        await new Promise((resolve) => setTimeout(resolve, 30)); // an outbound layer waiting on I/O
        writesWhileHeld = writes;
        ctx.res.set('X-Outbound', 'late');
      },
    ]);
    const { Readable } = await import('node:stream');
    const chunk = Buffer.alloc(64 * 1024, 120);
    const app = express();
    app.use(bouncer(slowOutbound));
    app.get('/big', (_req, res) => {
      res.setHeader('Content-Type', 'application/octet-stream');
      Readable.from(
        (function* () {
          for (; writes < 32; writes++) yield chunk; // 2 MiB
        })(),
      ).pipe(res);
    });
    const server = await listenLoopback(createServer(app));
    try {
      const res = await fetch(`${server.url}/big`);
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('x-outbound')).toBe('late');
      expect(body.length).toBe(32 * chunk.length);
      expect(body.every((b) => b === 120)).toBe(true);
      // The stream was paused while held instead of queueing all 2 MiB.
      expect(writesWhileHeld).toBeGreaterThan(0);
      expect(writesWhileHeld).toBeLessThan(8);
    } finally {
      await server.close();
    }
  });
});
