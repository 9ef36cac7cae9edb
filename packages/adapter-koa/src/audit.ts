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

// The parts of Koa and @koa/router the audit reads. @koa/router flattens nested routers (with
// their prefixes applied) into the parent's `stack`, so one level is all there is to walk.
interface RouterLayer {
  path: string | RegExp;
  methods: string[];
  stack: Function[];
  match(path: string): boolean;
}
interface RouterLike {
  stack: RouterLayer[];
  opts?: { prefix?: string };
}
/** A Koa application: its `middleware` array, in `app.use()` order. */
export interface AuditableKoa {
  middleware: Function[];
}

/**
 * Lists every route of a Koa 3 app served by @koa/router (nested routers and prefixes included)
 * and whether a `bouncer()` runs before it: in `app.middleware` ahead of `router.routes()`, or as
 * router middleware (`router.use(bouncer(…))`, path-scoped or not) ahead of the route, or among
 * the route's own handlers. Middleware other than routers is not listed: the audit cannot know
 * which of it answers requests (the probe in `expectAllRoutesGuarded` can).
 *
 * @example
 * const open = auditRoutes(app).filter((r) => !r.guarded && !r.public);
 */
export function auditRoutes(app: AuditableKoa, options: AuditOptions = {}): RouteReport[] {
  const guards: FoundGuard[] = [];
  const routes: FoundRoute[] = [];
  let seq = 0;
  let routers = 0;
  for (const fn of app.middleware) {
    const mark = readMark(fn);
    if (mark) {
      // Koa has no mount paths: an app-level bouncer sees every request that comes after it.
      guards.push({ seq: seq++, scope: [0], pattern: '*', chain: mark.chain, covers: () => true });
      continue;
    }
    const router = (fn as { router?: RouterLike }).router;
    if (!router || !Array.isArray(router.stack)) continue;
    const scope = [0, ++routers];
    const source = router.opts?.prefix ? `router ${router.opts.prefix}` : 'router';
    for (const layer of router.stack) {
      if (layer.methods.length === 0) {
        for (const handler of layer.stack) {
          const m = readMark(handler);
          if (m)
            guards.push({
              seq: seq++,
              scope,
              pattern: String(layer.path),
              chain: m.chain,
              covers: (p) => layer.match(p),
            });
        }
        continue;
      }
      const ownGuard = layer.stack.slice(0, -1).some((h) => readMark(h) !== undefined);
      const path = String(layer.path);
      const filled = probePath(layer.path);
      for (const method of layer.methods) {
        // @koa/router adds HEAD to every GET route: one line for both.
        if (method === 'HEAD' && layer.methods.includes('GET')) continue;
        routes.push({ seq: seq++, scope, method, path, filled, ownGuard, source });
      }
    }
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
export function assertAllRoutesGuarded(app: AuditableKoa, options: AuditOptions = {}): RouteReport[] {
  return assertGuarded(auditRoutes(app, options));
}
