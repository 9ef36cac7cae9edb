import type { Context } from '../../context';
import type { CorsAnswer } from './answer';
import { requestedHeaderNames } from './request-headers';

/**
 * The answer to a genuine preflight (Fetch standard, CORS-preflight request): 204 with the
 * allowed methods and headers for an allowed origin, 403 otherwise. It never reaches the
 * application.
 */
export class PreflightAnswer {
  readonly #cors: CorsAnswer;
  readonly #methods: string;
  readonly #allowHeaders: string | undefined;
  readonly #maxAge: string | undefined;

  constructor(
    cors: CorsAnswer,
    methods: string,
    allowHeaders: string | undefined,
    maxAge: string | undefined,
  ) {
    this.#cors = cors;
    this.#methods = methods;
    this.#allowHeaders = allowHeaders;
    this.#maxAge = maxAge;
  }

  answer(ctx: Context<any>, origin: string): void | Promise<void> {
    const allowed = this.#cors.allowed(ctx, origin);
    if (allowed instanceof Promise) return allowed.then((a) => this.#answer(ctx, a));
    this.#answer(ctx, allowed);
  }

  #answer(ctx: Context<any>, allowed: string | undefined): void {
    this.#cors.set(ctx, allowed, true);
    if (allowed === undefined) {
      ctx.reject(403, 'Origin not allowed', 'cors');
      return;
    }
    ctx.res.set('Access-Control-Allow-Methods', this.#methods);
    if (this.#allowHeaders !== undefined) {
      if (this.#allowHeaders !== '') ctx.res.set('Access-Control-Allow-Headers', this.#allowHeaders);
    } else {
      ctx.res.vary('Access-Control-Request-Headers');
      const names = requestedHeaderNames(ctx.req.header('access-control-request-headers'));
      if (names.length > 0) ctx.res.set('Access-Control-Allow-Headers', names.join(', '));
    }
    if (this.#maxAge !== undefined) ctx.res.set('Access-Control-Max-Age', this.#maxAge);
    ctx.respond(204);
  }
}
