import type { Context } from '../context';

/**
 * How a request ended, for logs and metrics alike: `failed` for any 5xx (an unexpected error, a
 * store outage, the application's own 500), `rejected` when a policy refused it, `aborted` when
 * the client left first, `ok` for the rest — the application's 404 included, since it is no attack.
 */
export type Outcome = 'ok' | 'rejected' | 'failed' | 'aborted';

export function outcomeOf(ctx: Context<any>, status: number, aborted: boolean): Outcome {
  if (status >= 500 || ctx.error !== undefined) return 'failed';
  if (ctx.rejection) return 'rejected';
  return aborted ? 'aborted' : 'ok';
}
