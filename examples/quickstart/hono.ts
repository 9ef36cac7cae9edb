import { bouncer } from '@bouncer/hono';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { type PolicyState, policy } from '../policy';

const app = new Hono<{ Variables: PolicyState }>();
app.use(bouncer(policy)); // first
app.get('/health', (c) => c.json({ status: 'ok' }));
app.get('/me', (c) => c.json({ user: c.get('auth')?.sub })); // state through c.get()
app.post('/orders', async (c) => c.json(await c.req.json(), 201)); // body replayed
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8080), hostname: '127.0.0.1' });
