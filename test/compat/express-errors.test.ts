// Errors after an answer: Express's final handler and common error handlers branch on
// res.headersSent, so it must be true exactly when the head really went out.
import express, { type ErrorRequestHandler, type NextFunction, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Client } from './_client';
import { guard, serveExpress, state } from './_express';
import { compare, type Side, sleep } from './_harness';

// Express logs every error it handles (and Bouncer reports its own): keep the run's output readable.
beforeAll(() => {
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterAll(() => {
  vi.restoreAllMocks();
});

type Handler = 'none' | 'checks headersSent' | 'answers anyway';

/** An error handler as commonly written: delegating when the head is out, or answering regardless. */
function errorHandler(kind: Handler, side: Side): ErrorRequestHandler | undefined {
  if (kind === 'none') return undefined;
  return (error: Error, _req: Request, res: Response, next: NextFunction) => {
    state(side, res, `error handler sees ${error.message}`);
    if (kind === 'checks headersSent' && res.headersSent) return next(error);
    res.status(500).json({ error: error.message });
  };
}

function app(kind: Handler, side: Side) {
  const app = express();
  app.set('env', 'production'); // the final handler's page without a stack trace
  guard(app, side);
  app.get('/json-then-next', (_req, res, next) => {
    side.watch(res);
    res.json({ ok: true });
    state(side, res, 'after json');
    next(new Error('late'));
  });
  app.get('/send-then-throw', (_req, res) => {
    side.watch(res);
    res.send('original');
    state(side, res, 'after send');
    throw new Error('thrown');
  });
  app.get('/async-throw', async (_req, res) => {
    side.watch(res);
    await sleep(1);
    throw new Error('async');
  });
  app.get('/async-throw-after-write', async (_req, res) => {
    side.watch(res);
    res.write('partial');
    await sleep(1);
    throw new Error('async late');
  });
  // Registered later: next(err) must skip them, whether or not the answer is out.
  app.get('/json-then-next', (_req, res) => {
    res.send('later route');
  });
  app.use((_req, res) => {
    res.status(404).send('catch-all');
  });
  const handler = errorHandler(kind, side);
  if (handler) app.use(handler);
  return app;
}

/** Each request twice, then a plain one: the client sees whether the connection survived. */
async function twiceThenHealthy(client: Client, path: string): Promise<void> {
  await client.get(path);
  await client.get(path);
  await client.get('/nowhere');
}

describe.each<Handler>(['none', 'checks headersSent', 'answers anyway'])('error handler: %s', (kind) => {
  test.each(['/json-then-next', '/send-then-throw', '/async-throw', '/async-throw-after-write'])(
    '%s',
    async (path) => {
      const { plain } = await compare({
        serve: (side) => serveExpress(app(kind, side)),
        script: (client) => twiceThenHealthy(client, path),
      });
      expect(plain.exchanges.at(-1)?.body.toString()).toBe('catch-all');
    },
  );
});
