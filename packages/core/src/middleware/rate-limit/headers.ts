// draft-ietf-httpapi-ratelimit-headers-10 fields. Both are Structured Field Lists (RFC 9651 §3.1)
// of one item per policy: `RateLimit-Policy: "name";q=100;w=60` describes the quota,
// `RateLimit: "name";r=42;t=17` the state of this client's share of it.
import type { Context } from '../../context';

/** Policy names: an sf-string restricted to characters that need no escaping and cannot split a list. */
export const POLICY_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function policyItem(name: string, limit: number, windowSec: number): string {
  return `"${name}";q=${limit};w=${windowSec}`;
}

/**
 * The `RateLimit` item of one policy, `"name";r=<remaining>;t=<reset seconds>`, with the name part
 * built once per limiter: two numbers joined per request.
 */
export function stateItemOf(name: string): (remaining: number, resetSec: number) => string {
  const head = `"${name}";r=`;
  return (remaining, resetSec) => `${head}${remaining};t=${resetSec}`;
}

/** A response field as it is written and, lower-case, as it is looked up (no case folding per request). */
export interface Field {
  readonly name: string;
  readonly lower: string;
}

export const POLICY_FIELD: Field = { name: 'RateLimit-Policy', lower: 'ratelimit-policy' };
export const STATE_FIELD: Field = { name: 'RateLimit', lower: 'ratelimit' };

/**
 * Puts `item` in the list field `field`, replacing this policy's earlier item and keeping other
 * policies' (several limiters on one response each add their own item: draft-10 §5).
 */
export function putItem(ctx: Context<any>, field: Field, name: string, item: string): void {
  const current = ctx.res.get(field.lower);
  // Already exactly this item (the common case when restoring after the downstream): no write.
  if (current === item) return;
  if (current === undefined || current === '') {
    ctx.res.set(field.name, item);
    return;
  }
  // Replaced in place; a new item goes first: head hooks run innermost first, so prepending
  // keeps the order of the policies that of the chain.
  const own = `"${name}";`;
  const parts: string[] = [];
  let placed = false;
  for (const part of current.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    if (!p.startsWith(own)) parts.push(p);
    else if (!placed) {
      parts.push(item);
      placed = true;
    }
  }
  if (!placed) parts.unshift(item);
  ctx.res.set(field.name, parts.join(', '));
}

/**
 * Whole seconds, rounded up, at least 1 (RFC 9110 §10.2.3 delay-seconds; never `0.25` or `0`).
 * A microsecond of float noise (`now + 12000 - now` can be `12000.0000000001` when `now` is a
 * `performance.now()` fraction) does not count as one more second.
 */
export function ceilSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000 - 1e-9));
}
