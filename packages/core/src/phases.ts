import type { Context } from './context';
import type { Middleware, State } from './types';

/**
 * A middleware split at its `await next()`: what it does on the way in, and on the way out.
 * `compose` fuses consecutive phased middleware into one onion layer that awaits `next()` once,
 * so a chain of synchronous policies costs one promise per request instead of one per policy.
 */
export interface Phases<S extends object = State> {
  /**
   * Inbound work. It may answer (`ctx.respond`/`ctx.reject`) to stop the chain, throw, or return a
   * promise when it must wait (a network store, a body read); synchronous is the fast path.
   */
  before?(ctx: Context<S>): void | Promise<void>;
  /** Outbound work, synchronous; skipped when this layer's own `before` answered or threw. */
  after?(ctx: Context<S>): void;
}

export const PHASES = Symbol.for('bouncer.phases');
const HAS_AFTER = Symbol('bouncer.hasAfter');

/** A phase list with its "any outbound work?" answer computed once, where the list is built. */
export function phaseList<S extends object>(phases: Phases<S>[]): readonly Phases<S>[] {
  const list = phases.slice();
  Object.defineProperty(list, HAS_AFTER, { value: list.some((p) => p.after !== undefined) });
  return Object.freeze(list);
}

function hasAfter(list: readonly Phases<any>[]): boolean {
  return (list as { [HAS_AFTER]?: boolean })[HAS_AFTER] ?? true;
}

/** The phases a middleware was built from, when it was built by `phased()`. */
export function phasesOf<S extends object>(fn: Middleware<S>): Phases<S> | undefined {
  return (fn as { [PHASES]?: Phases<S> })[PHASES];
}

/**
 * Builds a middleware from its two phases. The result is an ordinary middleware (usable on its
 * own, in any composer), and `compose` recognises it and runs it fused with its neighbours.
 *
 * @example
 * export const poweredBy = () => phased('poweredBy', { after: (ctx) => ctx.res.delete('X-Powered-By') });
 */
export function phased<S extends object = State>(name: string, phases: Phases<S>): Middleware<S> {
  const list = phaseList([phases]);
  const mw = {
    [name]: (ctx: Context<S>, next: () => Promise<void>) => runPhases(ctx, list, next),
  }[name] as Middleware<S>;
  Object.defineProperty(mw, PHASES, { value: phases });
  return mw;
}

/** Runs fused phases as one onion layer: befores in order, `next()` once, afters in reverse. */
export function runPhases<S extends object>(
  ctx: Context<S>,
  list: readonly Phases<S>[],
  next: () => Promise<void>,
): Promise<void> | undefined {
  return beforeFrom(ctx, list, 0, next);
}

function beforeFrom<S extends object>(
  ctx: Context<S>,
  list: readonly Phases<S>[],
  start: number,
  next: () => Promise<void>,
): Promise<void> | undefined {
  for (let i = start; i < list.length; i++) {
    const before = list[i].before;
    if (before === undefined) continue;
    let out: void | Promise<void>;
    try {
      out = before(ctx);
    } catch (error) {
      ctx.fail(error);
      afterFrom(ctx, list, i - 1);
      return undefined;
    }
    if (out !== undefined && typeof (out as Promise<void>).then === 'function') {
      const at = i;
      return (out as Promise<void>).then(
        () => (ctx.response ? afterFrom(ctx, list, at - 1) : beforeFrom(ctx, list, at + 1, next)),
        (error: unknown) => {
          ctx.fail(error);
          afterFrom(ctx, list, at - 1);
        },
      );
    }
    if (ctx.response) {
      afterFrom(ctx, list, i - 1);
      return undefined;
    }
  }
  // No outbound work anywhere in the list: hand back next()'s own promise, chain nothing.
  if (!hasAfter(list)) return next();
  return next().then(() => afterFrom(ctx, list, list.length - 1));
}

function afterFrom<S extends object>(ctx: Context<S>, list: readonly Phases<S>[], start: number): undefined {
  for (let i = start; i >= 0; i--) {
    const after = list[i].after;
    if (after === undefined) continue;
    try {
      after(ctx);
    } catch (error) {
      ctx.fail(error);
    }
  }
  return undefined;
}
