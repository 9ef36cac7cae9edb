// compression, morgan and multer: a response-wrapping middleware, a logger that reads the answer
// at its head and finish, and a multipart parser that reads the body stream Bouncer may replay.
import { gunzipSync } from 'node:zlib';
import compression from 'compression';
import express from 'express';
import morgan from 'morgan';
import multer from 'multer';
import { describe, expect, test } from 'vitest';
import { guard, serveExpress, state } from './_express';
import { compare, sleep } from './_harness';

const BIG = 'Bouncer compatibility line, repeated until it is well past the threshold.\n'.repeat(2000);

describe('compression', () => {
  test('large, small and streamed bodies, gzip and identity', async () => {
    const { plain } = await compare({
      serve: (side) => {
        const app = express();
        guard(app, side);
        app.use(compression());
        app.get('/big', (_req, res) => {
          side.watch(res, 'big');
          res.type('text').send(BIG);
          state(side, res, 'big after send');
        });
        app.get('/small', (_req, res) => {
          side.watch(res, 'small');
          res.type('text').send('small');
        });
        app.get('/stream', async (_req, res) => {
          side.watch(res, 'stream');
          res.type('text');
          for (let i = 0; i < 5; i++) {
            side.note('stream write returned', res.write(BIG.slice(0, 4000)));
            state(side, res, `stream after write ${i}`);
            await sleep(5);
          }
          res.end('end');
          state(side, res, 'stream after end');
        });
        return serveExpress(app);
      },
      script: async (client) => {
        for (const path of ['/big', '/small', '/stream']) {
          await client.get(path, { 'accept-encoding': 'gzip' });
          await client.get(path, { 'accept-encoding': 'identity' });
        }
      },
    });
    const [big, , , , stream] = plain.exchanges;
    expect(big.headers['content-encoding']).toEqual(['gzip']);
    expect(gunzipSync(big.body).toString()).toBe(BIG);
    expect(gunzipSync(stream.body).toString()).toBe(BIG.slice(0, 4000).repeat(5) + 'end');
  });
});

describe('morgan', () => {
  test('the access-log lines are the same apart from timings and dates', async () => {
    const lines = { plain: [] as string[], guarded: [] as string[] };
    const { plain } = await compare({
      serve: (side) => {
        const app = express();
        const into = side.guarded ? lines.guarded : lines.plain;
        const stream = { write: (line: string) => into.push(line) };
        app.use(morgan('combined', { stream }));
        guard(app, side);
        app.use(
          morgan(':method :url :status :res[content-length] :res[content-type] :response-time ms', {
            stream,
          }),
        );
        app.get('/json', (_req, res) => {
          res.json({ ok: true });
        });
        app.get('/stream', async (_req, res) => {
          res.write('a');
          await sleep(10);
          res.end('b');
        });
        return serveExpress(app);
      },
      script: async (client) => {
        await client.get('/json', { 'user-agent': 'compat' });
        await client.get('/stream', { 'user-agent': 'compat' });
        await client.get('/missing', { 'user-agent': 'compat' });
      },
    });
    expect(plain.exchanges.map((e) => e.status)).toEqual([200, 200, 404]);
    const timeless = (line: string) => line.replace(/\[[^\]]+\]/, '[date]').replace(/\d+(\.\d+)? ms/, 'N ms');
    expect(lines.guarded.map(timeless)).toEqual(lines.plain.map(timeless));
    expect(lines.plain).toHaveLength(6);
  });
});

describe('multer', () => {
  const boundary = 'compat-boundary';
  const multipart = [
    `--${boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nreport\r\n`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n`,
    `${'x'.repeat(20_000)}\r\n--${boundary}--\r\n`,
  ];

  test('a multipart upload, with Content-Length and chunked', async () => {
    const { plain } = await compare({
      serve: (side) => {
        const app = express();
        guard(app, side);
        const upload = multer({ storage: multer.memoryStorage() });
        app.post('/upload', upload.single('file'), (req, res) => {
          res.json({ title: req.body.title, name: req.file?.originalname, size: req.file?.size });
        });
        return serveExpress(app);
      },
      script: async (client) => {
        const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
        await client.send('/upload', { method: 'POST', headers, body: multipart.join('') });
        await client.send('/upload', { method: 'POST', headers, body: multipart });
      },
    });
    expect(plain.exchanges.map((e) => e.body.toString())).toEqual([
      '{"title":"report","name":"a.txt","size":20000}',
      '{"title":"report","name":"a.txt","size":20000}',
    ]);
  });
});
