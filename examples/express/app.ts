import { bouncer } from '@bouncer/express';
import express from 'express';
import { policy } from '../policy';
import { prices, readUser } from '../pricing';

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
  return app;
}
