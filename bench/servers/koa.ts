// Koa 3 under test: `bare`, `native` (koa-helmet, @koa/cors, koa-ratelimit on its memory driver), `bouncer`, `bouncer-jwt`, `bouncer-redis`, `bouncer-cluster`.
import type { AddressInfo } from 'node:net';
import { bouncer } from '@bouncer/koa';
import koaCors from '@koa/cors';
import Router from '@koa/router';
import Koa from 'koa';
import helmet from 'koa-helmet';
import ratelimit from 'koa-ratelimit';
import { announce, modeFromArgv, prices } from './_app';
import { POLICY_HEADERS } from './_headers';
import { chainFor } from './_policy';
import { ORIGIN, RATE_LIMIT } from './_settings';

const mode = modeFromArgv();
const app = new Koa();

if (mode === 'native') {
  app.use(helmet());
  app.use(koaCors({ origin: ORIGIN }));
  app.use(
    ratelimit({
      driver: 'memory',
      db: new Map(),
      duration: RATE_LIMIT.windowMs,
      max: RATE_LIMIT.limit,
      id: (ctx) => ctx.ip,
    }),
  );
} else if (mode === 'headers') {
  app.use((ctx, next) => {
    // Straight onto Node's response: cheaper than `ctx.set`, which normalises every value first.
    for (const [k, v] of POLICY_HEADERS) ctx.res.setHeader(k, v);
    return next();
  });
} else if (mode !== 'bare') {
  app.use(bouncer((await chainFor(mode))!));
}
const router = new Router();
router.get('/prices', (ctx) => {
  ctx.body = prices;
});
app.use(router.routes());

const server = app.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
