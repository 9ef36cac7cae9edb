// @bouncer/raw under test: `bare` (its parser and serializer, no chain) and `bouncer` (the full policy).
import { createServer, Router } from '@bouncer/raw';
import { announce, modeFromArgv, prices } from './_app';
import { chainFor } from './_policy';

const mode = modeFromArgv(['bare', 'bouncer', 'bouncer-jwt', 'bouncer-redis', 'bouncer-cluster']);
const router = new Router();
router.get('/prices', (_req, res) => res.json(prices));
const chain = await chainFor(mode);
const server = createServer({ handler: router.handle, ...(chain ? { chain } : {}) });
const { port } = await server.listen(0, '127.0.0.1');
announce(port);
