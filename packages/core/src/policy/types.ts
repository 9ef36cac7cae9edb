import type { Chain } from '../compose';
import type { Context } from '../context';
import type { CorsOptions } from '../middleware/cors';
import type { CsrfOptions } from '../middleware/csrf';
import type { IpFilterOptions } from '../middleware/ip-filter';
import type { AuthMode, JwtAuthOptions, PublicRoute } from '../middleware/jwt-auth';
import type { RequestSample } from '../middleware/metrics';
import type { RateLimitOptions, RateLimitStore } from '../middleware/rate-limit';
import type { RejectionShaper } from '../middleware/rejection-body';
import type { RequestIdOptions } from '../middleware/request-id';
import type { SecurityHeadersOptions } from '../middleware/security-headers';
import type { AccessLogger, TimingOptions } from '../middleware/timing';
import type { Middleware } from '../types';
import type { EffectivePolicy } from './route-gates';

export type { EffectivePolicy } from './route-gates';

/** The claims `auth` holds when `bouncer()` is given no claims type. */
export interface DefaultClaims {
  sub?: string;
  iss?: string;
  aud?: string | string[];
  exp?: number;
  [claim: string]: unknown;
}

/**
 * Per-request state the policy's middleware leave for the handler; `bouncer<Claims>()` types
 * `auth`, and each adapter carries the type to `res.locals`, `ctx.state`, `c.get()` or the raw state.
 */
export interface BouncerState<Claims extends object = DefaultClaims> {
  [key: string]: unknown;
  /** The request id echoed in `X-Request-Id`. */
  requestId?: string;
  /** Verified JWT claims (set by the `jwt` section; absent on public routes and optional ones without a token). */
  auth?: Readonly<Claims>;
  /** The per-request CSP nonce, when `securityHeaders.contentSecurityPolicy.nonce` is on. */
  cspNonce?: string;
}

/** What `bouncer()` returns: the chain, which the route audit can ask for each route's effective policy. */
export interface BouncerChain<Claims extends object = DefaultClaims> extends Chain<BouncerState<Claims>> {
  describeRoute(method: string, path: string): EffectivePolicy;
}

/** The state type a chain hands the application: `StateOf<typeof policy>`. */
export type StateOf<C> = C extends Middleware<infer S> ? S : never;

/**
 * One declarative, JSON-serialisable policy. A section left out takes its default
 * (on: requestId, timing, securityHeaders, bodyLimit; off: the rest); `false` turns it off.
 */
export interface BouncerPolicy {
  /** Which proxies may tell us the client address: CIDRs, `'loopback'`, or a hop count. @default false */
  trustProxy?: false | number | string | readonly string[];
  /** @default true */
  requestId?: boolean | Omit<RequestIdOptions, 'generate'>;
  /** Access log and `Server-Timing`. @default true (log on, Server-Timing off) */
  timing?: boolean | (Omit<TimingOptions, 'logger'> & { /** @default true */ log?: boolean });
  /** helmet 8's header set. @default true */
  securityHeaders?: boolean | SecurityHeadersOptions;
  /** @default false (no cross-origin access) */
  cors?: boolean | (Omit<CorsOptions, 'origin'> & { origin?: string | readonly string[] });
  /** @default false */
  ipFilter?: false | IpFilterOptions;
  /** Bytes, or `'64kb'`-style. @default true (1 MiB) */
  bodyLimit?: boolean | number | string;
  /** @default false */
  rateLimit?: false | RateLimitSection;
  /**
   * Per-route overrides of `auth`, `bodyLimit` and `rateLimit`, tried in order (first match wins).
   * @default none
   */
  routes?: readonly RoutePolicy[];
  /**
   * Cross-site request refusal for unsafe methods (Fetch Metadata, then `Origin`). On by default
   * whenever `jwt.cookie` is set: a cookie rides along on cross-site form posts.
   * @default true with `jwt.cookie`, else false
   */
  csrf?: boolean | CsrfOptions;
  /** `jwtAuth()`'s options, with the keys in `BouncerExtras`. @default false */
  jwt?: false | JwtSection;
}

/**
 * The `jwt` section: `jwtAuth()`'s options that fit in JSON. The keys (`secret`, `publicKey`) are
 * `extras.jwtSecret` / `extras.jwtKeys`, `public` is a route list (no predicate), and per-route
 * modes come from `routes`.
 */
export type JwtSection = Omit<JwtAuthOptions, 'secret' | 'publicKey' | 'public' | 'authMode' | 'jwks'> & {
  public?: readonly PublicRoute[];
  jwks?: Omit<NonNullable<JwtAuthOptions['jwks']>, 'fetch'>;
};

/** The `rateLimit` section, also the shape of a route's own `rateLimit`. */
export type RateLimitSection = Omit<RateLimitOptions, 'windowMs' | 'store' | 'key' | 'warn'> & {
  /** `'60s'`, `'15m'` or milliseconds (give `window` or `windowMs`, not both). */
  window?: number | string;
  windowMs?: number;
  /** @default 'ip' */
  key?: 'ip' | 'subject';
};

/**
 * One entry of `routes`: settings that replace the policy's own for matching requests. The first
 * entry that matches wins; a setting it leaves out is the policy's own.
 */
export interface RoutePolicy {
  /** A method or a list of them; `GET` covers `HEAD`. @default any method */
  method?: string | readonly string[];
  /** An exact path (`/login`), or a prefix ending in `/*` (`/upload/*`) for the prefix and all below it. */
  path: string;
  /** How requests are authenticated (needs a `jwt` section). @default the `jwt` section's rules */
  auth?: AuthMode;
  /** This route's body limit, larger or smaller than the policy's (`'10mb'`). @default the `bodyLimit` section */
  bodyLimit?: number | string;
  /**
   * This route's own limiter (its own buckets, on the same store), in place of the policy's;
   * unset fields are the policy's `rateLimit` ones; `false` for no limit. Its `policyName` defaults to the path
   * (`/auth/login` → `auth-login`). @default the `rateLimit` section
   */
  rateLimit?: false | RateLimitSection;
}

/** What cannot (or should not) sit in a JSON policy: secrets, stores, loggers, functions. */
export interface BouncerExtras {
  /** HS* shared secret for the `jwt` section. */
  jwtSecret?: string | Uint8Array;
  /** Public keys (PEM / JWK / KeyLike) for the `jwt` section. */
  jwtKeys?: unknown;
  /** pino-compatible access logger; `false` silences it. */
  logger?: AccessLogger | false;
  rateLimitStore?: RateLimitStore;
  /** Custom rate-limit key (overrides `rateLimit.key`). */
  rateLimitKey?: (ctx: Context<any>) => string;
  /** Origin predicate (overrides `cors.origin`). */
  corsOrigin?: (origin: string, ctx: Context<any>) => boolean;
  /** Receives one sample per finished request (outcome, refusing policy, latency): see `metrics()`. */
  metrics?: (sample: RequestSample) => void;
  /** Reshapes the bouncer's own rejection bodies (RFC 9457 problem+json otherwise): see `rejectionBody()`. */
  rejectionBody?: RejectionShaper;
  /** Startup and outage warnings. @default console.warn */
  warn?: (message: string) => void;
}
