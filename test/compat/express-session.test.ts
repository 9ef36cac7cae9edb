// express-session saves the session by wrapping res.end and sets its cookie from an on-headers
// hook: both depend on writeHead/end running when the route calls them.
import express, { type Express } from 'express';
import session from 'express-session';
import { describe, expect, test } from 'vitest';
import { type Client, cookieOf } from './_client';
import { guard, serveExpress, state } from './_express';
import { compare, cookieValues, type Side } from './_harness';

type Order = 'after' | 'before';

function app(order: Order, side: Side): Express {
  const app = express();
  const sessions = session({
    secret: 'compat-suite-session-secret',
    resave: false,
    saveUninitialized: false,
  });
  if (order === 'before') app.use(sessions);
  guard(app, side);
  if (order === 'after') app.use(sessions);
  const count = (req: express.Request) => {
    req.session.n = (req.session.n ?? 0) + 1;
    return req.session.n;
  };
  app.get('/write-head', (req, res) => {
    const n = count(req);
    side.watch(res);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    state(side, res, 'after writeHead');
    res.end(`ok ${n}`);
    state(side, res, 'after end');
  });
  app.get('/write', (req, res) => {
    const n = count(req);
    side.watch(res);
    res.setHeader('Content-Type', 'text/plain');
    side.note('write returned', res.write('a'));
    state(side, res, 'after write');
    res.end(`b${n}`);
    state(side, res, 'after end');
  });
  app.get('/json', (req, res) => {
    const n = count(req);
    side.watch(res);
    res.json({ n });
    state(side, res, 'after json');
  });
  return app;
}

declare module 'express-session' {
  interface SessionData {
    n: number;
  }
}

/** Three requests on one keep-alive connection, the second and third with the cookie of the first. */
async function roundTrip(client: Client, path: string): Promise<void> {
  const first = await client.get(path);
  const cookie = cookieOf(first);
  await client.get(path, { cookie });
  await client.get(path, { cookie });
}

describe.each<Order>(['after', 'before'])('express-session mounted %s the bouncer', (order) => {
  test.each([
    ['/write-head', ['ok 1', 'ok 2', 'ok 3']],
    ['/write', ['ab1', 'ab2', 'ab3']],
    ['/json', ['{"n":1}', '{"n":2}', '{"n":3}']],
  ])('%s: three requests on one connection, cookie round-trip', async (path, bodies) => {
    const { plain } = await compare({
      serve: (side) => serveExpress(app(order, side)),
      script: (client) => roundTrip(client, path),
      normalise: cookieValues('connect.sid'),
    });
    expect(plain.exchanges.map((e) => e.body.toString())).toEqual(bodies);
    expect(plain.exchanges.map((e) => e.connection)).toEqual([0, 0, 0]);
  });
});
