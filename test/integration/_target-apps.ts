import { createServer as createNodeServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { CASE_SECRET } from '@bouncer/conformance';
import { compose, bouncer as core, type Middleware } from '@bouncer/core';
import { bouncer as expressBouncer } from '@bouncer/express';
import { bouncer as honoBouncer } from '@bouncer/hono';
import { bouncer as koaBouncer } from '@bouncer/koa';
import { createServer as createRawServer } from '@bouncer/raw';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';
export const STACKS = ['express', 'koa', 'hono', 'raw'] as const;
export type Stack = (typeof STACKS)[number];

export interface TargetApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * The chain under test: the policy with two public rules (an exact path and a prefix), wrapped
 * in a layer that reports the path the bouncer judged (`X-Judged-Path`, `!` when refused).
 */
function judgingChain(): Middleware<any> {
  return compose([
    function reportJudged(ctx, next) {
      ctx.onHead((c) => c.res.set('X-Judged-Path', c.req.targetOk ? encodeURIComponent(c.req.path) : '!'));
      return next();
    },
    core(
      {
        requestId: false,
        timing: false,
        securityHeaders: false,
        jwt: {
          algorithms: ['HS256'],
          issuer: 'conformance',
          audience: 'bouncer-api',
          public: [
            { method: 'GET', path: '/health' },
            { method: 'GET', path: '/docs/*' },
          ],
        },
      },
      { jwtSecret: CASE_SECRET },
    ),
  ]);
}

const routed = (path: string) => ({ routed: path });
/** The routed path as a header too, for HEAD answers (no body). */
const ROUTED = 'X-Routed-Path';

/** One app per stack whose catch-all route answers with the path its router routed. */
export async function startTargetApp(stack: Stack): Promise<TargetApp> {
  const chain = judgingChain();
  let server: Server;
  if (stack === 'express') {
    const app = express();
    app.set('env', 'production');
    app.use(expressBouncer(chain, { onError: () => {} }));
    app.use((req, res) => {
      res.setHeader(ROUTED, encodeURIComponent(req.path));
      res.json(routed(req.path));
    });
    server = createNodeServer(app);
  } else if (stack === 'koa') {
    const app = new Koa();
    app.silent = true;
    app.use(koaBouncer(chain));
    app.use((ctx) => {
      ctx.set(ROUTED, encodeURIComponent(ctx.path));
      ctx.body = routed(ctx.path);
    });
    server = createNodeServer(app.callback());
  } else if (stack === 'hono') {
    const app = new Hono();
    app.use(honoBouncer(chain, { onError: () => {} }));
    app.all('*', (c) => {
      c.header(ROUTED, encodeURIComponent(c.req.path));
      return c.json(routed(c.req.path));
    });
    server = createNodeServer(getRequestListener(app.fetch));
  } else {
    const raw = createRawServer({
      chain,
      handler: (req, res) => {
        res.setHeader(ROUTED, encodeURIComponent(req.path));
        res.json(routed(req.path));
      },
    });
    const { port } = await raw.listen(0, '127.0.0.1');
    return { url: `http://127.0.0.1:${port}`, port, close: () => raw.close({ deadline: 500 }) };
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `head` as is on a fresh socket and reads the answer until the server closes. */
export function rawExchange(port: number, head: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('no answer within 5 s')), 5000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (chunks.length) finish();
      else reject(error);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      finish();
    });
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, split === -1 ? text.length : split).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body = split === -1 ? '' : text.slice(split + 4);
      if (headers['transfer-encoding'] === 'chunked') body = unchunk(body);
      resolve({ status, headers, body });
    };
    socket.write(head, 'latin1');
  });
}

function unchunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    if (eol === -1) return out;
    const size = Number.parseInt(rest.slice(0, eol), 16);
    if (!size) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}
