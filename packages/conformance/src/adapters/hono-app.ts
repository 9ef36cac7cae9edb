import type { Middleware } from '@bouncer/core';
import { bouncer, type HonoAdapterOptions } from '@bouncer/hono';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import type { AppProbe } from '../types';

// The conformance application in Hono's idiom, with nothing runtime-specific in it: @hono/node-server,
// Bun.serve, Deno.serve and a Workers `fetch` handler all serve this one app (test/runtimes/).

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function hit(probe: AppProbe, route: string): void {
  probe.hits.set(route, (probe.hits.get(route) ?? 0) + 1);
}

/** Web Crypto, so the same route runs on every runtime. */
async function digest(bytes: Uint8Array<ArrayBuffer>): Promise<{ length: number; sha256: string }> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return {
    length: bytes.byteLength,
    sha256: Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join(''),
  };
}

/** The app of `AppFactory`, guarded by `chain`; `before` registers routes that bypass the chain. */
export function honoConformanceApp(
  chain: Middleware<any>,
  probe: AppProbe,
  options: HonoAdapterOptions = {},
  before?: (app: Hono<{ Variables: Record<string, any> }>) => void,
): Hono<{ Variables: Record<string, any> }> {
  const app = new Hono<{ Variables: Record<string, any> }>();
  before?.(app);
  app.use(bouncer(chain, { onError: (error) => probe.reported.push(error), ...options }));
  app.get('/hello', (c) => {
    hit(probe, 'GET /hello');
    c.header('X-Remove-Me', '1');
    return c.json({ hello: 'world' });
  });
  app.get('/stream', (c) => {
    hit(probe, 'GET /stream');
    c.header('Content-Type', 'text/plain');
    return stream(c, async (s) => {
      for (const part of ['a', 'b', 'c']) {
        await s.write(part);
        await sleep(5);
      }
    });
  });
  app.options('/hello', (c) => {
    hit(probe, 'OPTIONS /hello');
    c.header('Allow', 'GET, HEAD, OPTIONS');
    return c.json({ options: true });
  });
  app.get('/cyclic', (c) => {
    hit(probe, 'GET /cyclic');
    const value: Record<string, unknown> = { name: 'cyclic' };
    value.self = value;
    return c.json(value);
  });
  app.get('/boom', () => {
    hit(probe, 'GET /boom');
    throw new Error('handler exploded');
  });
  app.get('/state', (c) => {
    hit(probe, 'GET /state');
    const trace = c.get('trace');
    if (Array.isArray(trace)) trace.push('handler');
    return c.json({ user: c.get('user'), trace: [...(trace ?? [])], sub: c.get('auth')?.sub });
  });
  app.post('/echo', async (c) => {
    hit(probe, 'POST /echo');
    return c.json({ received: await c.req.json() });
  });
  app.post('/bytes', async (c) => {
    hit(probe, 'POST /bytes');
    return c.json(await digest(new Uint8Array(await c.req.arrayBuffer())));
  });
  app.get('/slow', async (c) => {
    hit(probe, 'GET /slow');
    await sleep(400);
    return c.json({ slow: true });
  });
  // An application error handler, as real apps have: the default one logs every stack.
  app.onError((_error, c) => c.text('Internal Server Error', 500));
  return app;
}
