import type { Context } from '../../context';
import { type CompiledOrigin, isSerializedOrigin } from './origin';

/**
 * The CORS headers of one response, decided from the request's `Origin`. Everything that does
 * not depend on the request is fixed here at construction, so an ordinary request costs one
 * `Vary` check and a header write or two.
 */
export class CorsAnswer {
  readonly #origins: CompiledOrigin;
  /** The answer to `Origin: null`: `'null'` when `allowNullOrigin`, else none. */
  readonly #nullAnswer: string | undefined;
  readonly #credentials: boolean;
  readonly #expose: string | undefined;
  /**
   * With '*' the answer is the same for every origin: no `Vary: Origin`, so caches share it
   * (hono #5159). Otherwise the answer depends on Origin on every response, including ones
   * without Origin or from refused origins, or a cache could serve one origin's answer to another.
   */
  readonly #varyOrigin: boolean;

  constructor(
    origins: CompiledOrigin,
    nullAnswer: string | undefined,
    credentials: boolean,
    expose: string | undefined,
  ) {
    this.#origins = origins;
    this.#nullAnswer = nullAnswer;
    this.#credentials = credentials;
    this.#expose = expose;
    this.#varyOrigin = origins.kind !== 'any';
  }

  /**
   * The `Access-Control-Allow-Origin` value for this request, or undefined when the origin is not
   * allowed. A promise only when the application's predicate answers asynchronously.
   */
  allowed(ctx: Context<any>, origin: string | undefined): string | undefined | Promise<string | undefined> {
    const origins = this.#origins;
    if (origins.kind !== 'predicate') return this.#listed(origin);
    if (origin === undefined) return undefined;
    if (origin === 'null') return this.#nullAnswer;
    if (!isSerializedOrigin(origin)) return undefined;
    const verdict = origins.allows(origin, ctx);
    if (typeof (verdict as Promise<boolean>)?.then === 'function') {
      return Promise.resolve(verdict).then((ok) => (ok === true ? origin : undefined));
    }
    return verdict === true ? origin : undefined;
  }

  /** `allowed()` for `'*'` and configured origins: synchronous and free of side effects. */
  #listed(origin: string | undefined): string | undefined {
    const origins = this.#origins;
    if (origins.kind === 'any') return '*';
    if (origin === undefined) return undefined;
    if (origin === 'null') return this.#nullAnswer;
    return origins.kind === 'list' && origins.allows(origin) ? origin : undefined;
  }

  /**
   * On the way in, for an actual (non-preflight) request: only a predicate has anything to
   * decide here (it may be asynchronous); its verdict is stamped at the head.
   */
  decide(ctx: Context<any>, origin: string | undefined): void | Promise<void> {
    if (this.#origins.kind !== 'predicate') return;
    const allowed = this.allowed(ctx, origin);
    if (allowed instanceof Promise) return allowed.then((a) => this.#stampLater(ctx, a));
    this.#stampLater(ctx, allowed);
  }

  #stampLater(ctx: Context<any>, allowed: string | undefined): void {
    ctx.onHead((c) => this.#stamp(c, allowed));
  }

  /**
   * At the head of an actual request's answer: `'*'` and listed origins are decided here, from
   * the request's `Origin` (a set lookup). A predicate was asked on the way in (`decide`), once
   * per request, and its verdict is stamped by the hook `decide` registered.
   */
  head(ctx: Context<any>): void {
    if (this.#origins.kind !== 'predicate') this.#stamp(ctx, this.#listed(ctx.req.header('origin')));
  }

  #stamp(ctx: Context<any>, allowed: string | undefined): void {
    // An answer that carries its own grant (the application handled CORS for this route) keeps
    // it; `Vary: Origin` is still ensured, or a cache could serve one origin's answer to another.
    if (allowed !== undefined && ctx.res.get('access-control-allow-origin') !== undefined) {
      if (this.#varyOrigin) varyOrigin(ctx);
      return;
    }
    this.set(ctx, allowed, false);
  }

  /** Sets the headers for a decided origin; preflights carry no `Access-Control-Expose-Headers`. */
  set(ctx: Context<any>, allowed: string | undefined, preflight: boolean): void {
    if (this.#varyOrigin) varyOrigin(ctx);
    if (allowed === undefined) return;
    const res = ctx.res;
    res.set('Access-Control-Allow-Origin', allowed);
    if (this.#credentials) res.set('Access-Control-Allow-Credentials', 'true');
    if (this.#expose !== undefined && !preflight) res.set('Access-Control-Expose-Headers', this.#expose);
  }
}

/**
 * Adds `Origin` to the response's `Vary`. The request's own Vary is never read (hono
 * GHSA-q7jf-gf43-6x6p) and the application's Vary is kept (hono #4471).
 */
function varyOrigin(ctx: Context<any>): void {
  const current = ctx.res.get('vary');
  if (current === 'Origin') return;
  if (current === undefined) ctx.res.set('Vary', 'Origin');
  else ctx.res.vary('Origin');
}
