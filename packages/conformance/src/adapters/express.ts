import { createServer } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { AppFactory } from '../types';
import { digest, hit, listen, sharedRoutes } from './_shared';

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
    for (const route of sharedRoutes(probe))
      app[route.method](route.path, (_req, res) => route.handle(res, res.locals));
    app.post('/echo', express.json(), (req, res) => {
      hit(probe, 'POST /echo');
      res.json({ received: req.body });
    });
    app.post('/bytes', express.raw({ type: () => true, limit: '8mb' }), (req, res) => {
      hit(probe, 'POST /bytes');
      res.json(digest(req.body as Buffer));
    });
    // An application error handler, as real apps have: the default one logs every stack.
    app.use((_error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).type('text/plain').send('Internal Server Error');
    });
    return listen(createServer(app));
  },
};
