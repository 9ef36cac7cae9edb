import { bouncer } from '@bouncer/koa';
import Router from '@koa/router';
import Koa from 'koa';
import { policy } from '../policy';

const app = new Koa();
app.use(bouncer(policy)); // first
const router = new Router();
router.get('/health', (ctx) => {
  ctx.body = { status: 'ok' };
});
router.get('/me', (ctx) => {
  ctx.body = { user: ctx.state.auth?.sub }; // state is ctx.state
});
app.use(router.routes()).use(router.allowedMethods());
app.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
