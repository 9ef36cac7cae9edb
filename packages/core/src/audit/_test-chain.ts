// A tiny policy for audit tests on every stack: no `Authorization` → 401 problem+json, except the
// routes it declares public through the `isPublic` property the audit looks for.
import { compose } from '../compose';
import type { Context } from '../context';
import type { Next } from '../types';

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
