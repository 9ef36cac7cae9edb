import type { Context } from '../../context';
import { ConfigError, statusTitle } from '../../errors';
import type { Middleware } from '../../types';
import { show } from '../../utils/policy-options';

/** The RFC 9457 problem every rejection starts as. */
export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail?: string;
  /** The policy that refused the request, when one did (a 500 has none). */
  policy?: string;
}

/** What a shaper answers instead: a body and its media type. */
export interface ShapedBody {
  contentType: string;
  body: string | Uint8Array;
}

/** Turns a problem into the body an API's clients expect. */
export type RejectionShaper = (problem: Problem, ctx: Context<any>) => ShapedBody;

/**
 * Reshapes the body of the chain's own rejections — the bouncer's 401, 403, 413, 429, 503 and its
 * 500s — for APIs whose clients expect another error format, as express-rate-limit's `message` and
 * `handler` allow. Status, headers (`Retry-After`, `WWW-Authenticate`, CORS, security headers)
 * and the log record stay as they were; only the body and `Content-Type` change. Without it, every
 * rejection is RFC 9457 `application/problem+json`. The application's own errors are not touched.
 *
 * @example
 * rejectionBody((p) => ({ contentType: 'application/json', body: JSON.stringify({ error: p.title, message: p.detail }) }));
 */
export function rejectionBody(shape: RejectionShaper): Middleware {
  if (typeof shape !== 'function') {
    throw new ConfigError(
      'rejectionBody',
      'shape',
      `must be a function (problem, ctx) => { contentType, body }, got ${show(shape)}`,
    );
  }
  return async function rejectionBody(ctx, next) {
    await next();
    const answer = ctx.response;
    const problem = ctx.problem;
    if (answer === undefined || problem === undefined || problem.status !== answer.status) return;
    const p: Problem = { type: 'about:blank', title: statusTitle(problem.status), status: problem.status };
    if (problem.detail !== undefined) p.detail = problem.detail;
    if (ctx.rejection) p.policy = ctx.rejection.policy;
    const shaped = shape(p, ctx);
    if (
      shaped === null ||
      typeof shaped !== 'object' ||
      typeof shaped.contentType !== 'string' ||
      !(typeof shaped.body === 'string' || shaped.body instanceof Uint8Array)
    ) {
      throw new TypeError(`rejectionBody: the shaper must return { contentType, body }, got ${show(shaped)}`);
    }
    ctx.res.set('Content-Type', shaped.contentType);
    ctx.respond(answer.status, shaped.body);
  };
}
