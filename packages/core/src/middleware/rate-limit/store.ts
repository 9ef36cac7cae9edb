// The contract every rate-limit store implements (memory, Redis, …). Fixed: stores are written
// against it independently, so it changes only by agreement.

export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests still allowed right after this one. */
  remaining: number;
  /** Milliseconds until the quota is fully restored. */
  resetMs: number;
  /** 0 when allowed; else milliseconds until one more request would be allowed. */
  retryAfterMs: number;
}

export interface RateLimitStore {
  readonly name: string;
  /** One atomic GCRA step for `key`; may be synchronous (memory) or async (network). May reject on store failure. */
  consume(key: string, rule: RateLimitRule, cost: number): RateLimitDecision | Promise<RateLimitDecision>;
  reset(key: string): void | Promise<void>;
  close?(): void | Promise<void>;
}
