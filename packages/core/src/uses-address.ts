// Which policies judge the client's address. A host that cannot see the address (a runtime whose
// connection info the adapter cannot read) must not run them blind: a deny list would let
// everyone in, an allow list would refuse everyone, and a rate limit would put every client in one
// bucket. Adapters ask `addressPolicies(chain)` once, when they are built, and refuse to serve
// rather than fail open.
import type { Middleware } from './types';

/** `Symbol.for`, so a chain built by another copy of `@bouncer/core` is still read. */
const USES_ADDRESS = Symbol.for('bouncer.uses-address');

/** Marks `fn` as a policy that needs `ctx.req.peer` to be the real client (or its proxy). */
export function usesAddress<F extends Middleware<any>>(fn: F, policy: string): F {
  Object.defineProperty(fn, USES_ADDRESS, { value: policy, enumerable: false });
  return fn;
}

/** The names of the policies in `chain` (nested chains included) that need the client address. */
export function addressPolicies(chain: Middleware<any>): string[] {
  const found: string[] = [];
  const visit = (fn: Middleware<any>): void => {
    const policy = (fn as { [USES_ADDRESS]?: unknown })[USES_ADDRESS];
    if (typeof policy === 'string' && !found.includes(policy)) found.push(policy);
    for (const part of (fn as { middleware?: readonly Middleware<any>[] }).middleware ?? []) visit(part);
  };
  visit(chain);
  return found;
}
