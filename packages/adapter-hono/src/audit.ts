import {
  type AuditOptions,
  assertGuarded,
  type FoundGuard,
  type FoundRoute,
  judgeRoutes,
  probePath,
  type RouteReport,
  readMark,
} from '@bouncer/core/audit';
import { TrieRouter } from 'hono/router/trie-router';

/** One entry of `app.routes`: Hono lists middleware and handlers alike, sub-apps already merged in. */
interface HonoRoute {
  method: string;
  path: string;
  basePath: string;
  handler: Function;
}
/** A Hono app: its `routes` table, in registration (and therefore run) order. */
export interface AuditableHono {
  routes: readonly HonoRoute[];
}

// `app.route()` wraps a sub-app's handlers when the sub-app has its own `onError`; the original
// stays reachable under this key (hono's `COMPOSED_HANDLER`).
const COMPOSED_HANDLER = '__COMPOSED_HANDLER';

function unwrap(handler: Function): Function {
  let h = handler;
  while (typeof (h as unknown as Record<string, unknown>)[COMPOSED_HANDLER] === 'function') {
    h = (h as unknown as Record<string, Function>)[COMPOSED_HANDLER];
  }
  return h;
}

/**
 * Lists every route of a Hono 4 app (sub-apps mounted with `app.route()` included) and whether a
 * `bouncer()` runs before it: registered earlier, with a path pattern (`app.use('/api/*', …)`)
 * that matches the route. Middleware entries (`ALL` on a `*` pattern, or taking `next`) are not
 * listed as routes: the audit cannot know which of them answer requests (the probe can).
 *
 * @example
 * const open = auditRoutes(app).filter((r) => !r.guarded && !r.public);
 */
export function auditRoutes(app: AuditableHono, options: AuditOptions = {}): RouteReport[] {
  const guards: FoundGuard[] = [];
  const routes: FoundRoute[] = [];
  const byPath = new Map<string, HonoRoute[]>();
  let seq = 0;
  for (const route of app.routes) {
    const handler = unwrap(route.handler);
    const mark = readMark(handler);
    if (mark) {
      // Hono's own trie router, loaded with this one pattern, answers "does it match" exactly as
      // the app's router would, without building (and freezing) the app's router.
      const matcher = new TrieRouter<true>();
      matcher.add(route.method, route.path, true);
      const method = route.method;
      guards.push({
        seq: seq++,
        scope: [0],
        pattern: route.path,
        chain: mark.chain,
        covers: (p) => matcher.match(method === 'ALL' ? 'GET' : method, p)[0].length > 0,
      });
      continue;
    }
    if (route.method === 'ALL' && (route.path.endsWith('*') || handler.length >= 2)) continue;
    const key = `${route.method} ${route.path}`;
    const seen = byPath.get(key);
    if (seen) {
      // `app.get(path, mw, handler)` registers one entry per handler: a bouncer among them counts.
      seen.push(route);
      continue;
    }
    byPath.set(key, [route]);
    routes.push({
      seq: seq++,
      scope: [0],
      method: route.method,
      path: route.path,
      filled: probePath(route.path),
      ownGuard: false,
      source: route.basePath === '/' ? 'app' : `sub-app at ${route.basePath}`,
    });
  }
  return judgeRoutes(routes, guards, options);
}

/**
 * Throws `UnguardedRoutesError` at startup when any route answers without the bouncer (registered
 * before it, on an unguarded router, outside its path). Call it once the routes are registered,
 * before `listen()`: the request-time `audit` option cannot stop a route the bouncer never sees.
 *
 * @example
 * assertAllRoutesGuarded(app, { isPublic });
 * app.listen(8080);
 */
export function assertAllRoutesGuarded(app: AuditableHono, options: AuditOptions = {}): RouteReport[] {
  return assertGuarded(auditRoutes(app, options));
}
