import type { AppFactory } from '../types';
import { digest, hit, sharedRoutes } from './_shared';

export const rawApp: AppFactory = {
  name: 'raw',
  async start(chain, probe) {
    // Loaded on demand, like every factory's framework, so a kit user pulls in only what they run.
    const { createServer, Router } = await import('@bouncer/raw');
    const router = new Router<Record<string, any>>();
    for (const route of sharedRoutes(probe))
      router[route.method](route.path, (_req, res, state) => route.handle(res, state));
    router.post('/echo', async (req, res) => {
      hit(probe, 'POST /echo');
      res.json({ received: await req.json() });
    });
    router.post('/bytes', async (req, res) => {
      hit(probe, 'POST /bytes');
      res.json(digest(await req.bytes()));
    });
    const server = createServer({
      chain,
      handler: router.handle,
      maxBodySize: 8 * 1024 * 1024,
      onError: (error: unknown) => probe.reported.push(error),
    });
    const { port } = await server.listen(0, '127.0.0.1');
    return { url: `http://127.0.0.1:${port}`, close: () => server.close({ deadline: 1000 }) };
  },
};
