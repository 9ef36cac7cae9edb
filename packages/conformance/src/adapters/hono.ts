import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { bouncer } from '@bouncer/hono';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { AppFactory } from '../types';
import { cyclic, digest, hit, listen, pushTrace, sleep } from './_shared';

export const honoApp: AppFactory = {
  name: 'hono',
  async start(chain, probe) {
    const app = new Hono<{ Variables: Record<string, any> }>();
    app.use(bouncer(chain, { onError: (error) => probe.reported.push(error) }));
    app.get('/hello', (c) => {
      hit(probe, 'GET /hello');
      c.header('X-Remove-Me', '1');
      return c.json({ hello: 'world' });
    });
    app.get('/stream', (c) => {
      hit(probe, 'GET /stream');
      c.header('Content-Type', 'text/plain');
      return stream(c, async (s) => {
        for (const part of ['a', 'b', 'c']) {
          await s.write(part);
          await sleep(5);
        }
      });
    });
    app.options('/hello', (c) => {
      hit(probe, 'OPTIONS /hello');
      c.header('Allow', 'GET, HEAD, OPTIONS');
      return c.json({ options: true });
    });
    app.get('/cyclic', (c) => {
      hit(probe, 'GET /cyclic');
      return c.json(cyclic());
    });
    app.get('/boom', () => {
      hit(probe, 'GET /boom');
      throw new Error('handler exploded');
    });
    app.get('/state', (c) => {
      hit(probe, 'GET /state');
      const trace = c.get('trace');
      if (trace) pushTrace({ trace });
      return c.json({ user: c.get('user'), trace: [...(trace ?? [])], sub: c.get('auth')?.sub });
    });
    app.post('/echo', async (c) => {
      hit(probe, 'POST /echo');
      return c.json({ received: await c.req.json() });
    });
    app.post('/bytes', async (c) => {
      hit(probe, 'POST /bytes');
      return c.json(digest(new Uint8Array(await c.req.arrayBuffer())));
    });
    app.get('/slow', async (c) => {
      hit(probe, 'GET /slow');
      await sleep(400);
      return c.json({ slow: true });
    });
    // An application error handler, as real apps have: the default one logs every stack.
    app.onError((_error, c) => c.text('Internal Server Error', 500));
    const server: Server = createServer(getRequestListener(app.fetch));
    return listen(server);
  },
};
