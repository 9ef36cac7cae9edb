// The same two-route API on each of the four stacks, so the browser suite runs one table of tests
// against all of them. Routes: `GET /me` (needs a token, answers the subject as JSON) and
// `GET /embed` (public HTML, the document a foreign page will try to frame).
import { createServer } from 'node:http';
import type { BouncerState, Middleware } from '@bouncer/core';
import { bouncer as expressBouncer } from '@bouncer/express';
import { bouncer as honoBouncer } from '@bouncer/hono';
import { bouncer as koaBouncer } from '@bouncer/koa';
import { createServer as createRawServer, Router } from '@bouncer/raw';
import { getRequestListener } from '@hono/node-server';
import KoaRouter from '@koa/router';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
import { listenOnLoopback, type RunningServer } from './_page-server';

/** Paths the policy must leave public for these apps. */
export const PUBLIC_PATHS = ['/embed'];

/** Text only the API's own framed document contains. */
export const EMBED_MARKER = 'bouncer-api-embed';
const EMBED_HTML = `<!doctype html><title>${EMBED_MARKER}</title><p>${EMBED_MARKER}</p>`;
const HTML = 'text/html; charset=utf-8';

export interface Stack {
  name: string;
  /** Starts the API on 127.0.0.1:0 behind `chain`; unexpected errors go to `onError`. */
  start(chain: Middleware<BouncerState>, onError: (error: unknown) => void): Promise<RunningServer>;
}

const expressStack: Stack = {
  name: 'express',
  start(chain, onError) {
    const app = express();
    app.set('env', 'production');
    app.use(expressBouncer(chain, { onError }));
    app.get('/me', (_req, res) => {
      res.json({ sub: res.locals.auth?.sub });
    });
    app.get('/embed', (_req, res) => {
      res.type(HTML).send(EMBED_HTML);
    });
    return listenOnLoopback(createServer(app));
  },
};

const koaStack: Stack = {
  name: 'koa',
  start(chain, onError) {
    const app = new Koa();
    app.silent = true;
    app.on('error', onError);
    app.use(koaBouncer(chain));
    const router = new KoaRouter();
    router.get('/me', (ctx) => {
      ctx.body = { sub: (ctx.state as BouncerState).auth?.sub };
    });
    router.get('/embed', (ctx) => {
      ctx.type = HTML;
      ctx.body = EMBED_HTML;
    });
    app.use(router.routes());
    return listenOnLoopback(createServer(app.callback()));
  },
};

const honoStack: Stack = {
  name: 'hono',
  start(chain, onError) {
    const app = new Hono<{ Variables: BouncerState }>();
    app.use(honoBouncer(chain, { onError }));
    app.get('/me', (c) => c.json({ sub: c.get('auth')?.sub }));
    app.get('/embed', (c) => c.html(EMBED_HTML));
    return listenOnLoopback(createServer(getRequestListener(app.fetch)));
  },
};

const rawStack: Stack = {
  name: 'raw',
  async start(chain, onError) {
    const router = new Router<BouncerState>();
    router.get('/me', (_req, res, state) => res.json({ sub: state.auth?.sub }));
    router.get('/embed', (_req, res) => {
      res.setHeader('Content-Type', HTML);
      res.end(EMBED_HTML);
    });
    const server = createRawServer({ chain, handler: router.handle, onError });
    const { port } = await server.listen(0, '127.0.0.1');
    return { origin: `http://127.0.0.1:${port}`, close: () => server.close({ deadline: 1000 }) };
  },
};

export const STACKS: readonly Stack[] = [expressStack, koaStack, honoStack, rawStack];
