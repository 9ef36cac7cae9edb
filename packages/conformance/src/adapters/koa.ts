import { createServer } from 'node:http';
import type { AppFactory } from '../types';
import { cyclic, digest, hit, listen, pushTrace, sleep } from './_shared';

export const koaApp: AppFactory = {
  name: 'koa',
  async start(chain, probe) {
    // Loaded here, so the kit imports without Koa (an optional peer) until this adapter runs.
    const [{ bouncer }, { bodyParser }, { default: Router }, { default: Koa }] = await Promise.all([
      import('@bouncer/koa'),
      import('@koa/bodyparser'),
      import('@koa/router'),
      import('koa'),
    ]);
    const app = new Koa();
    app.silent = true;
    app.on('error', (error) => probe.reported.push(error));
    app.use(bouncer(chain));
    const router = new Router();
    router.get('/hello', (ctx) => {
      hit(probe, 'GET /hello');
      ctx.set('X-Remove-Me', '1');
      ctx.body = { hello: 'world' };
    });
    router.get('/stream', async (ctx) => {
      hit(probe, 'GET /stream');
      const { PassThrough } = await import('node:stream');
      const stream = new PassThrough();
      ctx.type = 'text/plain';
      ctx.body = stream;
      (async () => {
        for (const part of ['a', 'b', 'c']) {
          stream.write(part);
          await sleep(5);
        }
        stream.end();
      })();
    });
    router.options('/hello', (ctx) => {
      hit(probe, 'OPTIONS /hello');
      ctx.set('Allow', 'GET, HEAD, OPTIONS');
      ctx.body = { options: true };
    });
    router.get('/cyclic', (ctx) => {
      hit(probe, 'GET /cyclic');
      // Koa serialises the body after the middleware stack has unwound (its respond()).
      ctx.body = cyclic();
    });
    router.get('/boom', () => {
      hit(probe, 'GET /boom');
      throw new Error('handler exploded');
    });
    router.get('/state', (ctx) => {
      hit(probe, 'GET /state');
      pushTrace(ctx.state);
      ctx.body = { user: ctx.state.user, trace: [...(ctx.state.trace ?? [])], sub: ctx.state.auth?.sub };
    });
    router.post('/echo', bodyParser(), (ctx) => {
      hit(probe, 'POST /echo');
      ctx.body = { received: ctx.request.body };
    });
    router.post('/bytes', async (ctx) => {
      hit(probe, 'POST /bytes');
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      ctx.body = digest(Buffer.concat(chunks));
    });
    router.get('/slow', async (ctx) => {
      hit(probe, 'GET /slow');
      await sleep(400);
      ctx.body = { slow: true };
    });
    app.use(router.routes());
    app.use(router.allowedMethods());
    return listen(createServer(app.callback()));
  },
};
