// Hono 4 on @hono/node-server under test: `bare`, `native` (secure-headers, cors, hono-rate-limiter), `bouncer`, `bouncer-jwt`, `bouncer-redis`, `bouncer-cluster`.
import type { ServerResponse } from 'node:http';
import { bouncer } from '@bouncer/hono';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { rateLimiter } from 'hono-rate-limiter';
import { announce, modeFromArgv, prices } from './_app';
import { POLICY_HEADERS } from './_headers';
import { chainFor } from './_policy';
import { ORIGIN, RATE_LIMIT } from './_settings';

const mode = modeFromArgv();
const app = new Hono();

if (mode === 'native') {
  app.use(secureHeaders());
  app.use(cors({ origin: ORIGIN }));
  app.use(
    rateLimiter({
      windowMs: RATE_LIMIT.windowMs,
      limit: RATE_LIMIT.limit,
      standardHeaders: 'draft-7',
      // The socket address, as the other stacks key on.
      keyGenerator: (c) => getConnInfo(c).remote.address ?? 'unknown',
    }),
  );
} else if (mode === 'headers') {
  // On @hono/node-server the cheapest place is Node's response (`c.env.outgoing`), which
  // node-server merges the Response's own headers over: the Response stays a plain one.
  app.use(async (c, next) => {
    const out = (c.env as { outgoing: ServerResponse }).outgoing;
    for (const [k, v] of POLICY_HEADERS) out.setHeader(k, v);
    await next();
  });
} else if (mode !== 'bare') {
  app.use(bouncer((await chainFor(mode))!));
}
app.get('/prices', (c) => c.json(prices));

serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => announce(info.port));
