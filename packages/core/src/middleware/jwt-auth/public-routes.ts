import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { show } from '../../utils/policy-options';

/** A route that needs no token: an exact path, or `/prefix/*` for the prefix and all below it. */
export interface PublicRoute {
  /** Only this method (exact, upper-case); any method when absent. */
  method?: string;
  path: string;
}

export type PublicMatcher = readonly PublicRoute[] | ((ctx: Context<any>) => boolean);

/**
 * Paths a downstream router might resolve differently than they read: dot segments, empty
 * segments, encoded `.`, `/` or `\`. `/public/*` must not cover `/public/../admin` or
 * `/public/%2e%2e/admin`, so such paths are never public.
 */
const AMBIGUOUS = /(^|\/)\.{1,2}(\/|$)|\/\/|%2e|%2f|%5c|\\/i;

/** A compiled `public` option: `byRoute` is there for route lists (the route audit reads it). */
export interface CompiledPublic {
  (ctx: Context<any>): boolean;
  byRoute?: (method: string, path: string) => boolean;
}

/** Compiles `public` once; the result says whether a request may pass without a token. */
export function compilePublic(option: PublicMatcher | undefined): CompiledPublic {
  if (option === undefined) return Object.assign(() => false, { byRoute: () => false });
  if (typeof option === 'function') return (ctx) => option(ctx) === true;
  if (!Array.isArray(option))
    throw new ConfigError(
      'jwtAuth',
      'public',
      `must be an array of routes or a function, got ${show(option)}`,
    );
  const exact = new Map<string, Set<string> | null>();
  const prefixes: { method: string | undefined; prefix: string }[] = [];
  for (const route of option) {
    const path = route?.path;
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      AMBIGUOUS.test(path) ||
      /\*(?!$)|[^/]\*$/.test(path)
    ) {
      throw new ConfigError(
        'jwtAuth',
        'public',
        `paths must be exact ('/health') or end in '/*' ('/docs/*'), got ${show(path)}`,
      );
    }
    const method = route.method?.toUpperCase();
    if (method !== undefined && !/^[A-Z]+$/.test(method))
      throw new ConfigError('jwtAuth', 'public', `has bad method ${show(route.method)}`);
    if (path.endsWith('/*')) {
      prefixes.push({ method, prefix: path.slice(0, -2) });
      continue;
    }
    const methods = exact.get(path);
    if (method === undefined) exact.set(path, null);
    else if (methods !== null) exact.set(path, (methods ?? new Set()).add(method));
  }
  const byRoute = (method: string, path: string): boolean => {
    if (AMBIGUOUS.test(path)) return false;
    const methods = exact.get(path);
    if (methods === null || methods?.has(method)) return true;
    for (const p of prefixes) {
      if (p.method !== undefined && p.method !== method) continue;
      if (path === p.prefix || path.startsWith(`${p.prefix}/`)) return true;
    }
    return false;
  };
  return Object.assign((ctx: Context<any>) => byRoute(ctx.req.method, ctx.req.path), { byRoute });
}
