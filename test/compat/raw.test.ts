// @bouncer/raw with and without its chain: a body streamed over time and an event stream must
// reach the client as they are written (its README: the head is held only until the chain's
// outbound code has run).
import { createServer, type RawResponse } from '@bouncer/raw';
import { expect, test } from 'vitest';
import { compare, type Served, type Side, sleep, until } from './_harness';
import { compatPolicy } from './_policy';

const PAUSE_MS = 400;

type Route = (res: RawResponse, side: Side) => Promise<void> | void;

async function serveRaw(side: Side, routes: Record<string, Route>): Promise<Served> {
  let open = 0;
  const server = createServer({
    chain: side.guarded ? compatPolicy() : undefined,
    handler: (req, res) => {
      open++;
      res.once('finish', () => open--);
      res.once('close', () => open--);
      const route = routes[req.path];
      if (route) return route(res, side);
      res.json({ error: 'no route' }, 404);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    settle: () => until(() => open <= 0),
    close: () => server.close({ deadline: 1000 }),
  };
}

function watch(side: Side, res: RawResponse): void {
  res.once('finish', () => side.note('res finish'));
  res.once('close', () => side.note('res close'));
}

const routes: Record<string, Route> = {
  '/stream': async (res, side) => {
    watch(side, res);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    side.note('after writeHead', res.headersSent);
    side.note('write returned', res.write('first '));
    await sleep(PAUSE_MS);
    res.end('last');
    side.note('after end', res.finished);
  },
  '/events': async (res, side) => {
    watch(side, res);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache');
    side.note('write returned', res.write('data: one\n\n'));
    side.note('after first event', res.headersSent);
    await sleep(PAUSE_MS);
    res.write('data: two\n\n');
    res.end();
  },
  '/json': (res, side) => {
    watch(side, res);
    res.json({ ok: true });
    side.note('after json', res.headersSent);
  },
};

test.each([
  ['/stream', 'first last'],
  ['/events', 'data: one\n\ndata: two\n\n'],
])('%s: the first piece arrives before the answer ends', async (path, body) => {
  const { plain, guarded } = await compare({
    serve: (side) => serveRaw(side, routes),
    script: async (client) => {
      await client.get(path);
      await client.get(path);
    },
  });
  expect(plain.exchanges[0].body.toString()).toBe(body);
  for (const run of [plain, guarded]) {
    const [e] = run.exchanges;
    expect(e.at.end! - e.at.firstByte!, 'first piece before the pause').toBeGreaterThan(PAUSE_MS / 2);
  }
});

test('/json: a complete answer in one call, twice on one connection', async () => {
  await compare({
    serve: (side) => serveRaw(side, routes),
    script: async (client) => {
      await client.get('/json');
      await client.get('/json');
    },
  });
});
