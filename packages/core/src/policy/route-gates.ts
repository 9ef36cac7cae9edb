// The gates a `routes` section can override (body limit, rate limit, authentication), built once:
// one middleware per gate that picks the matching route's setting per request, so every route
// runs inside the one bouncer (one log line, one set of headers).

import { DEFAULT_BODY_LIMIT } from '../body';
import type { Context } from '../context';
import { ConfigError } from '../errors';
import { type BodyLimitOptions, bodyLimit, parseByteSize } from '../middleware/body-limit';
import type { AuthMode, AuthModeOf } from '../middleware/jwt-auth';
import { MemoryStore, type RateLimitOptions, type RateLimitStore, rateLimit } from '../middleware/rate-limit';
import { type Phases, phased, phasesOf } from '../phases';
import type { Middleware } from '../types';
import { assertNestedOptions } from '../utils/policy-options';
import { parseDuration } from './index';
import type { CompiledRoute, CompiledRoutes } from './routes';
import type { BouncerExtras, BouncerPolicy, RateLimitSection } from './types';

/** What one route ends up with, as the route audit reports it. */
export interface EffectivePolicy {
  /** `none` when the policy has no `jwt` section. */
  auth: AuthMode | 'none';
  /** The limiter's policy name and quota (`login 5/900s`), or `off`. */
  rateLimit: string;
  /** Largest body accepted, in bytes; undefined when the `bodyLimit` section is off. */
  bodyLimit: number | undefined;
}

interface Limiter {
  middleware: Middleware;
  before: NonNullable<Phases['before']>;
  bySubject: boolean;
  summary: string;
}

/** What a `rateLimit` section takes: rateLimit()'s options but the store, with `window` for `windowMs`. */
const RATE_LIMIT_KEYS = [
  'limit',
  'window',
  'windowMs',
  'key',
  'ipv6Prefix',
  'headers',
  'failMode',
  'policyName',
  'skip',
  'cost',
];

/** The rate-limit sections of the policy and its routes, as limiters sharing one store. */
function buildLimiter(
  section: RateLimitSection,
  option: string,
  extras: BouncerExtras,
  store: RateLimitStore,
  name: string | undefined,
): Limiter {
  assertNestedOptions('bouncer', option, section, RATE_LIMIT_KEYS);
  const { window, windowMs, ...rest } = section;
  if (window !== undefined && windowMs !== undefined) {
    throw new ConfigError(
      'bouncer',
      `${option}.window`,
      `and \`${option}.windowMs\` were both given: keep one`,
    );
  }
  const ms = windowMs ?? parseDuration(window, `${option}.window`);
  const options: RateLimitOptions = {
    ...rest,
    windowMs: ms,
    store,
    ...(name !== undefined && rest.policyName === undefined ? { policyName: name } : {}),
    ...(extras.rateLimitKey ? { key: extras.rateLimitKey } : {}),
    ...(extras.warn ? { warn: extras.warn } : {}),
  };
  let middleware: Middleware;
  try {
    middleware = rateLimit(options);
  } catch (error) {
    // The limiter names its own option; the policy reader needs to know which section it was.
    if (error instanceof ConfigError && option !== 'rateLimit')
      throw new ConfigError(
        'bouncer',
        `${option}.${error.option}`,
        error.message.replace(/^[^`]*`[^`]*` /, ''),
      );
    throw error;
  }
  return {
    middleware,
    before: phasesOf(middleware)!.before!,
    // Keyed by subject, the limiter runs after authentication (a custom key may read `auth` too).
    bySubject: section.key === 'subject',
    summary: `${options.policyName ?? 'default'} ${section.limit}/${ms / 1000}s`,
  };
}

/** A store-key-safe limiter name from a route path: `/api/login` → `api-login`. */
function routeName(route: CompiledRoute, taken: Set<string>): string {
  const base =
    route.spec.path
      .replace(/\/\*$/, '')
      .replace(/[^A-Za-z0-9_.]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'root';
  let name = base.slice(0, 60);
  for (let i = 2; taken.has(name); i++) name = `${base.slice(0, 56)}-${i}`;
  taken.add(name);
  return name;
}

export interface Gates {
  bodyLimit: Middleware | undefined;
  /** The limiter(s) keyed by address or a function, before authentication. */
  limitBeforeAuth: Middleware | undefined;
  /** The limiter(s) keyed by the verified subject, after authentication. */
  limitAfterAuth: Middleware | undefined;
  /** The per-route authentication modes for `jwtAuth`, when any route sets one. */
  authMode: AuthModeOf | undefined;
  describe(
    method: string,
    path: string,
    hasJwt: boolean,
    jwtMode?: (m: string, p: string) => AuthMode,
  ): EffectivePolicy;
}

/** Builds the body-limit and rate-limit gates and the auth-mode table for the policy and its routes. */
export function buildGates(
  policy: BouncerPolicy,
  extras: BouncerExtras,
  routes: CompiledRoutes | undefined,
  bodySection: boolean | number | string | object,
): Gates {
  const list = routes?.routes ?? [];
  const routeOf = (ctx: Context<any>) => routes?.match(ctx.req.method, ctx.req.path);

  // Body limit: the route's own limit replaces the policy's, up or down.
  const globalBody =
    bodySection === false
      ? undefined
      : bodyLimit(
          bodySection === true
            ? {}
            : typeof bodySection === 'object'
              ? (bodySection as BodyLimitOptions)
              : // The shorthand is checked under the policy's own name, not bodyLimit's `limit`.
                { limit: parseByteSize(bodySection as number | string, 'bouncer', 'bodyLimit') },
        );
  const globalLimit = typeof bodySection === 'object' ? (bodySection as BodyLimitOptions).limit : bodySection;
  const globalBytes =
    bodySection === false
      ? undefined
      : globalLimit === true || globalLimit === undefined
        ? DEFAULT_BODY_LIMIT
        : parseByteSize(globalLimit as number | string);
  const routeBody = list.map((r) =>
    r.spec.bodyLimit === undefined
      ? undefined
      : {
          bytes: parseByteSize(r.spec.bodyLimit, 'bouncer', `routes[${r.index}].bodyLimit`),
          mw: undefined as Middleware | undefined,
        },
  );
  for (const b of routeBody) if (b) b.mw = bodyLimit({ limit: b.bytes });
  let bodyGate = globalBody;
  if (routeBody.some(Boolean)) {
    const befores = routeBody.map((b) => (b ? phasesOf(b.mw!)!.before! : undefined));
    const fallback = globalBody ? phasesOf(globalBody)!.before! : undefined;
    bodyGate = phased('bodyLimit', {
      before(ctx) {
        const r = routeOf(ctx);
        const before = (r && befores[r.index]) ?? fallback;
        return before?.(ctx);
      },
    });
  }

  // Rate limit: one named limiter per route that sets one, all on one store.
  const store = extras.rateLimitStore ?? new MemoryStore();
  const globalSection = policy.rateLimit;
  if ((globalSection as unknown) === true)
    throw new ConfigError('bouncer', 'rateLimit', 'needs `{ limit, window }`, got true');
  const global = globalSection
    ? buildLimiter(globalSection, 'rateLimit', extras, store, undefined)
    : undefined;
  const taken = new Set<string>([globalSection ? (globalSection.policyName ?? 'default') : 'default']);
  const routeLimits = list.map((r): Limiter | null | undefined => {
    const spec = r.spec.rateLimit;
    if (spec === undefined) return undefined;
    if (spec === false) return null;
    if (spec === null || typeof spec !== 'object') {
      throw new ConfigError(
        'bouncer',
        `routes[${r.index}].rateLimit`,
        'must be `false` or `{ limit, window, … }`',
      );
    }
    const merged = { ...(globalSection || {}), ...spec } as RateLimitSection;
    if (spec.window !== undefined || spec.windowMs !== undefined) {
      delete (merged as { window?: unknown }).window;
      delete (merged as { windowMs?: unknown }).windowMs;
      if (spec.window !== undefined) merged.window = spec.window;
      if (spec.windowMs !== undefined) merged.windowMs = spec.windowMs;
    }
    if (spec.policyName !== undefined) taken.add(spec.policyName);
    else delete (merged as { policyName?: unknown }).policyName;
    return buildLimiter(
      merged,
      `routes[${r.index}].rateLimit`,
      extras,
      store,
      spec.policyName ?? routeName(r, taken),
    );
  });
  const limiterFor = (route: CompiledRoute | undefined): Limiter | undefined => {
    const own = route ? routeLimits[route.index] : undefined;
    return own === null ? undefined : (own ?? global);
  };
  const limitGate = (bySubject: boolean): Middleware | undefined => {
    const uses = [global, ...routeLimits].some((l) => l && l.bySubject === bySubject);
    if (!uses) return undefined;
    if (!routeLimits.some((l) => l !== undefined)) return global!.middleware;
    return phased('rateLimit', {
      before(ctx) {
        const limiter = limiterFor(routeOf(ctx));
        if (limiter && limiter.bySubject === bySubject) return limiter.before(ctx);
      },
    });
  };

  const modes = list.map((r) => r.spec.auth);
  const authMode: AuthModeOf | undefined = modes.some(Boolean)
    ? (method, path) => {
        const r = routes!.match(method, path);
        return r ? modes[r.index] : undefined;
      }
    : undefined;
  if (authMode && !policy.jwt) {
    const at = modes.findIndex(Boolean);
    throw new ConfigError('bouncer', `routes[${at}].auth`, 'needs a `jwt` section to authenticate with');
  }

  return {
    bodyLimit: bodyGate,
    limitBeforeAuth: limitGate(false),
    limitAfterAuth: limitGate(true),
    authMode,
    describe(method, path, hasJwt, jwtMode) {
      const route = routes?.match(method, path);
      const body = route ? routeBody[route.index] : undefined;
      return {
        auth: hasJwt ? (jwtMode?.(method, path) ?? 'required') : 'none',
        rateLimit: limiterFor(route)?.summary ?? 'off',
        bodyLimit: body ? body.bytes : globalBytes,
      };
    },
  };
}
