// Internal to the core: how the built-in policies are written so that `compose` can fuse them.
// Not exported from the package; the public protocol is `(ctx, next)` plus `ctx.onHead()`.
import type { Context } from './context';
import type { HeadHook, Middleware, State } from './types';

/**
 * A policy split in two: what it does on the way in, and what it stamps on the head. `compose`
 * fuses consecutive phased middleware into one onion layer that calls `next()` once and
 * registers one head hook for all of them, so a chain of synchronous policies costs one promise
 * and no allocation per request.
 */
export interface Phases<S extends object = State> {
  /**
   * Inbound work. It may answer (`ctx.respond`/`ctx.reject`) to stop the chain, throw, or return a
   * promise when it must wait (a network store, a body read); synchronous is the fast path.
   */
  before?(ctx: Context<S>): void | Promise<void>;
  /** Head-hook work, synchronous; skipped when this policy's own `before` answered or threw. */
  head?(ctx: Context<S>): void;
}

export const PHASES = Symbol('bouncer.phases');

/** Fused phases, with the head hook for "every policy ran its `before`" built once. */
export interface PhaseList<S extends object = State> {
  readonly items: readonly Phases<S>[];
  /** Stamps the heads of every item (innermost first); undefined when none has a `head`. */
  readonly headAll: HeadHook<S> | undefined;
}

export function phaseList<S extends object>(phases: readonly Phases<S>[]): PhaseList<S> {
  const items = Object.freeze(phases.slice());
  const last = items.length - 1;
  const headAll = items.some((p) => p.head !== undefined)
    ? (ctx: Context<S>) => headFrom(ctx, items, last)
    : undefined;
  return Object.freeze({ items, headAll });
}

/** The phases a middleware was built from, when it was built by `phased()`. */
export function phasesOf<S extends object>(fn: Middleware<S>): Phases<S> | undefined {
  return (fn as { [PHASES]?: Phases<S> })[PHASES];
}

/**
 * Builds a middleware from its two phases. The result is an ordinary `(ctx, next)` middleware
 * (usable on its own, in any composer), and `compose` recognises it and runs it fused with its
 * neighbours.
 */
export function phased<S extends object = State>(name: string, phases: Phases<S>): Middleware<S> {
  const list = phaseList([phases]);
  const mw = {
    [name]: (ctx: Context<S>, next: () => Promise<void>) => runPhases(ctx, list, next),
  }[name] as Middleware<S>;
  Object.defineProperty(mw, PHASES, { value: phases });
  return mw;
}

/**
 * Runs fused phases as one onion layer: befores in order, then one head hook for all of them,
 * then `next()` once (its own promise is handed back, nothing is chained on it). The promise
 * never rejects: `next()`'s is guarded by `compose`, a waiting policy's here.
 */
export function runPhases<S extends object>(
  ctx: Context<S>,
  list: PhaseList<S>,
  next: () => Promise<void>,
): Promise<void> | undefined {
  return beforeFrom(ctx, list, 0, next);
}

function beforeFrom<S extends object>(
  ctx: Context<S>,
  list: PhaseList<S>,
  start: number,
  next: () => Promise<void>,
): Promise<void> | undefined {
  const items = list.items;
  for (let i = start; i < items.length; i++) {
    const before = items[i].before;
    if (before === undefined) continue;
    let out: void | Promise<void>;
    try {
      out = before(ctx);
    } catch (error) {
      ctx.fail(error);
      stampUpTo(ctx, items, i - 1);
      return undefined;
    }
    if (out !== undefined && typeof (out as Promise<void>).then === 'function') {
      const at = i;
      // `compose` hands a fused layer's promise on unguarded: whatever throws in here becomes
      // the answer (or, once the head is out, a report) as it would in any other layer.
      return (out as Promise<void>)
        .then(
          () => (ctx.response ? stampUpTo(ctx, items, at - 1) : beforeFrom(ctx, list, at + 1, next)),
          (error: unknown) => {
            ctx.fail(error);
            stampUpTo(ctx, items, at - 1);
          },
        )
        .then(undefined, (error: unknown) => ctx.fail(error));
    }
    if (ctx.response) {
      stampUpTo(ctx, items, i - 1);
      return undefined;
    }
  }
  if (list.headAll !== undefined) ctx.onHead(list.headAll);
  return next();
}

/** The chain answered at `upTo + 1`: the policies before it stamp that answer's head. */
function stampUpTo<S extends object>(ctx: Context<S>, items: readonly Phases<S>[], upTo: number): undefined {
  for (let i = upTo; i >= 0; i--) {
    if (items[i].head !== undefined) {
      ctx.onHead((c) => headFrom(c, items, upTo));
      return undefined;
    }
  }
  return undefined;
}

function headFrom<S extends object>(ctx: Context<S>, items: readonly Phases<S>[], start: number): void {
  for (let i = start; i >= 0; i--) {
    const head = items[i].head;
    if (head === undefined) continue;
    try {
      head(ctx);
    } catch (error) {
      // Reported like any head hook's error; the other policies still stamp the head.
      ctx.fail(error);
    }
  }
}
