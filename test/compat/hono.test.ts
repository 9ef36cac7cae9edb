// Hono 4 on @hono/node-server: hono/compress (a body re-encoded through CompressionStream),
// streamSSE, serveStatic from @hono/node-server, and sub-apps mounted with app.route().
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { bouncer } from '@bouncer/hono';
import { createAdaptorServer } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { stream, streamSSE } from 'hono/streaming';
import { expect, test } from 'vitest';
import { compare, listen, type Side, sleep } from './_harness';
import { compatPolicy } from './_policy';

const PUBLIC = fileURLToPath(new URL('./public', import.meta.url));
const BIG = 'Hono compatibility line, repeated until it is well past the threshold.\n'.repeat(2000);
const PAUSE_MS = 400;

function app(side: Side): Hono {
  const app = new Hono();
  if (side.guarded) app.use(bouncer(compatPolicy()));
  return app;
}

function serveHono(app: Hono) {
  return listen(createAdaptorServer({ fetch: app.fetch }) as import('node:http').Server);
}

test('hono/compress: large, small and streamed bodies', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const root = app(side);
      root.use(compress());
      root.get('/big', (c) => c.text(BIG));
      root.get('/small', (c) => c.text('small'));
      root.get('/stream', (c) =>
        stream(c, async (s) => {
          c.header('Content-Type', 'text/plain');
          for (let i = 0; i < 3; i++) await s.write(BIG.slice(0, 4000));
        }),
      );
      return serveHono(root);
    },
    script: async (client) => {
      for (const path of ['/big', '/small', '/stream']) {
        await client.get(path, { 'accept-encoding': 'gzip' });
        await client.get(path, { 'accept-encoding': 'identity' });
      }
    },
  });
  expect(plain.exchanges[0].headers['content-encoding']).toEqual(['gzip']);
  expect(gunzipSync(plain.exchanges[0].body).toString()).toBe(BIG);
});

test('streamSSE: the first event arrives before the stream ends', async () => {
  const { plain, guarded } = await compare({
    serve: (side) => {
      const root = app(side);
      root.get('/events', (c) =>
        streamSSE(c, async (s) => {
          await s.writeSSE({ data: 'one', event: 'tick', id: '1' });
          await sleep(PAUSE_MS);
          await s.writeSSE({ data: 'two', event: 'tick', id: '2' });
        }),
      );
      return serveHono(root);
    },
    script: async (client) => {
      await client.get('/events', { accept: 'text/event-stream' });
    },
  });
  expect(plain.exchanges[0].body.toString()).toBe(
    'event: tick\ndata: one\nid: 1\n\nevent: tick\ndata: two\nid: 2\n\n',
  );
  for (const run of [plain, guarded]) {
    const [e] = run.exchanges;
    expect(e.at.end! - e.at.firstByte!, 'first event before the pause').toBeGreaterThan(PAUSE_MS / 2);
  }
});

test('serveStatic: a file, HEAD, a range, a conditional request, index.html, a miss', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const root = app(side);
      root.use(
        '/static/*',
        serveStatic({ root: PUBLIC, rewriteRequestPath: (p) => p.replace(/^\/static/, '') }),
      );
      return serveHono(root);
    },
    script: async (client) => {
      const full = await client.get('/static/notes.txt');
      await client.send('/static/notes.txt', { method: 'HEAD' });
      await client.get('/static/notes.txt', { range: 'bytes=0-9' });
      await client.get('/static/notes.txt', {
        'if-modified-since': full.headers['last-modified']?.[0] ?? '',
      });
      await client.get('/static/');
      await client.get('/static/none.txt');
    },
  });
  // @hono/node-server's serveStatic answers a conditional GET in full (no 304).
  expect(plain.exchanges.map((e) => e.status)).toEqual([200, 200, 206, 200, 200, 404]);
});

test('sub-apps via app.route(): their middleware, notFound and errors', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const root = app(side);
      const api = new Hono();
      api.use(async (c, next) => {
        await next();
        c.header('X-Api', 'v1');
      });
      api.get('/items', (c) => c.json([{ id: 1 }]));
      api.get('/boom', () => {
        throw new Error('boom');
      });
      const admin = new Hono();
      admin.get('/', (c) => c.text('admin'));
      api.route('/admin', admin);
      root.route('/api', api);
      root.onError((_error, c) => c.json({ error: 'handled' }, 500));
      return serveHono(root);
    },
    script: async (client) => {
      await client.get('/api/items');
      await client.get('/api/admin');
      await client.get('/api/boom');
      await client.get('/api/none');
      await client.get('/none');
    },
  });
  expect(plain.exchanges.map((e) => e.status)).toEqual([200, 200, 500, 404, 404]);
});
