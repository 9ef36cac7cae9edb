// express.static, res.sendFile and res.download (all on `send`): full, range, HEAD and
// conditional requests, whose 206 and 304 answers are decided from the request's validators.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { describe, expect, test } from 'vitest';
import type { Client } from './_client';
import { guard, serveExpress } from './_express';
import { compare } from './_harness';

const PUBLIC = fileURLToPath(new URL('./public', import.meta.url));

function app(side: Parameters<typeof guard>[1]) {
  const app = express();
  guard(app, side);
  app.use('/static', express.static(PUBLIC));
  app.get('/send-file', (_req, res) => res.sendFile('notes.txt', { root: PUBLIC }));
  app.get('/download', (_req, res) => res.download(`${PUBLIC}/notes.txt`, 'report.txt'));
  return app;
}

/** Full, range, HEAD, then both kinds of conditional GET with the first answer's validators. */
async function fileRequests(client: Client, path: string): Promise<void> {
  const full = await client.get(path);
  await client.get(path, { range: 'bytes=0-9' });
  await client.get(path, { range: 'bytes=100-' });
  await client.get(path, { range: 'bytes=999999-' });
  await client.send(path, { method: 'HEAD' });
  await client.get(path, { 'if-none-match': full.headers.etag?.[0] ?? '"none"' });
  await client.get(path, { 'if-modified-since': full.headers['last-modified']?.[0] ?? '' });
  await client.get(path, { range: 'bytes=0-9', 'if-range': full.headers.etag?.[0] ?? '"none"' });
}

describe.each(['/static/notes.txt', '/send-file', '/download'])('%s', (path) => {
  test('full, range, HEAD, If-None-Match and If-Modified-Since', async () => {
    const { plain } = await compare({
      serve: (side) => serveExpress(app(side)),
      script: (c) => fileRequests(c, path),
    });
    expect(plain.exchanges.map((e) => e.status)).toEqual([200, 206, 206, 416, 200, 304, 304, 206]);
  });
});

test('express.static: index.html for a directory, a redirect without the slash, 404 past it', async () => {
  const { plain } = await compare({
    serve: (side) => serveExpress(app(side)),
    script: async (client) => {
      await client.get('/static/');
      await client.get('/static');
      await client.get('/static/none.txt');
    },
  });
  expect(plain.exchanges.map((e) => e.status)).toEqual([200, 301, 404]);
});
