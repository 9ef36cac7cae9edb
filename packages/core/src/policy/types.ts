import type { Context } from '../context';
import type { CorsOptions } from '../middleware/cors';
import type { RequestSample } from '../middleware/metrics';
import type { RateLimitOptions, RateLimitStore } from '../middleware/rate-limit';
import type { RejectionShaper } from '../middleware/rejection-body';
import type { RequestIdOptions } from '../middleware/request-id';
import type { SecurityHeadersOptions } from '../middleware/security-headers';
import type { AccessLogger, TimingOptions } from '../middleware/timing';

/** Per-request state the policy's middleware leave for the handler. */
export interface BouncerState {
  [key: string]: unknown;
  /** The request id echoed in `X-Request-Id`. */
  requestId?: string;
  /** Verified JWT claims (set by the `jwt` section). */
  auth?: { sub?: string; iss?: string; aud?: string | string[]; exp?: number; [claim: string]: unknown };
  /** The per-request CSP nonce, when `securityHeaders.contentSecurityPolicy.nonce` is on. */
  cspNonce?: string;
}

/** A route excluded from authentication. */
export interface PublicRoute {
  /** Any method when absent. */
  method?: string;
  /** An exact path, or a prefix ending in `/*`. */
  path: string;
}

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
  ipFilter?: false | { allow?: readonly string[]; deny?: readonly string[]; message?: string };
  /** Bytes, or `'64kb'`-style. @default true (1 MiB) */
  bodyLimit?: boolean | number | string;
  /** @default false */
  rateLimit?:
    | false
    | (Omit<RateLimitOptions, 'windowMs' | 'store' | 'key' | 'skip' | 'cost' | 'warn'> & {
        /** `'60s'`, `'1m'` or milliseconds. */
        window?: number | string;
        windowMs?: number;
        key?: 'ip' | 'subject';
      });
  /** @default false */
  jwt?:
    | false
    | {
        algorithms: readonly string[];
        issuer?: string | readonly string[];
        audience?: string | readonly string[];
        jwksUri?: string;
        public?: readonly PublicRoute[];
        cookie?: string;
        requireExp?: boolean;
        clockTolerance?: number;
        realm?: string;
        cacheSize?: number;
        cacheMaxAge?: number;
        typ?: string;
        maxTokenAge?: number;
        maxTokenLength?: number;
        /** Remote key-set tuning, in seconds. */
        jwks?: { cacheMaxAge?: number; cooldown?: number; timeout?: number };
      };
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
