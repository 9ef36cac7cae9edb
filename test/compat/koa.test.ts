// Koa 3: koa-session (cookie set when Koa writes), koa-compress (a body replaced by a stream),
// koa-static, a stream body, ctx.respond = false (the app writes Node's response itself) and
// ctx.throw (Koa's own error answer, which resets every header set before it).
import { createServer } from 'node:http';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { bouncer } from '@bouncer/koa';
import Koa from 'koa';
import compress from 'koa-compress';
import session from 'koa-session';
import serve from 'koa-static';
import { describe, expect, test } from 'vitest';
import { cookieOf } from './_client';
import { compare, listen, type Normalise, type Side, sleep } from './_harness';
import { compatPolicy } from './_policy';

const PUBLIC = fileURLToPath(new URL('./public', import.meta.url));
const BIG = 'Koa compatibility line, repeated until it is well past the threshold.\n'.repeat(2000);
const PAUSE_MS = 400;

function guard(app: Koa, side: Side): void {
  if (side.guarded) app.use(bouncer(compatPolicy()));
}

function serveKoa(app: Koa) {
  app.silent = true; // ctx.throw(500) and friends are expected here
  return listen(createServer(app.callback()));
}

/** koa-session's cookie carries the session itself and its expiry: both differ per run. */
const koaSessionCookies: Normalise = (name, value) =>
  name === 'set-cookie'
    ? value.replace(/^(koa\.sess(?:\.sig)?)=[^;]*/, '$1=<value>').replace(/expires=[^;]*/, 'expires=<date>')
    : value;

describe.each(['after', 'before'])('koa-session mounted %s the bouncer', (order) => {
  test('a counter over three requests on one connection', async () => {
    const { plain } = await compare({
      serve: (side) => {
        const app = new Koa();
        app.keys = ['compat-suite-koa-key'];
        if (order === 'before') app.use(session(app));
        guard(app, side);
        if (order === 'after') app.use(session(app));
        app.use((ctx) => {
          const n = ((ctx.session!.n as number | undefined) ?? 0) + 1;
          ctx.session!.n = n;
          ctx.body = { n };
        });
        return serveKoa(app);
      },
      script: async (client) => {
        // The cookie holds the session itself: send back the latest one.
        let cookie = '';
        for (let i = 0; i < 3; i++) cookie = cookieOf(await client.get('/count', { cookie })) || cookie;
      },
      normalise: koaSessionCookies,
    });
    expect(plain.exchanges.map((e) => e.body.toString())).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(plain.exchanges.map((e) => e.connection)).toEqual([0, 0, 0]);
  });
});

test('koa-compress: large, small and stream bodies', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const app = new Koa();
      guard(app, side);
      app.use(compress({ threshold: 1024 }));
      app.use((ctx) => {
        ctx.type = 'text/plain';
        if (ctx.path === '/big') ctx.body = BIG;
        else if (ctx.path === '/small') ctx.body = 'small';
        else ctx.body = Readable.from([BIG.slice(0, 4000), BIG.slice(0, 4000), 'end']);
      });
      return serveKoa(app);
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

test('koa-static: a file, HEAD, index.html, a miss', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const app = new Koa();
      guard(app, side);
      app.use(serve(PUBLIC));
      return serveKoa(app);
    },
    script: async (client) => {
      await client.get('/notes.txt');
      await client.send('/notes.txt', { method: 'HEAD' });
      await client.get('/');
      await client.get('/none.txt');
    },
  });
  expect(plain.exchanges.map((e) => e.status)).toEqual([200, 200, 200, 404]);
});

test('a stream body written over time (event stream): the first event is not delayed', async () => {
  const { plain, guarded } = await compare({
    serve: (side) => {
      const app = new Koa();
      guard(app, side);
      app.use((ctx) => {
        const events = new PassThrough();
        ctx.type = 'text/event-stream';
        ctx.set('Cache-Control', 'no-cache');
        ctx.body = events;
        events.write('data: one\n\n');
        setTimeout(() => events.end('data: two\n\n'), PAUSE_MS);
      });
      return serveKoa(app);
    },
    script: async (client) => {
      await client.get('/events');
    },
  });
  expect(plain.exchanges[0].body.toString()).toBe('data: one\n\ndata: two\n\n');
  for (const run of [plain, guarded]) {
    const [e] = run.exchanges;
    expect(e.at.end! - e.at.firstByte!, 'first event before the pause').toBeGreaterThan(PAUSE_MS / 2);
  }
});

test('ctx.respond = false: the app writes the Node response itself, at once and later', async () => {
  await compare({
    serve: (side) => {
      const app = new Koa();
      guard(app, side);
      app.use(async (ctx) => {
        ctx.respond = false;
        side.watch(ctx.res);
        if (ctx.path === '/later') await sleep(20);
        ctx.res.writeHead(200, { 'Content-Type': 'text/plain' });
        side.note('after writeHead', { headersSent: ctx.res.headersSent, headerSent: ctx.headerSent });
        side.note('write returned', ctx.res.write('raw '));
        ctx.res.end('answer');
        side.note('after end', ctx.res.writableEnded);
      });
      return serveKoa(app);
    },
    script: async (client) => {
      await client.get('/now');
      await client.get('/later');
    },
  });
});

test('ctx.throw(401) and a thrown error: Koa answers them itself', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const app = new Koa();
      guard(app, side);
      app.use((ctx) => {
        ctx.set('X-App', 'set before the throw');
        if (ctx.path === '/401') ctx.throw(401);
        if (ctx.path === '/401-headers')
          ctx.throw(401, 'token expired', {
            headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
          });
        throw new Error('boom');
      });
      return serveKoa(app);
    },
    script: async (client) => {
      await client.get('/401');
      await client.get('/401-headers');
      await client.get('/500');
    },
  });
  expect(plain.exchanges.map((e) => [e.status, e.body.toString()])).toEqual([
    [401, 'Unauthorized'],
    [401, 'token expired'],
    [500, 'Internal Server Error'],
  ]);
});
