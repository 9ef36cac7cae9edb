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

async function get(app: express.Express, path: string) {
  const server = await listenLoopback(createServer(app));
  try {
    const res = await fetch(server.url + path);
    return { status: res.status, outbound: res.headers.get('x-outbound'), body: await res.text() };
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
    expect(r).toEqual({ status: 202, outbound: '202', body: 'from the sub-app' });
  });

  it('should hold a head given to writeHead() with its own headers', async () => {
    const app = express();
    app.use(bouncer(stamp));
    app.get('/raw', (_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('made');
    });
    const r = await get(app, '/raw');
    expect(r).toEqual({ status: 201, outbound: '201', body: 'made' });
  });

  it('should leave responses of an app without the bouncer untouched', async () => {
    const app = express();
    app.get('/plain', (_req, res) => {
      res.send('plain');
    });
    const r = await get(app, '/plain');
    expect(r).toEqual({ status: 200, outbound: null, body: 'plain' });
  });
});
