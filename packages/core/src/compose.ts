import type { Context } from './context';
import { type Phases, phaseList, phasesOf, runPhases } from './phases';
import type { Middleware, Next, State } from './types';

/** A composed chain: itself a middleware, with its parts kept for inspection (route audit, docs). */
export interface Chain<S extends object = State> extends Middleware<S> {
  readonly middleware: readonly Middleware<any>[];
}

/**
 * A composed chain's own entry for `runChain` (not public): the chain without its outer guards,
 * whose promise may reject. `runChain` turns a rejection into the answer itself, and hands it a
 * downstream that never rejects, so the guards would only cost promises on every request.
 */
export const DISPATCH = Symbol('bouncer.dispatch');

type Dispatch<S extends object> = (ctx: Context<S>, downstream?: Next) => Promise<void>;

/** One settled promise for every "nothing to wait for" (a settled promise cannot change). */
export const RESOLVED: Promise<void> = Promise.resolve();

/** Layers `compose` built from fused policies: they never reject (see `runPhases`). */
const fused = new WeakSet<Middleware<any>>();

/**
 * Folds middleware into one onion. The first listed is the outermost: it runs first on the way
 * in and last on the way out, so it sees (and can stamp) every answer given inside it.
 *
 * A middleware that throws on the way in does not unwind the onion: its error becomes the answer
 * right there (`HttpError` → its status; anything else → a 500 with no internals on the wire,
 * reported to the host), and the head hooks of the layers outside it still stamp that answer.
 * An error once the downstream has answered (code after `next()`, a head hook) is reported and
 * changes nothing.
 *
 * @example
 * const chain = compose([requestId(), securityHeaders(), rateLimit({ limit: 100 })]);
 */
export function compose<S extends object = State>(middleware: readonly Middleware<any>[]): Chain<S> {
  if (!Array.isArray(middleware)) throw new TypeError('compose(): middleware must be an array');
  const list: Middleware<any>[] = [];
  for (const [i, fn] of middleware.entries()) {
    if (typeof fn !== 'function') {
      throw new TypeError(`compose(): middleware[${i}] must be a function, got ${typeof fn}`);
    }
    // A nested chain is flattened so that errors and layer order stay one-dimensional.
    const nested = (fn as Partial<Chain>).middleware;
    if (nested) list.push(...nested);
    else list.push(fn);
  }
  // Consecutive built-in policies are fused into one layer with a single `next()` and a single
  // head hook: the same onion, one promise instead of one per policy.
  const layers: Middleware<any>[] = [];
  let run: Phases<any>[] = [];
  const flush = () => {
    if (run.length === 0) return;
    layers.push(fusedLayer(run));
    run = [];
  };
  for (const fn of list) {
    const phases = phasesOf(fn);
    if (phases) {
      run.push(phases);
      continue;
    }
    flush();
    layers.push(fn);
  }
  flush();
  const size = layers.length;
  // Decided once: a fused layer's promise is handed on as it is, any other layer's is guarded.
  const unguarded = layers.map((layer) => fused.has(layer));

  const dispatchFrom: Dispatch<S> = (ctx, downstream) => {
    let last = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= last) return Promise.reject(new Error('next() called multiple times'));
      last = i;
      if (i === size) return downstream ? downstream() : RESOLVED;
      const fn = layers[i];
      try {
        const out = fn(ctx, () => dispatch(i + 1));
        if (out === undefined || typeof (out as Promise<void>).then !== 'function') return RESOLVED;
        // A fused layer's promise is the next layer's (already guarded) or its own handled one.
        if (unguarded[i]) return out as Promise<void>;
        return (out as Promise<void>).then(undefined, (error: unknown) => ctx.fail(error));
      } catch (error) {
        ctx.fail(error);
        return RESOLVED;
      }
    };
    return dispatch(0);
  };
  const chain = function chain(ctx: Context<S>, downstream?: Next): Promise<void> {
    const fail = (error: unknown) => ctx.fail(error);
    // Guarded like every layer's: a fused innermost layer hands the downstream's promise on.
    const guarded = downstream && (() => downstream().then(undefined, fail));
    return dispatchFrom(ctx, guarded).then(undefined, fail);
  } as Chain<S>;
  Object.defineProperty(chain, DISPATCH, { value: dispatchFrom });
  Object.defineProperty(chain, 'middleware', { value: Object.freeze(list), enumerable: true });
  return chain;
}

function fusedLayer(phases: readonly Phases<any>[]): Middleware<any> {
  const list = phaseList(phases);
  const layer: Middleware<any> = function fusedPolicies(ctx, next) {
    return runPhases(ctx, list, next);
  };
  fused.add(layer);
  return layer;
}
