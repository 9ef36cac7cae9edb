import type { Context } from '../../context';
import { PHASES, type Phases } from '../../phases';
import type { Middleware, Next } from '../../types';
import { usesAddress } from '../../uses-address';
import { show } from '../../utils/policy-options';
import { ceilSeconds, POLICY_FIELD, policyItem, putItem, STATE_FIELD, stateItemOf } from './headers';
import { keyFunction } from './key';
import { type RateLimitOptions, settleOptions, validCost } from './options';
import type { RateLimitDecision, RateLimitRule } from './store';

export { MemoryStore, type MemoryStoreOptions, memoryStore } from './memory-store';
export type { RateLimitOptions } from './options';
export type { RateLimitDecision, RateLimitRule, RateLimitStore } from './store';

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

/**
 * Limits each client to `limit` requests per `windowMs` with GCRA (exact, one number of state
 * per key, no fixed-window boundary burst), answering 429 with `Retry-After` beyond it.
 *
 * @example
 * rateLimit({ limit: 100, windowMs: 60_000 }); // RateLimit-Policy: "default";q=100;w=60
 */
export function rateLimit(options: RateLimitOptions): Middleware {
  const { limit, windowMs, headers, ipv6Prefix, name, failMode, store, cost, skip, warn, key } =
    settleOptions(options);
  const keyOf = keyFunction(key, `${name}:`, ipv6Prefix);

  const rule: RateLimitRule = { limit, windowMs };
  const policy = policyItem(name, limit, windowMs / 1000);
  const stateOf = stateItemOf(name);
  const detail = `Rate limit exceeded: ${limit} requests per ${windowMs / 1000 >= 1 ? `${windowMs / 1000} s` : `${windowMs} ms`}.`;
  // When the store is down and failing closed, ask clients back after one emission interval.
  const outageRetry = String(ceilSeconds(windowMs / limit));
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
      // At the head, so the application's answer and the host's own 404/500 carry them alike.
      ctx.onHead((c) => {
        putItem(c, POLICY_FIELD, name, policy);
        putItem(c, STATE_FIELD, name, state);
      });
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

  // Inside `compose`, `before` runs fused with the neighbouring policies (a denial is seen through
  // `ctx.response`); it returns a promise only while a network store answers.
  const phases: Phases<any> = {
    before(ctx) {
      const verdict = decide(ctx);
      if (typeof verdict !== 'boolean') return verdict as Promise<unknown> as Promise<void>;
    },
    // No `head` of its own: an admitted request's headers carry its decision, so `apply`
    // registers them as a head hook of their own.
  };

  // On its own (outside `compose`), the limiter follows its verdict rather than `ctx.response`:
  // a denial from a synchronous store returns no promise at all.
  const limiter = (ctx: Context<any>, next: Next): Promise<void> | undefined => {
    const verdict = decide(ctx);
    if (verdict === true) return next();
    if (verdict === false) return undefined;
    return verdict.then((pass) => (pass ? next() : undefined));
  };
  // Named explicitly: a bundler renames a function expression that shadows `rateLimit` itself.
  Object.defineProperty(limiter, 'name', { value: 'rateLimit' });
  Object.defineProperty(limiter, PHASES, { value: phases });
  // Keyed by address, or by subject with the address for anonymous requests; a caller's own key may not be.
  return typeof key === 'function' ? limiter : usesAddress(limiter, 'rateLimit');
}
