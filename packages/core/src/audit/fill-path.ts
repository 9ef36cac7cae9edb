/** What every path parameter and wildcard segment is filled with when a route is probed. */
export const PROBE_SEGMENT = 'audit-probe';

// `:id`, `:id?`, `:id+`, Hono's `:id{[0-9]+}` and path-to-regexp 0.x's `:id(\d+)`. A `{` that opens
// a path-to-regexp 8 group (`:id{/:more}`) starts with `/` and is not a constraint.
const PARAM = /:([A-Za-z0-9_$]+)(?:\{(?!\/)((?:[^{}]|\{[^{}]*\})*)\}|\(([^)]*)\))?[?+*]?/g;
// path-to-regexp 8 `*splat`, Hono's and the raw router's bare `*`, legacy `(.*)`.
const WILDCARD = /\*[A-Za-z0-9_$]*|\(\.\*\)/g;

/**
 * Turns a route pattern into a concrete path that the route matches: `/users/:id` →
 * `/users/audit-probe`, `/files/*splat` → `/files/audit-probe`. Optional groups (`{/:page}`) are
 * kept, filled. A constrained parameter gets the first of a few candidates its constraint accepts.
 * Returns undefined for patterns it cannot fill (regular-expression routes).
 */
export function probePath(pattern: string | RegExp): string | undefined {
  if (typeof pattern !== 'string') return undefined;
  let unfillable = false;
  let path = pattern.replace(PARAM, (_all, _name: string, braces?: string, parens?: string) => {
    const constraint = braces ?? parens;
    if (constraint === undefined) return PROBE_SEGMENT;
    const value = fillConstraint(constraint);
    if (value === undefined) unfillable = true;
    return value ?? PROBE_SEGMENT;
  });
  if (unfillable) return undefined;
  path = path.replace(WILDCARD, PROBE_SEGMENT);
  path = path.replace(/\\(.)/g, '$1').replace(/[{}]/g, '');
  path = path.replace(/\/{2,}/g, '/');
  if (!path.startsWith('/')) path = `/${path}`;
  return path;
}

function fillConstraint(source: string): string | undefined {
  let test: RegExp;
  try {
    test = new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
  for (const candidate of [PROBE_SEGMENT, '1', 'a', '0', 'audit-probe.json'])
    if (test.test(candidate)) return candidate;
  return undefined;
}

/** Joins a mount path and a route path the way routers do: one slash between, none doubled. */
export function joinPath(base: string, path: string): string {
  if (base === '' || base === '/') return path === '' ? '/' : path;
  if (path === '' || path === '/') return base;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
