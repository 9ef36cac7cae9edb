// Answers that go out in pieces: an event stream must reach the client as each event is written,
// and res.flushHeaders() must put the head on the wire at once, guarded or not.
import { once } from 'node:events';
import express from 'express';
import { expect, test } from 'vitest';
import { guard, serveExpress, state } from './_express';
import { compare, type Run, sleep } from './_harness';

/** The pause between the first event and the rest: the first must arrive well before it ends. */
const PAUSE_MS = 400;

function expectNotDelayed(run: Run, label: string): void {
  const [e] = run.exchanges;
  expect(e.at.firstByte, `${label}: first event`).toBeDefined();
  expect(e.at.end! - e.at.firstByte!, `${label}: first event arrived before the pause`).toBeGreaterThan(
    PAUSE_MS / 2,
  );
}

test('SSE: the first event arrives before the stream ends', async () => {
  const { plain, guarded } = await compare({
    serve: (side) => {
      const app = express();
      guard(app, side);
      app.get('/events', async (_req, res) => {
        side.watch(res);
        res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        side.note('write returned', res.write('data: one\n\n'));
        state(side, res, 'after first event');
        await sleep(PAUSE_MS);
        side.note('write returned', res.write('data: two\n\n'));
        res.end();
        state(side, res, 'after end');
      });
      return serveExpress(app);
    },
    script: async (client) => {
      await client.get('/events', { accept: 'text/event-stream' });
    },
  });
  expect(plain.exchanges[0].body.toString()).toBe('data: one\n\ndata: two\n\n');
  expectNotDelayed(plain, 'without Bouncer');
  expectNotDelayed(guarded, 'with Bouncer');
});

test('SSE with setHeader + flushHeaders, then events', async () => {
  const { guarded } = await compare({
    serve: (side) => {
      const app = express();
      guard(app, side);
      app.get('/events', async (_req, res) => {
        side.watch(res);
        res.set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        res.flushHeaders();
        state(side, res, 'after flushHeaders');
        res.write('data: one\n\n');
        await sleep(PAUSE_MS);
        res.end('data: two\n\n');
      });
      return serveExpress(app);
    },
    script: async (client) => {
      await client.get('/events');
    },
  });
  expectNotDelayed(guarded, 'with Bouncer');
});

test('res.flushHeaders(): the head goes out before the body exists', async () => {
  const { plain, guarded } = await compare({
    serve: (side) => {
      const app = express();
      guard(app, side);
      app.get('/slow', async (_req, res) => {
        side.watch(res);
        res.status(202).setHeader('X-Early', 'yes');
        res.flushHeaders();
        state(side, res, 'after flushHeaders');
        side.note('getHeader after flush', res.getHeader('x-early'));
        await sleep(PAUSE_MS);
        res.end('done');
        state(side, res, 'after end');
      });
      return serveExpress(app);
    },
    script: async (client) => {
      await client.get('/slow');
      await client.get('/slow');
    },
  });
  for (const run of [plain, guarded]) {
    const [e] = run.exchanges;
    expect(e.at.end! - e.at.head!, 'head arrived before the pause').toBeGreaterThan(PAUSE_MS / 2);
  }
});

test('backpressure: write() past the high-water mark returns false, then drain', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const { plain } = await compare({
    serve: (side) => {
      const app = express();
      guard(app, side);
      app.get('/large', async (_req, res) => {
        side.watch(res);
        res.setHeader('Content-Type', 'application/octet-stream');
        for (let i = 0; i < 3; i++) {
          const ok = res.write(chunk);
          side.note('write returned', ok);
          state(side, res, `after write ${i}`);
          if (!ok) {
            await once(res, 'drain');
            side.note('drain');
          }
        }
        res.end();
      });
      return serveExpress(app);
    },
    script: async (client) => {
      await client.get('/large');
      await client.get('/large');
    },
  });
  expect(plain.exchanges.map((e) => e.body.length)).toEqual([3 * chunk.length, 3 * chunk.length]);
  expect(plain.log).toContain('drain');
});
