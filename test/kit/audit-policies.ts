// A tiny policy for audit tests on every stack: no `Authorization` → 401 problem+json, except the
// routes it declares public through the `isPublic` property the audit looks for.
import { bouncer, type Context, compose, type Next } from '@bouncer/core';

export function testPolicy(publicPaths: readonly string[] = []) {
  const requireToken = Object.assign(
    function requireToken(ctx: Context<any>, next: Next) {
      if (publicPaths.includes(ctx.req.path)) return next();
      if (!ctx.req.header('authorization')) return ctx.reject(401, 'Token required', 'auth');
      return next();
    },
    { isPublic: (_method: string, path: string) => publicPaths.includes(path) },
  );
  return compose([requireToken]);
}

/** A `bouncer()` policy with a `routes` section, for the audit's effective-policy column. */
export function routesPolicy() {
  return bouncer(
    {
      timing: { log: false },
      bodyLimit: '64kb',
      rateLimit: { limit: 100, window: '60s' },
      jwt: { algorithms: ['HS256'], public: [{ method: 'GET', path: '/health' }] },
      routes: [
        { method: 'POST', path: '/login', auth: 'public', rateLimit: { limit: 5, window: '15m' } },
        { method: 'POST', path: '/upload/*', bodyLimit: '10mb' },
        { method: 'GET', path: '/feed', auth: 'optional' },
      ],
    },
    { jwtSecret: 'audit-routes-secret-0123456789abcdef-0123456789' },
  );
}

/** What `routesPolicy()` reports for `/health`, `/login`, `/upload/:file`, `/feed`, `/orders`. */
export const ROUTES_POLICY_REPORT = [
  ['GET /health', { auth: 'public', rateLimit: 'default 100/60s', bodyLimit: 65536 }],
  ['POST /login', { auth: 'public', rateLimit: 'login 5/900s', bodyLimit: 65536 }],
  ['POST /upload/:file', { auth: 'required', rateLimit: 'default 100/60s', bodyLimit: 10485760 }],
  ['GET /feed', { auth: 'optional', rateLimit: 'default 100/60s', bodyLimit: 65536 }],
  ['POST /orders', { auth: 'required', rateLimit: 'default 100/60s', bodyLimit: 65536 }],
];
