import type { BouncerMark } from './types';

/**
 * The registry symbol under which adapters hang the chain on the function they return.
 * `Symbol.for` so that two copies of `@bouncer/core` (bundled twice) still recognise each other.
 */
export const BOUNCER_MARK: unique symbol = Symbol.for('bouncer.chain') as never;

/** Attaches the mark as a non-enumerable property, out of the way of frameworks that copy functions. */
export function markBouncer<F extends Function>(fn: F, mark: BouncerMark): F {
  Object.defineProperty(fn, BOUNCER_MARK, { value: Object.freeze({ ...mark }), enumerable: false });
  return fn;
}

/** The mark on `fn`, when it is a bouncer adapter's middleware. */
export function readMark(fn: unknown): BouncerMark | undefined {
  if (typeof fn !== 'function') return undefined;
  return (fn as unknown as Record<symbol, BouncerMark | undefined>)[BOUNCER_MARK];
}
