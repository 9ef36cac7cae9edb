import { bouncer, compose, type Middleware } from '@bouncer/core';
import { CASE_SECRET } from './cases/_tokens';
import type { ChainBuilder, FinishRecord } from './types';

type S = { user?: string; trace?: string[] };

/**
 * Records the trace of layers on state, so the handler (and the header) can show the order:
 * `-in` on the way in, `-head` from its head hook.
 */
const layer = (name: string): Middleware<S> =>
  function traceLayer(ctx, next) {
    ctx.state.trace?.push(`${name}-in`);
    ctx.onHead((c) => c.state.trace?.push(`${name}-head`));
    return next();
  };

/**
 * The chain behind the core cases. Test-only switches ride on request headers:
 * `x-test-ban` short-circuits, `x-test-throw` throws, `x-test-double-next` calls next() twice,
 * `x-test-late-write` sets a header after next() resolved (refused and reported),
 * `x-test-peek: json|bytes` reads the body in the chain before the handler does.
 */
export const coreChain: ChainBuilder = {
  id: 'core',
  build(finishes: FinishRecord[]) {
    return compose<S>([
      async function stamp(ctx, next) {
        ctx.state.trace = [];
        ctx.onFinish((info) => finishes.push({ id: ctx.req.header('x-test-id'), ...info }));
        ctx.onHead((c) => {
          c.res.set('X-Bouncer', 'on');
          c.res.set('X-Downstream-Status', String(c.res.status));
          c.res.set('X-Layers', c.state.trace!.join(','));
          c.res.delete('X-Remove-Me');
        });
        await next();
        // Refused on every host alike (the head may already be on the wire): reported, no effect.
        if (ctx.req.header('x-test-late-write')) ctx.res.set('X-Late', 'too late');
      },
      layer('a'),
      layer('b'),
      async function switches(ctx, next) {
        ctx.state.user = 'alice';
        if (ctx.req.header('x-test-ban')) {
          ctx.reject(403, 'Banned', 'ban');
          return;
        }
        if (ctx.req.header('x-test-throw')) throw new Error('secret internals: db password is hunter2');
        if (ctx.req.header('x-test-double-next')) {
          await next();
          await next();
          return;
        }
        const peek = ctx.req.header('x-test-peek');
        if (peek) {
          ctx.req.body.limit = 2 * 1024 * 1024;
          if (peek === 'json') {
            const value = await ctx.req.body.json<Record<string, unknown>>();
            ctx.res.set('X-Peeked', String(Object.keys(value).length));
          } else {
            const bytes = await ctx.req.body.bytes();
            ctx.res.set('X-Peeked', String(bytes.byteLength));
          }
        }
        await next();
      },
    ]);
  },
};

/**
 * The chain behind the policy cases: the one policy object, configured like the examples.
 * Rate limit 5 per minute per client; every case speaks from its own client address through
 * the trusted loopback proxy, so buckets never mix.
 */
export const policyChain: ChainBuilder = {
  id: 'policy',
  build() {
    return bouncer(
      {
        trustProxy: 'loopback',
        requestId: true,
        timing: { log: false },
        securityHeaders: { xFrameOptions: { action: 'deny' } },
        cors: {
          origin: ['https://app.example'],
          credentials: true,
          exposeHeaders: ['RateLimit', 'Retry-After'],
        },
        ipFilter: { deny: ['203.0.113.0/24', '2001:db8:bad::/48'] },
        bodyLimit: '64kb',
        rateLimit: { limit: 5, window: '60s' },
        jwt: {
          algorithms: ['HS256'],
          issuer: 'conformance',
          audience: 'bouncer-api',
          public: [
            { method: 'GET', path: '/hello' },
            { method: 'HEAD', path: '/hello' },
          ],
        },
      },
      { jwtSecret: CASE_SECRET },
    );
  },
};

/**
 * The chain behind the route-policy cases: one bouncer whose `routes` section raises the body
 * limit of `POST /bytes`, gives `POST /echo` a tight body limit and its own strict limiter, and makes
 * `GET /state` optionally authenticated. Tokens also come from the `session` cookie, which turns the
 * CSRF check on. Only `GET /hello` is listed public: `HEAD /hello` must follow it.
 */
export const routesChain: ChainBuilder = {
  id: 'routes',
  build() {
    return bouncer(
      {
        trustProxy: 'loopback',
        timing: { log: false },
        securityHeaders: { strictTransportSecurity: { maxAge: 600 } },
        cors: { origin: ['https://app.example'], credentials: true },
        bodyLimit: '16kb',
        rateLimit: { limit: 50, window: '60s' },
        routes: [
          { method: 'POST', path: '/bytes', bodyLimit: '256kb' },
          { method: 'POST', path: '/echo', bodyLimit: '1kb', rateLimit: { limit: 2, window: '60s' } },
          { method: 'GET', path: '/state', auth: 'optional' },
        ],
        jwt: {
          algorithms: ['HS256'],
          issuer: 'conformance',
          audience: 'bouncer-api',
          cookie: 'session',
          public: [{ method: 'GET', path: '/hello' }],
        },
      },
      { jwtSecret: CASE_SECRET },
    );
  },
};
