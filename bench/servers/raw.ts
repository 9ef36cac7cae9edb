// @bouncer/raw under test: `bare` (its parser and serializer, no chain), `headers` (the same, writing
// the Bouncer policy's headers with no logic: the floor) and `bouncer` (the full policy).
import { createServer, Router } from '@bouncer/raw';
import { announce, modeFromArgv, prices } from './_app';
import { POLICY_HEADERS } from './_headers';
import { chainFor } from './_policy';

const mode = modeFromArgv(['bare', 'headers', 'bouncer', 'bouncer-jwt', 'bouncer-redis', 'bouncer-cluster']);
const router = new Router();
if (mode === 'headers') {
  router.get('/prices', (_req, res) => {
    for (const [name, value] of POLICY_HEADERS) res.setHeader(name, value);
    res.json(prices);
  });
} else router.get('/prices', (_req, res) => res.json(prices));
const chain = await chainFor(mode);
const server = createServer({ handler: router.handle, ...(chain ? { chain } : {}) });
const { port } = await server.listen(0, '127.0.0.1');
announce(port);
