// APM agents (and vi.spyOn) wrap http.ServerResponse.prototype.writeHead, often only after the app
// has already served requests. Every Express response in the process must still reach the wrapper:
// the guarded app's and a second app's that never mounts Bouncer.
import { createServer, ServerResponse } from 'node:http';
import express from 'express';
import { expect, test } from 'vitest';
import { guard } from './_express';
import { compare, listen, type Side } from './_harness';

/** The URL before the app prefix was cut, for the wrapper's notes. */
const requested = new WeakMap<ServerResponse, string>();

function apps(side: Side) {
  const main = express();
  guard(main, side);
  const other = express(); // the second app in the process: never guarded
  for (const app of [main, other]) {
    app.get('/json', (_req, res) => {
      res.json({ ok: true });
    });
    app.get('/write-head', (_req, res) => {
      res.writeHead(201, { 'Content-Type': 'text/plain' });
      res.end('made');
    });
    app.get('/stream', (_req, res) => {
      res.write('a');
      res.end('b');
    });
  }
  return createServer((req, res) => {
    const app = req.url?.startsWith('/other/') ? other : main;
    requested.set(res, req.url!);
    req.url = req.url!.replace(/^\/(main|other)/, '');
    app(req, res);
  });
}

/** Wraps writeHead on the shared prototype as an agent does; returns the uninstaller. */
function installWrapper(side: Side): () => void {
  const original = ServerResponse.prototype.writeHead;
  ServerResponse.prototype.writeHead = function wrappedWriteHead(this: ServerResponse, ...args: any[]) {
    side.note('wrapper saw writeHead', [requested.get(this), args[0]]);
    return (original as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as typeof original;
  return () => {
    ServerResponse.prototype.writeHead = original;
  };
}

test('a writeHead wrapper installed after the first requests sees every Express response', async () => {
  const { plain } = await compare({
    serve: (side) => listen(apps(side)),
    unguarded: (e) => e.label.startsWith('GET /other/'),
    script: async (client, side) => {
      await client.get('/main/json');
      await client.get('/other/json');
      const uninstall = installWrapper(side);
      try {
        for (const app of ['main', 'other'])
          for (const path of ['/json', '/write-head', '/stream']) await client.get(`/${app}${path}`);
      } finally {
        uninstall();
      }
    },
  });
  expect(plain.log).toHaveLength(6);
});
