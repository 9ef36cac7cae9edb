import { bouncer } from '@bouncer/hono';
import { Hono } from 'hono';
import { type PolicyState, policy } from '../policy';
import { prices, readUser } from '../pricing';

/** The pricing API on Hono 4, behind the shared policy. */
export function createApp() {
  const app = new Hono<{ Variables: PolicyState }>();
  app.use(bouncer(policy)); // first: every route, notFound and onError passes the bouncer
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/prices', (c) => c.json(prices));
  app.get('/users/:id', (c) => {
    const { status, body } = readUser(c.get('auth')?.sub, c.req.param('id'));
    return c.json(body, status);
  });
  app.post('/orders', async (c) => c.json({ order: await c.req.json() }, 201));
  return app;
}
