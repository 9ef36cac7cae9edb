import { createHash } from 'node:crypto';
import type { Server } from 'node:http';
import { listenLoopback } from '@bouncer/node-http';
import type { AppProbe, RunningApp } from '../types';

export function hit(probe: AppProbe, route: string): void {
  probe.hits.set(route, (probe.hits.get(route) ?? 0) + 1);
}

export function digest(bytes: Uint8Array): { length: number; sha256: string } {
  return { length: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export function pushTrace(state: Record<string, unknown> | undefined): void {
  if (state && Array.isArray(state.trace)) state.trace.push('handler');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Listens on 127.0.0.1:0; closing also ends keep-alive sockets. */
export function listen(server: Server): Promise<RunningApp> {
  return listenLoopback(server);
}

/** A value `JSON.stringify` cannot serialise (a cycle): the framework fails while writing it. */
export function cyclic(): Record<string, unknown> {
  const value: Record<string, unknown> = { ok: true };
  value.self = value;
  return value;
}

/** The part of a Node-style response (Express's, the raw server's) the shared routes use. */
interface NodeStyleResponse {
  setHeader(name: string, value: string): unknown;
  write(chunk: string): unknown;
  end(): unknown;
  json(value: unknown): unknown;
}

/** A route every Node-style app serves alike, given the response and the chain's state. */
export interface SharedRoute {
  method: 'get' | 'options';
  path: string;
  handle(res: NodeStyleResponse, state: Record<string, any>): unknown;
}

/** The routes whose handlers read nothing of the request: one list for Express and the raw server. */
export function sharedRoutes(probe: AppProbe): SharedRoute[] {
  return [
    {
      method: 'get',
      path: '/hello',
      handle(res) {
        hit(probe, 'GET /hello');
        res.setHeader('X-Remove-Me', '1');
        res.json({ hello: 'world' });
      },
    },
    {
      method: 'get',
      path: '/stream',
      async handle(res) {
        hit(probe, 'GET /stream');
        res.setHeader('Content-Type', 'text/plain');
        for (const part of ['a', 'b', 'c']) {
          res.write(part);
          await sleep(5);
        }
        res.end();
      },
    },
    {
      method: 'options',
      path: '/hello',
      handle(res) {
        hit(probe, 'OPTIONS /hello');
        res.setHeader('Allow', 'GET, HEAD, OPTIONS');
        res.json({ options: true });
      },
    },
    {
      method: 'get',
      path: '/cyclic',
      handle(res) {
        hit(probe, 'GET /cyclic');
        res.json(cyclic());
      },
    },
    {
      method: 'get',
      path: '/boom',
      handle() {
        hit(probe, 'GET /boom');
        throw new Error('handler exploded');
      },
    },
    {
      method: 'get',
      path: '/state',
      handle(res, state) {
        hit(probe, 'GET /state');
        pushTrace(state);
        res.json({ user: state.user, trace: [...(state.trace ?? [])], sub: state.auth?.sub });
      },
    },
    {
      method: 'get',
      path: '/slow',
      async handle(res) {
        hit(probe, 'GET /slow');
        await sleep(400);
        res.json({ slow: true });
      },
    },
  ];
}
