import { PROBLEM_TYPE, problemBody } from '@bouncer/core';
import { bouncer } from '@bouncer/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { policy } from '../policy';
import { prices, readInventory, readUser } from '../pricing';

/** The pricing API on Express 5, behind the shared policy. */
export function createApp(): express.Express {
  const app = express();
  app.use(bouncer(policy)); // first: every route, 404 and error passes the bouncer
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/prices', (_req, res) => {
    res.json(prices);
  });
  app.get('/users/:id', (req, res) => {
    const { status, body } = readUser(res.locals.auth?.sub, req.params.id);
    res.status(status).json(body);
  });
  app.post('/orders', express.json(), (req, res) => {
    res.status(201).json({ order: req.body });
  });
  app.get('/inventory', () => readInventory());
  // Our own 404, as problem+json like every other answer of this API, rather than Express's final
  // handler, which also sets a stricter `Content-Security-Policy: default-src 'none'` of its own.
  app.use((_req, res) => {
    sendProblem(res, 404);
  });
  // Errors as problem+json, never Express's HTML page (which shows the stack outside production).
  app.use(
    (error: { status?: number; expose?: boolean }, _req: Request, res: Response, _next: NextFunction) => {
      const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
      sendProblem(res, status);
    },
  );
  return app;
}

/** A problem+json answer; a Buffer, so that `res.send` adds no `; charset=utf-8` to the type. */
function sendProblem(res: Response, status: number): void {
  res
    .status(status)
    .type(PROBLEM_TYPE)
    .send(Buffer.from(problemBody(status)));
}
