// The head itself, committed every way Node allows: writeHead with an object, a status message, a
// flat array, an implicit head from end(); what writeHead returns; what setHeader does after the
// head; answers without a body (204, 304, HEAD); and fields the application sets that the policy
// also writes (the application's value wins).
import express, { type Response } from 'express';
import { expect, test } from 'vitest';
import { guard, serveExpress, state } from './_express';
import { compare, type Side } from './_harness';

/** Runs `fn` and notes the error code it throws, if any: libraries catch ERR_HTTP_HEADERS_SENT. */
function attempt(side: Side, label: string, fn: () => unknown): void {
  try {
    fn();
    side.note(label, 'ok');
  } catch (error) {
    side.note(label, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}

const heads: Record<string, (res: Response, side: Side) => void> = {
  '/object': (res, side) => {
    res.setHeader('X-Before', 'set');
    side.note(
      'writeHead returns res',
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-In-Head': 'a' }) === res,
    );
  },
  '/message': (res) => {
    res.writeHead(299, 'Fine Indeed', { 'Content-Type': 'text/plain' });
  },
  '/array': (res) => {
    res.writeHead(200, ['Content-Type', 'text/plain', 'Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']);
  },
  '/implicit': (res) => {
    res.statusCode = 203;
    res.statusMessage = 'Mostly';
    res.setHeader('Content-Type', 'text/plain');
  },
};

test.each(Object.keys(heads))(
  'writeHead %s, then the head is read back and changed too late',
  async (path) => {
    const { plain } = await compare({
      serve: (side) => {
        const app = express();
        guard(app, side);
        app.get(path, (_req, res) => {
          side.watch(res);
          heads[path](res, side);
          state(side, res, 'after head');
          side.note('content-type read back', res.getHeader('content-type'));
          attempt(side, 'setHeader after head', () => res.setHeader('X-Late', 'no'));
          attempt(side, 'removeHeader after head', () => res.removeHeader('X-Before'));
          res.end('body');
          state(side, res, 'after end');
        });
        return serveExpress(app);
      },
      script: async (client) => {
        await client.get(path);
        await client.get(path);
      },
    });
    expect(plain.exchanges[0].body.toString()).toBe('body');
  },
);

test('answers without a body: 204, 304, HEAD, sendStatus', async () => {
  const { plain } = await compare({
    serve: (side) => {
      const app = express();
      guard(app, side);
      app.get('/no-content', (_req, res) => {
        side.watch(res, 'no-content');
        res.status(204).send('dropped');
        state(side, res, 'after 204');
      });
      app.get('/not-modified', (_req, res) => {
        res.status(304).set('ETag', '"v1"').end();
      });
      app.get('/json', (_req, res) => {
        res.json({ head: 'less' });
      });
      app.delete('/item', (_req, res) => {
        res.sendStatus(202);
      });
      return serveExpress(app);
    },
    script: async (client) => {
      await client.get('/no-content');
      await client.get('/not-modified');
      await client.send('/json', { method: 'HEAD' });
      await client.send('/item', { method: 'DELETE' });
    },
  });
  expect(plain.exchanges.map((e) => [e.status, e.body.length])).toEqual([
    [204, 0],
    [304, 0],
    [200, 0],
    [202, 8],
  ]);
});

test("fields the application sets itself keep the application's value", async () => {
  await compare({
    serve: (side) => {
      const app = express();
      guard(app, side);
      app.get('/own', (_req, res) => {
        res.set({
          'Content-Security-Policy': "default-src 'none'",
          'X-Frame-Options': 'SAMEORIGIN',
          'Referrer-Policy': 'strict-origin',
          Vary: 'Accept-Language',
        });
        res.send('own');
      });
      app.get('/own-in-head', (_req, res) => {
        res.writeHead(200, {
          'Content-Security-Policy': "default-src 'self'",
          'X-Frame-Options': 'SAMEORIGIN',
        });
        res.end('own');
      });
      return serveExpress(app);
    },
    script: async (client) => {
      await client.get('/own');
      await client.get('/own-in-head');
    },
  });
});
