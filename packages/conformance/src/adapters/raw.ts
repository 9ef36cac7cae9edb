import type { AppFactory } from '../types';
import { cyclic, digest, hit, pushTrace, sleep } from './_shared';

export const rawApp: AppFactory = {
  name: 'raw',
  async start(chain, probe) {
    // Loaded on demand, like every factory's framework, so a kit user pulls in only what they run.
    const { createServer, Router } = await import('@bouncer/raw');
    const router = new Router<Record<string, any>>();
    router.get('/hello', (_req, res) => {
      hit(probe, 'GET /hello');
      res.setHeader('X-Remove-Me', '1');
      res.json({ hello: 'world' });
    });
    router.get('/stream', async (_req, res) => {
      hit(probe, 'GET /stream');
      res.setHeader('Content-Type', 'text/plain');
      for (const part of ['a', 'b', 'c']) {
        res.write(part);
        await sleep(5);
      }
      res.end();
    });
    router.options('/hello', (_req, res) => {
      hit(probe, 'OPTIONS /hello');
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.json({ options: true });
    });
    router.get('/cyclic', (_req, res) => {
      hit(probe, 'GET /cyclic');
      res.json(cyclic());
    });
    router.get('/boom', () => {
      hit(probe, 'GET /boom');
      throw new Error('handler exploded');
    });
    router.get('/state', (_req, res, state) => {
      hit(probe, 'GET /state');
      pushTrace(state);
      res.json({
        user: state.user,
        trace: [...((state.trace as string[]) ?? [])],
        sub: (state.auth as { sub?: string })?.sub,
      });
    });
    router.post('/echo', async (req, res) => {
      hit(probe, 'POST /echo');
      res.json({ received: await req.json() });
    });
    router.post('/bytes', async (req, res) => {
      hit(probe, 'POST /bytes');
      res.json(digest(await req.bytes()));
    });
    router.get('/slow', async (_req, res) => {
      hit(probe, 'GET /slow');
      await sleep(400);
      res.json({ slow: true });
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
