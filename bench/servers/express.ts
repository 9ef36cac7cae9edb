// Express 5 under test: `bare`, `native` (helmet, cors, express-rate-limit), `bouncer`, `bouncer-jwt`, `bouncer-redis`, `bouncer-cluster`.
import type { AddressInfo } from 'node:net';
import { bouncer } from '@bouncer/express';
import cors from 'cors';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { announce, modeFromArgv, prices } from './_app';
import { POLICY_HEADERS } from './_headers';
import { chainFor } from './_policy';
import { ORIGIN, RATE_LIMIT } from './_settings';

const mode = modeFromArgv();
const app = express();

if (mode === 'native') {
  app.use(helmet());
  app.use(cors({ origin: ORIGIN }));
  app.use(
    rateLimit({
      limit: RATE_LIMIT.limit,
      windowMs: RATE_LIMIT.windowMs,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
    }),
  );
} else if (mode === 'headers') {
  app.use((_req, res, next) => {
    for (const [k, v] of POLICY_HEADERS) res.setHeader(k, v);
    next();
  });
} else if (mode !== 'bare') {
  app.use(bouncer((await chainFor(mode))!));
}
app.get('/prices', (_req, res) => {
  res.json(prices);
});

const server = app.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port));
