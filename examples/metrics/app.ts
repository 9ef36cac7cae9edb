// An Express app whose bouncer reports every request to a metrics backend (`extras.metrics`).
import { type BouncerPolicy, bouncer as policyChain, type RequestSample } from '@bouncer/core';
import { bouncer } from '@bouncer/express';
import express, { type Express } from 'express';

const metricsPolicy = {
  timing: { log: false },
  ipFilter: { deny: ['203.0.113.0/24'] },
  trustProxy: 'loopback',
  rateLimit: { limit: 2, window: '60s' },
} satisfies BouncerPolicy;

export function createApp(
  record: (sample: RequestSample) => void,
  serveMetrics?: () => Promise<string>,
): Express {
  const app = express();
  app.use(bouncer(policyChain(metricsPolicy, { metrics: record })));
  app.get('/hello', (_req, res) => res.json({ hello: 'world' }));
  if (serveMetrics)
    app.get('/metrics', async (_req, res) => res.type('text/plain').send(await serveMetrics()));
  return app;
}
