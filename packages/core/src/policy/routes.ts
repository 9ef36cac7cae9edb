import { ConfigError } from '../errors';
import type { AuthMode } from '../middleware/jwt-auth';
import { assertNestedOptions, show } from '../utils/policy-options';
import type { RoutePolicy } from './types';

/** The keys a `routes` entry may have. */
const ROUTE_KEYS = ['method', 'path', 'auth', 'bodyLimit', 'rateLimit'];
const AUTH_MODES: readonly AuthMode[] = ['public', 'optional', 'required'];

/**
 * Paths a router might resolve to another route than they read: dot segments, empty segments,
 * encoded `/`, `\` or `.` left after decoding the unreserved characters. They match no route, so
 * they get the policy's own (global) settings, never a route's.
 */
const AMBIGUOUS = /(^|\/)\.{1,2}(\/|$)|\/\/|%2e|%2f|%5c|\\/i;
/** RFC 3986 §2.3 unreserved characters, which are equivalent encoded or not (§6.2.2.2). */
const UNRESERVED_ESCAPE = /%(?:[46][1-9A-F]|[57][0-9A]|3[0-9]|2D|5F|7E|2E)/gi;

/** One compiled `routes` entry. */
export interface CompiledRoute {
  readonly index: number;
  readonly label: string;
  /** Upper-case methods; empty for any method. `GET` brings `HEAD` with it. */
  readonly methods: ReadonlySet<string>;
  readonly exact: string | undefined;
  readonly prefix: string | undefined;
  readonly spec: RoutePolicy;
}

/** The `routes` section, compiled once: `match` answers the first matching route per request. */
export interface CompiledRoutes {
  readonly routes: readonly CompiledRoute[];
  /** The first route matching the method and (still percent-encoded) path, or undefined. */
  match(method: string, path: string): CompiledRoute | undefined;
}

/**
 * The path as the routers match it: unreserved escapes decoded (Hono decodes the path before
 * routing), case folded and one trailing slash dropped (Express and @koa/router match
 * case-insensitively and non-strictly by default). A route override is therefore reached by
 * every spelling that any of the four hosts routes to the same handler; spellings that no host
 * routes there (a different case on Hono) reach a 404 with the route's settings, which is harmless.
 */
export function routeKey(path: string): string | undefined {
  let p = path;
  if (p.indexOf('%') !== -1)
    p = p.replace(UNRESERVED_ESCAPE, (e) => String.fromCharCode(parseInt(e.slice(1), 16)));
  if (AMBIGUOUS.test(p)) return undefined;
  p = p.toLowerCase();
  if (p.length > 1 && p.charCodeAt(p.length - 1) === 47 /* / */) p = p.slice(0, -1);
  return p;
}

function fail(index: number, option: string, message: string): never {
  throw new ConfigError('bouncer', `routes[${index}].${option}`, message);
}

/** Checks and compiles the `routes` section; entries keep their order (first match wins). */
export function compileRoutes(list: unknown): CompiledRoutes | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) {
    throw new ConfigError('bouncer', 'routes', `must be an array of { method?, path, … }, got ${show(list)}`);
  }
  const routes = list.map((spec: RoutePolicy, index): CompiledRoute => {
    assertNestedOptions('bouncer', `routes[${index}]`, spec, ROUTE_KEYS);
    const path = spec.path;
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      AMBIGUOUS.test(path) ||
      /\*(?!$)|[^/]\*$|[?#]/.test(path)
    ) {
      fail(index, 'path', `must be an exact path ('/login') or end in '/*' ('/upload/*'), got ${show(path)}`);
    }
    const given =
      spec.method === undefined ? [] : typeof spec.method === 'string' ? [spec.method] : spec.method;
    if (!Array.isArray(given) || given.some((m) => typeof m !== 'string' || !/^[A-Za-z]+$/.test(m))) {
      fail(index, 'method', `must be a method name or an array of them, got ${show(spec.method)}`);
    }
    const methods = new Set(given.map((m: string) => m.toUpperCase()));
    // Routers answer HEAD from GET routes: the bouncer must judge HEAD by the GET route's rules.
    if (methods.has('GET')) methods.add('HEAD');
    if (spec.auth !== undefined && !AUTH_MODES.includes(spec.auth)) {
      fail(index, 'auth', `must be one of ${AUTH_MODES.join(', ')}, got ${show(spec.auth)}`);
    }
    const key = path.endsWith('/*') ? path.slice(0, -2) : path;
    const normal = routeKey(key === '' ? '/' : key) as string;
    const label = `${given.length === 0 ? '*' : given.map((m: string) => m.toUpperCase()).join(',')} ${path}`;
    return path.endsWith('/*')
      ? { index, label, methods, exact: undefined, prefix: normal === '/' ? '' : normal, spec }
      : { index, label, methods, exact: normal, prefix: undefined, spec };
  });
  const match = (method: string, path: string): CompiledRoute | undefined => {
    const key = routeKey(path);
    if (key === undefined) return undefined;
    for (const r of routes) {
      if (r.methods.size > 0 && !r.methods.has(method)) continue;
      if (r.exact !== undefined ? key === r.exact : key === r.prefix || key.startsWith(`${r.prefix}/`))
        return r;
    }
    return undefined;
  };
  return { routes, match };
}
