import { createServer, Router } from '@bouncer/raw';
import { type PolicyState, policy } from '../policy';
import { prices, readInventory, readUser } from '../pricing';

/** The pricing API on Bouncer's own HTTP/1.1 server, behind the shared policy. */
export function createApp() {
  const router = new Router<PolicyState>();
  router.get('/health', (_req, res) => res.json({ status: 'ok' }));
  router.get('/prices', (_req, res) => res.json(prices));
  router.get('/users/:id', (req, res, state) => {
    const { status, body } = readUser(state.auth?.sub, req.params.id);
    res.json(body, status);
  });
  router.post('/orders', async (req, res) => res.json({ order: await req.json() }, 201));
  router.get('/inventory', () => readInventory());
  return createServer({ chain: policy, handler: router.handle });
}
