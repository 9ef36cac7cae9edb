import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { PHASES, type Phases } from '../../phases';
import type { Middleware, Next } from '../../types';
import { assertKnownKeys, show } from '../../utils/policy-options';
import {
  ceilSeconds,
  POLICY_FIELD,
  POLICY_NAME,
  policyItem,
  putItem,
  STATE_FIELD,
  stateItemOf,
} from './headers';
import { ipKeyMemo, namespaced } from './key';
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
  const ipKeyOf = ipKeyMemo(prefix, ipv6Prefix);
  let keyOf: (ctx: Context<any>) => string;
  if (key === 'ip') keyOf = (ctx) => ipKeyOf(ctx.req.ip);
  else if (key === 'subject') {
    keyOf = (ctx) => {
      const sub = (ctx.state as { auth?: { sub?: unknown } }).auth?.sub;
      return typeof sub === 'string' && sub !== '' ? prefix + namespaced('sub', sub) : ipKeyOf(ctx.req.ip);
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
  const stateOf = stateItemOf(name);
  const detail = `Rate limit exceeded: ${limit} requests per ${windowMs / 1000 >= 1 ? `${windowMs / 1000} s` : `${windowMs} ms`}.`;
  // When the store is down and failing closed, ask clients back after one emission interval.
  const outageRetry = String(ceilSeconds(windowMs / limit));
  // This request's `RateLimit` item, kept on the state for the outbound half (a symbol: the
  // application never sees it in its own keys, and each limiter keeps its own).
  const slot = Symbol(`rateLimit:${name}`);
  let outage = false;

  /** `true`: the request goes on; `false`: it was answered here. */
  const storeFailed = (ctx: Context<any>, error: unknown): boolean => {
    if (!outage) {
      outage = true;
      warn(
        `bouncer rateLimit "${name}": store "${store.name}" failed; ${failMode === 'open' ? 'requests pass unlimited' : 'requests get 503'} until it recovers`,
        error,
      );
    }
    if (failMode === 'open') return true;
    ctx.reject(503, 'Rate limiting is temporarily unavailable.', 'rateLimit', {
      'Retry-After': outageRetry,
    });
    return false;
  };

  const apply = (ctx: Context<any>, d: unknown): boolean => {
    if (!isDecision(d))
      return storeFailed(ctx, new TypeError(`store returned an invalid decision: ${show(d)}`));
    if (outage) {
      outage = false;
      warn(`bouncer rateLimit "${name}": store "${store.name}" recovered`);
    }
    if (!d.allowed) {
      const retry = ceilSeconds(d.retryAfterMs);
      if (headers) {
        putItem(ctx, POLICY_FIELD, name, policy);
        // `t` is when quota is next available, so it agrees with Retry-After (draft-10 §4.2).
        putItem(ctx, STATE_FIELD, name, stateOf(0, retry));
      }
      ctx.reject(429, detail, 'rateLimit', { 'Retry-After': String(retry) });
      return false;
    }
    if (headers) {
      const state = stateOf(Math.floor(d.remaining), ceilSeconds(d.resetMs));
      putItem(ctx, POLICY_FIELD, name, policy);
      putItem(ctx, STATE_FIELD, name, state);
      (ctx.state as Record<symbol, string>)[slot] = state;
    }
    return true;
  };

  const onDecision = (ctx: Context<any>) => (d: unknown) => apply(ctx, d);
  const onFailure = (ctx: Context<any>) => (error: unknown) => storeFailed(ctx, error);

  /** Counts the request: a verdict at once from a synchronous store (memory), a promise of one from a network store. */
  const decide = (ctx: Context<any>): boolean | Promise<boolean> => {
    if (skip?.(ctx)) return true;
    const k = keyOf(ctx);
    const units = typeof cost === 'function' ? cost(ctx) : cost;
    if (!validCost(units))
      throw new TypeError(`rateLimit: the \`cost\` function must return a number > 0, got ${show(units)}`);
    let out: RateLimitDecision | Promise<RateLimitDecision>;
    try {
      out = store.consume(k, rule, units);
    } catch (error) {
      return storeFailed(ctx, error);
    }
    if (typeof (out as Promise<RateLimitDecision>)?.then === 'function') {
      return (out as Promise<RateLimitDecision>).then(onDecision(ctx), onFailure(ctx));
    }
    return apply(ctx, out);
  };

  // Again on the way out: the downstream may have replaced the response headers.
  const restore = (ctx: Context<any>): void => {
    const state = (ctx.state as Record<symbol, string | undefined>)[slot];
    if (state === undefined) return;
    putItem(ctx, POLICY_FIELD, name, policy);
    putItem(ctx, STATE_FIELD, name, state);
  };

  // Inside `compose` the two halves run fused with the neighbouring policies (a denial is seen
  // through `ctx.response`); `before` returns a promise only while a network store answers.
  const phases: Phases<any> = {
    before(ctx) {
      const verdict = decide(ctx);
      if (typeof verdict !== 'boolean') return verdict as Promise<unknown> as Promise<void>;
    },
    after: headers ? restore : undefined,
  };

  // On its own (outside `compose`), the limiter follows its verdict rather than `ctx.response`:
  // a denial from a synchronous store returns no promise at all.
  const passOn = (ctx: Context<any>, next: Next): Promise<void> =>
    headers ? next().then(() => restore(ctx)) : next();
  const rateLimit = function rateLimit(ctx: Context<any>, next: Next): Promise<void> | undefined {
    const verdict = decide(ctx);
    if (verdict === true) return passOn(ctx, next);
    if (verdict === false) return undefined;
    return verdict.then((pass) => (pass ? passOn(ctx, next) : undefined));
  };
  Object.defineProperty(rateLimit, PHASES, { value: phases });
  return rateLimit;
}
