import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { FinishInfo, Middleware } from '../../types';
import { isToken } from '../../utils/http-grammar';
import { type Outcome, outcomeOf } from '../../utils/outcome';
import { assertKnownKeys, assertOptionsObject, show } from '../../utils/policy-options';

export type { Outcome };

/**
 * One finished request, as a metrics backend wants it: low-cardinality labels (no path, no
 * address, no id) and the measurements. Built-in policies give fixed reasons, so `policy` and
 * `reason` are safe as labels.
 */
export interface RequestSample {
  /** The request method, or `-` when it is not a token. */
  method: string;
  status: number;
  outcome: Outcome;
  /** The policy that refused the request (`rateLimit`, `jwtAuth`, …), when one did. */
  policy?: string;
  /** Why it refused (the problem's `detail`). */
  reason?: string;
  /** Milliseconds from the chain's start to the last byte (or the abort), monotonic clock. */
  durationMs: number;
  /** Response body bytes written. */
  bytes: number;
}

export interface MetricsOptions {
  /**
   * Called once per request when its response is over. Keep it cheap and synchronous (a counter
   * increment, a histogram record): it runs on the request's own tick. A throw is reported to the
   * host and never reaches the client.
   */
  record: (sample: RequestSample) => void;
}

/**
 * Counts every request by outcome, refusing policy and reason, and measures its latency, for
 * OpenTelemetry, prom-client or any other backend (see examples/metrics). Mount it outermost,
 * beside `timing`, so that it sees every answer.
 *
 * @example
 * const refused = meter.createCounter('bouncer.requests');
 * compose([metrics({ record: (s) => refused.add(1, { outcome: s.outcome, policy: s.policy ?? '' }) }), …]);
 */
export function metrics(options: MetricsOptions): Middleware {
  assertOptionsObject('metrics', 'options', options);
  assertKnownKeys('metrics', options, ['record']);
  const { record } = options;
  if (typeof record !== 'function') {
    throw new ConfigError('metrics', 'record', `must be a function (sample) => void, got ${show(record)}`);
  }
  const sample = (ctx: Context<any>, info: FinishInfo): void => {
    const s: RequestSample = {
      method: isToken(ctx.req.method) ? ctx.req.method : '-',
      status: info.status,
      outcome: outcomeOf(ctx, info.status, info.aborted),
      durationMs: Math.round(Math.max(0, info.duration) * 1000) / 1000,
      bytes: info.bytes,
    };
    if (ctx.rejection) {
      s.policy = ctx.rejection.policy;
      s.reason = ctx.rejection.reason;
    }
    record(s);
  };
  return phased('metrics', { before: (ctx) => ctx.onFinish((info) => sample(ctx, info)) });
}
