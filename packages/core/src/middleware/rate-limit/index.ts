import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import type { Middleware, Next } from '../../types';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { ceilSeconds, POLICY_NAME, policyItem, putItem, stateItem } from './headers';
import { ipKey, namespaced } from './key';
import { MemoryStore } from './memory-store';
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from './store';

export { gcraStep } from './gcra';
export { MemoryStore, type MemoryStoreOptions, memoryStore } from './memory-store';
export type { RateLimitDecision, RateLimitRule, RateLimitStore } from './store';

export interface RateLimitOptions {
  /** Requests allowed per window (whole number ≥ 1). */
  limit: number;
  /** Window in milliseconds (whole seconds when `headers` is on, as the `w` parameter is in seconds). */
  windowMs: number;
  /**
   * What is counted: `'ip'` (the client address from `clientIp`), `'subject'` (`ctx.state.auth.sub`
   * after authentication, else the address), or a function returning a non-empty string.
   * @default 'ip'
   */
  key?: 'ip' | 'subject' | ((ctx: Context<any>) => string);
  /** IPv6 addresses share a bucket per network of this prefix length (1–128). @default 56 */
  ipv6Prefix?: number;
  /** Where the state lives; one store may serve several limiters with distinct `policyName`s. @default new MemoryStore() */
  store?: RateLimitStore;
  /** Units this request takes from the quota (a number > 0, or computed per request). @default 1 */
  cost?: number | ((ctx: Context<any>) => number);
  /** Requests for which this returns true are neither counted nor limited (e.g. CORS preflights). @default undefined */
  skip?: (ctx: Context<any>) => boolean;
  /** Send `RateLimit` and `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-10) on every response. @default true */
  headers?: boolean;
  /**
   * When the store fails: `'open'` lets the request through (logged once per outage), `'closed'`
   * answers 503 with `Retry-After`. Never a 429: an outage is not the client's fault.
   * @default 'open'
   */
  failMode?: 'open' | 'closed';
  /** Names this limiter in the headers and in store keys (`[A-Za-z0-9_.-]`, ≤ 64). @default 'default' */
  policyName?: string;
  /** Receives store-outage messages. @default console.warn */
  warn?: (message: string, error?: unknown) => void;
}

const KNOWN = [
  'limit',
  'windowMs',
  'key',
  'ipv6Prefix',
  'store',
  'cost',
  'skip',
  'headers',
  'failMode',
  'policyName',
  'warn',
];

/** Policy names already in use per store: two limiters sharing names on one store would share buckets. */
const namesByStore = new WeakMap<RateLimitStore, Set<string>>();

function isDecision(d: unknown): d is RateLimitDecision {
  if (typeof d !== 'object' || d === null) return false;
  const r = d as RateLimitDecision;
  return (
    typeof r.allowed === 'boolean' &&
    Number.isFinite(r.remaining) &&
    r.remaining >= 0 &&
    Number.isFinite(r.resetMs) &&
    r.resetMs >= 0 &&
    Number.isFinite(r.retryAfterMs) &&
    r.retryAfterMs >= 0
  );
}

function validCost(cost: unknown): cost is number {
  return typeof cost === 'number' && Number.isFinite(cost) && cost > 0;
}

/**
 * Limits each client to `limit` requests per `windowMs` with GCRA (exact, one number of state
 * per key, no fixed-window boundary burst), answering 429 with `Retry-After` beyond it.
 *
 * @example
 * rateLimit({ limit: 100, windowMs: 60_000 }); // RateLimit-Policy: "default";q=100;w=60
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(
      'rateLimit',
      'limit',
      'and `windowMs` are required, e.g. rateLimit({ limit: 100, windowMs: 60_000 })',
    );
  }
  assertKnownKeys('rateLimit', options, KNOWN);
  const { limit, windowMs } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ConfigError(
      'rateLimit',
      'limit',
      `must be a whole number ≥ 1, got ${show(limit)} (to refuse every request, use ipFilter or a route guard, not a zero limit)`,
    );
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new ConfigError(
      'rateLimit',
      'windowMs',
      `must be a whole number of milliseconds ≥ 1, got ${show(windowMs)}`,
    );
  }
  const headers = options.headers ?? true;
  if (typeof headers !== 'boolean')
    throw new ConfigError('rateLimit', 'headers', `must be a boolean, got ${show(headers)}`);
  if (headers && windowMs % 1000 !== 0) {
    throw new ConfigError(
      'rateLimit',
      'windowMs',
      `must be whole seconds when headers are on (RateLimit-Policy \`w\` is an integer of seconds), got ${windowMs}: use a multiple of 1000 or \`headers: false\``,
    );
  }
  const ipv6Prefix = options.ipv6Prefix ?? 56;
  if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 1 || ipv6Prefix > 128) {
    throw new ConfigError(
      'rateLimit',
      'ipv6Prefix',
      `must be a whole number from 1 to 128, got ${show(ipv6Prefix)} (48–64 is usual)`,
    );
  }
  const name = options.policyName ?? 'default';
  if (typeof name !== 'string' || !POLICY_NAME.test(name)) {
    throw new ConfigError(
      'rateLimit',
      'policyName',
      `must be 1–64 characters of [A-Za-z0-9_.-], got ${show(name)}`,
    );
  }
  const failMode = options.failMode ?? 'open';
  if (failMode !== 'open' && failMode !== 'closed') {
    throw new ConfigError('rateLimit', 'failMode', `must be 'open' or 'closed', got ${show(failMode)}`);
  }
  const store = options.store ?? new MemoryStore();
  if (typeof store !== 'object' || store === null || typeof store.consume !== 'function') {
    throw new ConfigError(
      'rateLimit',
      'store',
      `must implement RateLimitStore (consume, reset), got ${show(store)}`,
    );
  }
  const names = namesByStore.get(store) ?? new Set<string>();
  if (names.has(name)) {
    throw new ConfigError(
      'rateLimit',
      'policyName',
      `${show(name)} is already used by another rateLimit on this store: they would count into the same buckets; give each limiter its own policyName`,
    );
  }
  names.add(name);
  namesByStore.set(store, names);

  const cost = options.cost ?? 1;
  if (typeof cost !== 'function' && !validCost(cost)) {
    throw new ConfigError('rateLimit', 'cost', `must be a number > 0 or a function, got ${show(cost)}`);
  }
  const skip = options.skip;
  if (skip !== undefined && typeof skip !== 'function')
    throw new ConfigError('rateLimit', 'skip', `must be a function, got ${show(skip)}`);
  const warn = options.warn ?? ((message: string, error?: unknown) => console.warn(message, error));
  if (typeof warn !== 'function')
    throw new ConfigError('rateLimit', 'warn', `must be a function, got ${show(warn)}`);

  const key = options.key ?? 'ip';
  const prefix = `${name}:`;
  let keyOf: (ctx: Context<any>) => string;
  if (key === 'ip') keyOf = (ctx) => prefix + ipKey(ctx.req.ip, ipv6Prefix);
  else if (key === 'subject') {
    keyOf = (ctx) => {
      const sub = (ctx.state as { auth?: { sub?: unknown } }).auth?.sub;
      return (
        prefix +
        (typeof sub === 'string' && sub !== '' ? namespaced('sub', sub) : ipKey(ctx.req.ip, ipv6Prefix))
      );
    };
  } else if (typeof key === 'function') {
    keyOf = (ctx) => {
      const value = key(ctx);
      if (typeof value !== 'string' || value === '') {
        throw new TypeError(
          `rateLimit: the \`key\` function must return a non-empty string, got ${show(value)}`,
        );
      }
      return prefix + namespaced('key', value);
    };
  } else {
    throw new ConfigError('rateLimit', 'key', `must be 'ip', 'subject' or a function, got ${show(key)}`);
  }

  const rule: RateLimitRule = { limit, windowMs };
  const policy = policyItem(name, limit, windowMs / 1000);
  const detail = `Rate limit exceeded: ${limit} requests per ${windowMs / 1000 >= 1 ? `${windowMs / 1000} s` : `${windowMs} ms`}.`;
  // When the store is down and failing closed, ask clients back after one emission interval.
  const outageRetry = String(ceilSeconds(windowMs / limit));
  let outage = false;

  const storeFailed = (ctx: Context<any>, next: Next, error: unknown): void | Promise<void> => {
    if (!outage) {
      outage = true;
      warn(
        `bouncer rateLimit "${name}": store "${store.name}" failed; ${failMode === 'open' ? 'requests pass unlimited' : 'requests get 503'} until it recovers`,
        error,
      );
    }
    if (failMode === 'closed') {
      ctx.reject(503, 'Rate limiting is temporarily unavailable.', 'rateLimit', {
        'Retry-After': outageRetry,
      });
      return;
    }
    return next();
  };

  const apply = (ctx: Context<any>, next: Next, d: unknown): void | Promise<void> => {
    if (!isDecision(d))
      return storeFailed(ctx, next, new TypeError(`store returned an invalid decision: ${show(d)}`));
    if (outage) {
      outage = false;
      warn(`bouncer rateLimit "${name}": store "${store.name}" recovered`);
    }
    if (!d.allowed) {
      const retry = ceilSeconds(d.retryAfterMs);
      if (headers) {
        putItem(ctx, 'RateLimit-Policy', name, policy);
        // `t` is when quota is next available, so it agrees with Retry-After (draft-10 §4.2).
        putItem(ctx, 'RateLimit', name, stateItem(name, 0, retry));
      }
      ctx.reject(429, detail, 'rateLimit', { 'Retry-After': String(retry) });
      return;
    }
    if (!headers) return next();
    const state = stateItem(name, Math.floor(d.remaining), ceilSeconds(d.resetMs));
    putItem(ctx, 'RateLimit-Policy', name, policy);
    putItem(ctx, 'RateLimit', name, state);
    // Again afterwards: the downstream may have replaced the response headers.
    return next().then(() => {
      putItem(ctx, 'RateLimit-Policy', name, policy);
      putItem(ctx, 'RateLimit', name, state);
    });
  };

  return function rateLimit(ctx: Context<any>, next: Next) {
    if (skip?.(ctx)) return next();
    const k = keyOf(ctx);
    const units = typeof cost === 'function' ? cost(ctx) : cost;
    if (!validCost(units))
      throw new TypeError(`rateLimit: the \`cost\` function must return a number > 0, got ${show(units)}`);
    let out: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      out = store.consume(k, rule, units);
    } catch (error) {
      return storeFailed(ctx, next, error);
    }
    // A synchronous store (memory) stays synchronous: no promise per request for the decision.
    if (typeof (out as Promise<RateLimitDecision>)?.then === 'function') {
      return (out as Promise<RateLimitDecision>).then(
        (d) => apply(ctx, next, d),
        (error: unknown) => storeFailed(ctx, next, error),
      );
    }
    return apply(ctx, next, out);
  };
}
