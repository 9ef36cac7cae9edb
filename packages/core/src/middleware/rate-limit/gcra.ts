import type { RateLimitDecision, RateLimitRule } from './store';

/**
 * Float slack in milliseconds: `tat + T * cost - windowMs` need not give back `now` exactly (with
 * `performance.now()` fractions or `T = 60000 / 7`), and must not deny a request that is on time.
 */
const SLACK_MS = 0.001;

/**
 * One step of the generic cell rate algorithm (GCRA, ITU-T I.371), identical in every store.
 * The only state is the theoretical arrival time (`tat`); the caller stores `now + resetMs` as the
 * new `tat` when the decision is `allowed`, expiring at that time, and stores nothing otherwise
 * (so a client hammering while denied does not push its own recovery further away).
 */
export function gcraStep(
  storedTat: number | undefined,
  now: number,
  rule: RateLimitRule,
  cost: number,
): RateLimitDecision {
  const interval = rule.windowMs / rule.limit;
  const tat = storedTat === undefined || storedTat < now ? now : storedTat;
  const newTat = tat + interval * cost;
  const allowAt = newTat - rule.windowMs;
  if (allowAt - now > SLACK_MS) {
    return {
      allowed: false,
      limit: rule.limit,
      remaining: 0,
      resetMs: tat - now,
      retryAfterMs: allowAt - now,
    };
  }
  return {
    allowed: true,
    limit: rule.limit,
    // The epsilon absorbs float error in `windowMs / limit` (e.g. 60000 / 7 * 7 ≠ 60000). A request
    // admitted within the slack, up to 1 µs before its slot, would otherwise count -1 remaining.
    remaining: Math.max(0, Math.floor((rule.windowMs - (newTat - now)) / interval + 1e-9)),
    resetMs: newTat - now,
    retryAfterMs: 0,
  };
}
