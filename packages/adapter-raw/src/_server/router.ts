import { PROBLEM_TYPE, problemBody } from '@bouncer/core/adapter';
import type { RawRequest } from './request';
import type { RawResponse } from './response';

export type RouteHandler<S extends object = Record<string, unknown>> = (
  req: RawRequest,
  res: RawResponse,
  state: S,
) => unknown;

/** One entry of the route table, as a route audit sees it. */
export interface RouteInfo {
  /** Upper-case method, or `*` for `all()`. */
  method: string;
  path: string;
}

interface Route<S extends object> extends RouteInfo {
  segments: string[];
  /** For a route without `:name` segments: its path in canonical form (see `canonical`). */
  fixed: string | undefined;
  handler: RouteHandler<S>;
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** `/a/b` for every path whose non-empty segments are `a`, `b` (`/a//b/`, `a/b` …). */
function canonical(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/**
 * The path itself when it already is canonical (no empty segment, no trailing slash), so that
 * fixed routes match by one string comparison; undefined when it needs splitting.
 */
function plainPath(path: string): string | undefined {
  if (path.length === 1) return path === '/' ? path : undefined;
  if (path.charCodeAt(0) !== 47 || path.charCodeAt(path.length - 1) === 47 || path.includes('//')) {
    return undefined;
  }
  return path;
}

/**
 * A minimal router for the examples: `:name` segments become `req.params.name`. No match → 404,
 * a path known under other methods → 405 with `Allow` (RFC 9110 §15.5.6), both problem+json.
 *
 * @example
 * const router = new Router();
 * router.get('/users/:id', (req, res) => res.json({ id: req.params.id }));
 * createServer({ handler: router.handle });
 */
export class Router<S extends object = Record<string, unknown>> {
  readonly #routes: Route<S>[] = [];

  constructor() {
    const handle = this.handle.bind(this) as Router<S>['handle'] & { router?: Router<S> };
    // Lets a route audit find the table from `server.handler` alone.
    handle.router = this;
    this.handle = handle;
  }

  get(path: string, handler: RouteHandler<S>): this {
    return this.#add('GET', path, handler);
  }
  post(path: string, handler: RouteHandler<S>): this {
    return this.#add('POST', path, handler);
  }
  put(path: string, handler: RouteHandler<S>): this {
    return this.#add('PUT', path, handler);
  }
  patch(path: string, handler: RouteHandler<S>): this {
    return this.#add('PATCH', path, handler);
  }
  delete(path: string, handler: RouteHandler<S>): this {
    return this.#add('DELETE', path, handler);
  }
  options(path: string, handler: RouteHandler<S>): this {
    return this.#add('OPTIONS', path, handler);
  }
  /** Every method on `path`. */
  all(path: string, handler: RouteHandler<S>): this {
    return this.#add('*', path, handler);
  }

  /** The route table (method, path), in registration order. */
  get routes(): readonly RouteInfo[] {
    return this.#routes.map(({ method, path }) => ({ method, path }));
  }

  /** The handler to give `createServer`; bound, so it can be passed around. */
  handle(req: RawRequest, res: RawResponse, state: S): unknown {
    const path = req.path;
    const plain = plainPath(path);
    let segments: string[] | undefined;
    let allowed: Set<string> | undefined;
    for (const route of this.#routes) {
      let params: Record<string, string> | undefined;
      if (route.fixed !== undefined && plain !== undefined) {
        if (route.fixed !== plain) continue;
        params = {};
      } else {
        segments ??= split(path);
        params = match(route.segments, segments);
        if (params === undefined) continue;
      }
      const m = route.method;
      if (m === '*' || m === req.method || (m === 'GET' && req.method === 'HEAD')) {
        req.params = params;
        return route.handler(req, res, state);
      }
      if (allowed === undefined) allowed = new Set();
      allowed.add(m);
      if (m === 'GET') allowed.add('HEAD');
    }
    if (allowed) {
      res.setHeader('Allow', [...allowed].join(', '));
      return problem(res, 405);
    }
    return problem(res, 404);
  }

  #add(method: string, path: string, handler: RouteHandler<S>): this {
    if (typeof path !== 'string' || path.charCodeAt(0) !== 47)
      throw new TypeError(`Router: path must start with "/", got ${path}`);
    if (typeof handler !== 'function')
      throw new TypeError(`Router: handler for ${method} ${path} must be a function`);
    const segments = split(path);
    const fixed = segments.some((p) => p.charCodeAt(0) === 58) ? undefined : canonical(segments);
    this.#routes.push({ method, path, segments, fixed, handler });
    return this;
  }
}

function match(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.charCodeAt(0) === 58 /* : */) {
      let value: string;
      try {
        value = decodeURIComponent(segments[i]);
      } catch {
        return undefined;
      }
      if (params === undefined) params = {};
      params[p.slice(1)] = value;
    } else if (p !== segments[i]) return undefined;
  }
  return params ?? {};
}

function problem(res: RawResponse, status: number): unknown {
  res.statusCode = status;
  res.setHeader('Content-Type', PROBLEM_TYPE);
  return res.end(problemBody(status));
}
