import { createServer } from 'node:http';
import { compose } from '@bouncer/core';
import { listenLoopback } from '@bouncer/node-http';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import { bouncer } from './index';

const stamp = compose([
  (ctx, next) => {
    ctx.onHead((c) => c.res.set('X-Outbound', String(c.res.status)));
    return next();
  },
]);

async function get(app: Koa) {
  const server = await listenLoopback(createServer(app.callback()));
  try {
    const res = await fetch(`${server.url}/`);
    return { status: res.status, headers: res.headers, body: await res.text() };
  } finally {
    await server.close();
  }
}

describe('@bouncer/koa', () => {
  it('should let Koa answer ctx.throw() as without Bouncer, stamped at its head', async () => {
    let afterNext = 0;
    const app = new Koa();
    app.silent = true;
    app.use(
      bouncer(
        compose([
          stamp,
          async (ctx, next) => {
            await next();
            afterNext = ctx.res.status;
          },
        ]),
      ),
    );
    app.use((ctx) => ctx.throw(401, 'login first', { headers: { 'WWW-Authenticate': 'Bearer' } }));
    const r = await get(app);
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Bearer');
    expect(r.headers.get('x-outbound')).toBe('401');
    expect(r.body).toBe('login first');
    expect(afterNext).toBe(401);
  });

  it('should keep a thrown 503 (and its Retry-After), reporting it as Koa does', async () => {
    const reported: unknown[] = [];
    const app = new Koa();
    app.on('error', (error) => reported.push(error));
    app.use(bouncer(stamp));
    app.use((ctx) => ctx.throw(503, 'maintenance', { headers: { 'Retry-After': '30' } }));
    const r = await get(app);
    expect(r.status).toBe(503);
    expect(r.headers.get('retry-after')).toBe('30');
    expect(reported).toHaveLength(1);
  });

  it('should answer a plain thrown error with the plain 500, reported once', async () => {
    const reported: unknown[] = [];
    const app = new Koa();
    app.on('error', (error) => reported.push(error));
    app.use(bouncer(stamp));
    app.use(() => {
      throw new Error('db password is hunter2');
    });
    const r = await get(app);
    expect(r.status).toBe(500);
    expect(r.body).not.toContain('hunter2');
    expect(reported).toHaveLength(1);
  });
});
