import {
  type AuditOptions,
  assertGuarded,
  type FoundGuard,
  type FoundRoute,
  joinPath,
  judgeRoutes,
  probePath,
  type RouteReport,
  readMark,
} from '@bouncer/core/audit';

// The shapes of Express 5's router (router@2) that the audit reads. They are not part of
// Express's typed API, so they are declared here and read defensively.
interface Layer {
  handle: Function & { stack?: Layer[] };
  name: string;
  rawPath?: string | string[] | RegExp;
  slash?: boolean;
  matchers?: ((path: string) => unknown)[];
  method?: string;
  route?: { path: string | string[]; methods: Record<string, boolean>; stack: Layer[] };
}

/** An Express application or router: anything with a router stack. */
export type Auditable = { router?: { stack: Layer[] }; stack?: Layer[] } | Function;

/**
 * Lists every route of an Express 5 app or router (nested routers and mounted sub-apps included)
 * and whether a `bouncer()` runs before its handler, with the reason when it does not.
 * Order is what Express runs: a bouncer counts only if it sits earlier in the same stack or in a
 * stack that mounts this one, and its mount path matches the route.
 *
 * @example
 * const open = auditRoutes(app).filter((r) => !r.guarded && !r.public);
 */
export function auditRoutes(app: Auditable, options: AuditOptions = {}): RouteReport[] {
  const guards: FoundGuard[] = [];
  const routes: FoundRoute[] = [];
  let seq = 0;
  let stacks = 0;

  const walk = (stack: Layer[], base: string, scope: number[], source: string): void => {
    for (const layer of stack) {
      const mark = readMark(layer.handle);
      const mountPaths = pathsOf(layer.rawPath ?? '/');
      if (mark) {
        const filledBase = probePath(base) ?? base;
        for (const p of mountPaths) {
          guards.push({
            seq: seq++,
            scope,
            chain: mark.chain,
            pattern: typeof p === 'string' ? joinPath(base, p) : String(p),
            covers: (filled) => covers(layer, filledBase, filled),
          });
        }
        continue;
      }
      if (layer.route) {
        const own = ownGuard(layer.route.stack);
        for (const p of pathsOf(layer.route.path)) {
          const path = typeof p === 'string' ? joinPath(base, p) : `${base}${String(p)}`;
          for (const m of Object.keys(layer.route.methods)) {
            routes.push({
              seq: seq++,
              scope,
              method: m === '_all' ? 'ALL' : m.toUpperCase(),
              path,
              filled: probePath(path),
              ownGuard: own,
              source,
            });
          }
        }
        continue;
      }
      const child = childStack(layer.handle);
      if (!child) continue;
      for (const p of mountPaths) {
        if (typeof p !== 'string') continue;
        const mount = joinPath(base, p);
        walk(child.stack, mount, [...scope, ++stacks], `${child.kind} at ${mount}`);
      }
    }
  };
  const root = childStack(app as Layer['handle']) ?? {
    stack: (app as { stack?: Layer[] }).stack ?? [],
    kind: 'app',
  };
  walk(root.stack, '', [0], 'app');

  return judgeRoutes(routes, guards, options);
}

/** Express strips the mount path before the layer sees the request: match the rest against the layer. */
function covers(layer: Layer, filledBase: string, filled: string): boolean {
  if (!filled.startsWith(filledBase)) return false;
  // router@2 short-cuts `use('/')` (its `slash` layers) to match every path.
  if (layer.slash) return true;
  const rest = filled.slice(filledBase.length) || '/';
  const path = rest.startsWith('/') ? rest : `/${rest}`;
  return (layer.matchers ?? []).some((match) => match(path) !== false);
}

function ownGuard(stack: Layer[]): boolean {
  return stack.slice(0, -1).some((l) => readMark(l.handle) !== undefined);
}

function pathsOf(path: string | string[] | RegExp): (string | RegExp)[] {
  return Array.isArray(path) ? path.flat(Number.POSITIVE_INFINITY as 1) : [path];
}

/** The stack behind a layer: a Router (a function with `.stack`), an app, or a mounted sub-app. */
function childStack(handle: Layer['handle']): { stack: Layer[]; kind: string } | undefined {
  const h = handle as { stack?: Layer[]; router?: { stack: Layer[] }; set?: unknown };
  if (h && typeof h.set === 'function' && h.router) return { stack: h.router.stack, kind: 'sub-app' };
  if (Array.isArray(h?.stack)) return { stack: h.stack, kind: 'router' };
  const app = mountedApp(handle);
  return app ? { stack: app.router.stack, kind: 'sub-app' } : undefined;
}

/**
 * `app.use(path, subApp)` hides the sub-app in a closure (`mounted_app`). Calling it with a request
 * whose `url` throws lets Express set the request's prototype to the sub-app's `request` (which
 * carries `.app`) and stop before any routing or middleware runs.
 */
function mountedApp(handle: Function): { router: { stack: Layer[] } } | undefined {
  if (handle.name !== 'mounted_app') return undefined;
  const stop = new Error('audit: stop');
  const req: Record<string, unknown> = Object.defineProperty({ headers: {}, method: 'GET' }, 'url', {
    get() {
      throw stop;
    },
  });
  const res = { setHeader() {}, getHeader() {}, locals: {} };
  try {
    handle(req, res, () => {});
  } catch (error) {
    if (error !== stop) return undefined;
  }
  const app = (Object.getPrototypeOf(req) as { app?: { router?: { stack: Layer[] } } } | null)?.app;
  return app?.router ? (app as { router: { stack: Layer[] } }) : undefined;
}

/** The top-level app: a sub-app knows its `parent` once mounted. */
export function rootApp(app: unknown): Auditable {
  let current = app as { parent?: unknown };
  while (current.parent) current = current.parent as { parent?: unknown };
  return current as Auditable;
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
export function assertAllRoutesGuarded(app: Auditable, options: AuditOptions = {}): RouteReport[] {
  return assertGuarded(auditRoutes(app, options));
}
