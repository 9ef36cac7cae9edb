import { Context } from './context';
import type { Host, Middleware, Next, State } from './types';

/**
 * What an adapter calls once per request: builds the context over `host` and runs `chain`, with
 * `downstream` standing for the host's own application. The returned promise never rejects:
 * every error has become an answer (`ctx.response`) by the time it resolves.
 */
export async function runChain<S extends object = State>(
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
  try {
    await chain(ctx, () => {
      if (ctx.response) return Promise.resolve();
      if (refusal) {
        ctx.fail(refusal);
        return Promise.resolve();
      }
      ctx.reachedDownstream = true;
      // The host's own errors (a throwing handler) become the answer at the innermost layer,
      // so every middleware still runs its outbound code on it.
      return downstream().then(undefined, (error: unknown) => ctx.fail(error));
    });
  } catch (error) {
    ctx.fail(error);
  }
  return ctx;
}
