import { PROBLEM_TYPE, problemBody } from '@bouncer/core';
import { bouncer } from '@bouncer/koa';
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import { policy } from '../policy';
import { prices, readInventory, readUser } from '../pricing';

/** The pricing API on Koa 3, behind the shared policy. */
export function createApp() {
  const app = new Koa();
  app.use(bouncer(policy)); // first: every route, 404 and error passes the bouncer
  // Errors as problem+json, like the other three stacks (Koa's own answer is plain text); a
  // server error is still reported through Koa's error channel.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const status = (error as { status?: number }).status;
      const code = status !== undefined && status >= 400 && status < 500 ? status : 500;
      if (code === 500) ctx.app.emit('error', error, ctx);
      ctx.status = code;
      ctx.type = PROBLEM_TYPE;
      ctx.body = problemBody(code);
    }
  });
  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/prices', (ctx) => {
    ctx.body = prices;
  });
  router.get('/users/:id', (ctx) => {
    const { status, body } = readUser(ctx.state.auth?.sub, ctx.params.id);
    ctx.status = status;
    ctx.body = body;
  });
  router.post('/orders', bodyParser(), (ctx) => {
    ctx.status = 201;
    ctx.body = { order: ctx.request.body };
  });
  router.get('/inventory', () => readInventory());
  app.use(router.routes());
  app.use(router.allowedMethods());
  // Nothing routed: a problem+json 404 like every other answer of this API, not Koa's text one.
  app.use((ctx) => {
    ctx.status = 404;
    ctx.type = PROBLEM_TYPE;
    ctx.body = problemBody(404);
  });
  return app;
}
