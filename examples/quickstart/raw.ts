import { createServer, Router } from '@bouncer/raw';
import { type PolicyState, policy } from '../policy';

const router = new Router<PolicyState>();
router.get('/health', (_req, res) => res.json({ status: 'ok' }));
router.get('/me', (_req, res, state) => res.json({ user: state.auth?.sub })); // state argument
router.post('/orders', async (req, res) => res.json(await req.json(), 201));
const server = createServer({ chain: policy, handler: router.handle }); // chain built in
await server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
