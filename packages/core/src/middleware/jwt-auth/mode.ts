import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { show } from '../../utils/policy-options';
import type { CompiledPublic } from './public-routes';

/**
 * How a route is authenticated: `public` never reads a token; `optional` verifies one when it is
 * present (and refuses it when invalid) but lets a request without one through; `required` refuses
 * a request without a valid token.
 */
export type AuthMode = 'public' | 'optional' | 'required';

/** A per-route choice of `AuthMode` by method and path; `undefined` leaves the route to the defaults. */
export type AuthModeOf = (method: string, path: string) => AuthMode | undefined;

/** A compiled mode test: per request, and per route for the audit when no predicate is involved. */
export interface CompiledMode {
  (ctx: Context<any>): AuthMode;
  byRoute?: (method: string, path: string) => AuthMode;
}

/**
 * Folds `authMode`, `public` and `credentialsRequired` into one answer per request, in that order.
 * `HEAD` is public wherever `GET` is: every router serves HEAD from the GET route (RFC 9110 §9.3.2,
 * Express, Koa, Hono), so a load balancer's `HEAD /health` must pass like its `GET`.
 */
export function compileMode(
  isPublic: CompiledPublic,
  credentialsRequired: unknown,
  authMode: AuthModeOf | undefined,
): CompiledMode {
  const required = credentialsRequired ?? true;
  if (typeof required !== 'boolean') {
    throw new ConfigError('jwtAuth', 'credentialsRequired', `must be a boolean, got ${show(required)}`);
  }
  if (authMode !== undefined && typeof authMode !== 'function') {
    throw new ConfigError('jwtAuth', 'authMode', `must be a function, got ${show(authMode)}`);
  }
  const fallback: AuthMode = required ? 'required' : 'optional';
  const listed = isPublic.byRoute;
  const publicByRoute = listed
    ? (method: string, path: string) => listed(method, path) || (method === 'HEAD' && listed('GET', path))
    : undefined;
  const modeOf: CompiledMode = (ctx) => {
    const method = ctx.req.method;
    const chosen = authMode?.(method, ctx.req.path);
    if (chosen !== undefined) return chosen;
    if (publicByRoute ? publicByRoute(method, ctx.req.path) : isPublic(ctx)) return 'public';
    return fallback;
  };
  if (publicByRoute) {
    modeOf.byRoute = (method, path) =>
      authMode?.(method, path) ?? (publicByRoute(method, path) ? 'public' : fallback);
  }
  return modeOf;
}
