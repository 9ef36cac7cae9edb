import { PROBLEM_TYPE, problemBody } from '@bouncer/core';
import { bouncer } from '@bouncer/hono';
import { Hono } from 'hono';
import { type PolicyState, policy } from '../policy';
import { prices, readInventory, readUser } from '../pricing';

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
  app.get('/inventory', () => readInventory());
  app.notFound((c) => c.body(problemBody(404), 404, { 'Content-Type': PROBLEM_TYPE }));
  // Errors as problem+json: a body that is not JSON is the client's mistake, not a 500.
  app.onError((error, c) => {
    const status = error instanceof SyntaxError ? 400 : 500;
    return c.body(problemBody(status), status, { 'Content-Type': PROBLEM_TYPE });
  });
  return app;
}
