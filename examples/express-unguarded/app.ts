import { bouncer } from '@bouncer/express';
import express, { type Express } from 'express';
import { policy } from '../policy';
import { prices, users } from '../pricing';

/**
 * The seed's mistake, kept on purpose: `/export` was added in a hurry, above the line that mounts
 * the bouncer, so Express answers it before the policy ever runs. Do not copy this app.
 */
export function createApp(): Express {
  const app = express();
  app.get('/export', (_req, res) => {
    res.json({ note: 'all customer data', users: Object.values(users) });
  });
  app.use(bouncer(policy));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/prices', (_req, res) => {
    res.json(prices);
  });
  return app;
}
