// `bouncer<Claims>()` types the verified claims all the way to each stack's state. The assertions
// are compile-time (`expectTypeOf`, `@ts-expect-error`): the type-check step of the test command
// fails on them; at run time a request per stack shows the same claims arrive.
import type { AddressInfo } from 'node:net';
import { bouncer, type StateOf } from '@bouncer/core';
import { type BouncerHandler, bouncer as expressBouncer } from '@bouncer/express';
import { bouncer as honoBouncer } from '@bouncer/hono';
import { bouncer as koaBouncer } from '@bouncer/koa';
import { createServer as createRaw, Router as RawRouter } from '@bouncer/raw';
import { serve } from '@hono/node-server';
import Router from '@koa/router';
import express from 'express';
import { Hono } from 'hono';
import { SignJWT } from 'jose';
import Koa from 'koa';
import { describe, expect, expectTypeOf, it } from 'vitest';

interface Claims {
  sub: string;
  role: 'admin' | 'user';
}
const SECRET = 'claims-type-secret-0123456789abcdef-0123456789';
const policy = bouncer<Claims>(
  { timing: { log: false }, jwt: { algorithms: ['HS256'] } },
  { jwtSecret: SECRET },
);
type PolicyState = StateOf<typeof policy>;

describe('bouncer<Claims>()', () => {
  it('types state.auth as the claims, read-only, absent on public routes', () => {
    expectTypeOf<PolicyState['auth']>().toEqualTypeOf<Readonly<Claims> | undefined>();
    expectTypeOf(bouncer({}).describeRoute).returns.toHaveProperty('auth');
    const plain = bouncer({});
    expectTypeOf<NonNullable<StateOf<typeof plain>['auth']>['sub']>().toEqualTypeOf<string | undefined>();
  });

  it('reaches res.locals, ctx.state, c.get() and the raw state on real servers', async () => {
    const jwt = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('root')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    const seen: string[] = [];

    const app = express();
    app.use(expressBouncer(policy));
    const me: BouncerHandler<typeof policy> = (_req, res) => {
      expectTypeOf(res.locals.auth).toEqualTypeOf<Readonly<Claims> | undefined>();
      // @ts-expect-error: `role` is a union of two strings, not a number
      const wrong: number | undefined = res.locals.auth?.role;
      seen.push(`express ${res.locals.auth?.role} ${wrong === undefined}`);
      res.json({});
    };
    app.get('/me', me);

    const koa = new Koa<PolicyState>();
    koa.use(koaBouncer(policy));
    const router = new Router<PolicyState>();
    router.get('/me', (ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<Readonly<Claims> | undefined>();
      seen.push(`koa ${ctx.state.auth?.role}`);
      ctx.body = {};
    });
    koa.use(router.routes());

    const hono = new Hono<{ Variables: PolicyState }>();
    hono.use(honoBouncer(policy));
    hono.get('/me', (c) => {
      expectTypeOf(c.get('auth')).toEqualTypeOf<Readonly<Claims> | undefined>();
      seen.push(`hono ${c.get('auth')?.role}`);
      return c.json({});
    });

    const raw = new RawRouter<PolicyState>();
    raw.get('/me', (_req, res, state) => {
      expectTypeOf(state.auth).toEqualTypeOf<Readonly<Claims> | undefined>();
      seen.push(`raw ${state.auth?.role}`);
      res.json({});
    });

    const servers = [
      app.listen(0, '127.0.0.1'),
      koa.listen(0, '127.0.0.1'),
      serve({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' }),
    ];
    await Promise.all(servers.map((s) => new Promise((r) => (s.listening ? r(0) : s.once('listening', r)))));
    const rawServer = createRaw({ chain: policy, handler: raw.handle });
    const rawPort = (await rawServer.listen(0, '127.0.0.1')).port;
    try {
      const ports = [...servers.map((s) => (s.address() as AddressInfo).port), rawPort];
      for (const port of ports) {
        const r = await fetch(`http://127.0.0.1:${port}/me`, { headers: { authorization: `Bearer ${jwt}` } });
        expect(r.status).toBe(200);
      }
    } finally {
      for (const s of servers) s.close();
      await rawServer.close({ deadline: 500 });
    }
    expect(seen).toEqual(['express admin false', 'koa admin', 'hono admin', 'raw admin']);
  });
});
