import { DISPATCH, RESOLVED } from './compose';
import { Context } from './context';
import type { Host, Middleware, Next, State } from './types';

/**
 * The settled promise a `downstream` returns to say that the application has already answered,
 * synchronously, before `downstream()` returned (the usual case on a host that calls its handler
 * in place). The answer then stands at once, and a chain of built-in policies settles without
 * waiting on the microtask queue; any other promise is waited for.
 */
export const ANSWERED: Promise<void> = RESOLVED;

/**
 * What an adapter calls once per request: builds the context over `host` and runs `chain`, with
 * `downstream` standing for the host's own application. `downstream` resolves once the
 * application has produced its answer (see `Next`); the head hooks run when the host commits
 * the head (`Host.onHead`). The returned promise never rejects: every error has become an
 * answer (`ctx.response`), or, once the downstream had answered, been reported.
 */
export function runChain<S extends object = State>(
  chain: Middleware<S>,
  host: Host,
  state: S,
  downstream: Next,
): Promise<Context<S>> {
  const ctx = new Context<S>(host, state);
  // A refused request (see `ctx.refusal`) never reaches the application, whatever the chain:
  // the gates still run (a banned address is still 403, the rate limit still counts it), the
  // outer layers stamp the refusal, and a policy that reads a refused path gets a 400 thrown.
  const refusal = ctx.refusal;
  const answered = () => ctx.downstreamAnswered();
  // The host's own errors (a throwing handler) become the answer at the innermost layer, so
  // every head hook still stamps it; from then on it stands, as an answer the host produced would.
  const failed = (error: unknown) => {
    ctx.fail(error);
    ctx.downstreamAnswered();
  };
  const next = () => {
    if (ctx.response) return RESOLVED;
    if (refusal) {
      ctx.fail(refusal);
      return RESOLVED;
    }
    ctx.reachedDownstream = true;
    const out = downstream();
    if (out === ANSWERED) {
      ctx.downstreamAnswered();
      return RESOLVED;
    }
    return out.then(answered, failed);
  };
  // A composed chain is entered without its outer guard: a rejection is caught here instead.
  const dispatch = (chain as { [DISPATCH]?: typeof chain })[DISPATCH] ?? chain;
  let out: unknown;
  try {
    out = dispatch(ctx, next);
  } catch (error) {
    ctx.fail(error);
    return Promise.resolve(ctx);
  }
  // A chain whose layers all handed `next()`'s promise on, settled already: no reaction to wait for.
  if (
    out === RESOLVED ||
    out === undefined ||
    out === null ||
    typeof (out as Promise<void>).then !== 'function'
  )
    return Promise.resolve(ctx);
  return (out as Promise<void>).then(
    () => ctx,
    (error: unknown) => {
      ctx.fail(error);
      return ctx;
    },
  );
}
