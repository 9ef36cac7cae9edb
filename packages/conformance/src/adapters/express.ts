import { createServer } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { AppFactory } from '../types';
import { cyclic, digest, hit, listen, pushTrace, sleep } from './_shared';

export const expressApp: AppFactory = {
  name: 'express',
  async start(chain, probe) {
    // Loaded here, so the kit imports without Express (an optional peer) until this adapter runs.
    const [{ bouncer }, { default: express }] = await Promise.all([
      import('@bouncer/express'),
      import('express'),
    ]);
    const app = express();
    // Production mode: Express's final handler must not print stack traces.
    app.set('env', 'production');
    app.use(bouncer(chain, { onError: (error) => probe.reported.push(error) }));
    app.get('/hello', (_req, res) => {
      hit(probe, 'GET /hello');
      res.setHeader('X-Remove-Me', '1');
      res.json({ hello: 'world' });
    });
    app.get('/stream', async (_req, res) => {
      hit(probe, 'GET /stream');
      res.setHeader('Content-Type', 'text/plain');
      for (const part of ['a', 'b', 'c']) {
        res.write(part);
        await sleep(5);
      }
      res.end();
    });
    app.options('/hello', (_req, res) => {
      hit(probe, 'OPTIONS /hello');
      res.setHeader('Allow', 'GET, HEAD, OPTIONS');
      res.json({ options: true });
    });
    app.get('/cyclic', (_req, res) => {
      hit(probe, 'GET /cyclic');
      res.json(cyclic());
    });
    app.get('/boom', () => {
      hit(probe, 'GET /boom');
      throw new Error('handler exploded');
    });
    app.get('/state', (_req, res) => {
      hit(probe, 'GET /state');
      pushTrace(res.locals);
      res.json({ user: res.locals.user, trace: [...(res.locals.trace ?? [])], sub: res.locals.auth?.sub });
    });
    app.post('/echo', express.json(), (req, res) => {
      hit(probe, 'POST /echo');
      res.json({ received: req.body });
    });
    app.post('/bytes', express.raw({ type: () => true, limit: '8mb' }), (req, res) => {
      hit(probe, 'POST /bytes');
      res.json(digest(req.body as Buffer));
    });
    app.get('/slow', async (_req, res) => {
      hit(probe, 'GET /slow');
      await sleep(400);
      res.json({ slow: true });
    });
    // An application error handler, as real apps have: the default one logs every stack.
    app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).type('text/plain').send('Internal Server Error');
    });
    return listen(createServer(app));
  },
};
