import type { Middleware, State } from '@bouncer/core';
import {
  assertKnownKeys,
  assertOptionsObject,
  HttpError,
  PROBLEM_TYPE,
  problemBody,
  runChain,
} from '@bouncer/core';
import { type AuditMode, auditOnce, markBouncer } from '@bouncer/core/audit';
import { NodeHost } from '@bouncer/node-http';
import type { Context as KoaContext, Middleware as KoaMiddleware, Next } from 'koa';
import { auditRoutes } from './audit';

export interface KoaAdapterOptions {
  /**
   * Audits the app's routes once, on the first request (`ctx.app`): `warn` logs unguarded routes;
   * `throw` reports them through `app.emit('error')` and answers every later request 500.
   * @default undefined (no startup audit)
   */
  audit?: AuditMode;
}

/**
 * Mounts a Bouncer chain as Koa 3 middleware. Register it first so it wraps every route,
 * the 404 and thrown errors. The chain's state is `ctx.state`.
 *
 * Errors thrown below Bouncer are answered here (with Bouncer's headers still on) instead of
 * by Koa's `ctx.onerror`, which would strip every header already set; they are still reported
 * through `app.emit('error')`, Koa's own error channel.
 *
 * @example
 * app.use(bouncer(policy));
 * router.get('/me', (ctx) => { ctx.body = ctx.state.auth; });
 */
export function bouncer<S extends object = State>(
  chain: Middleware<S>,
  options: KoaAdapterOptions = {},
): KoaMiddleware<S & Record<string, any>> {
  if (typeof chain !== 'function')
    throw new TypeError('@bouncer/koa: bouncer(chain) needs a middleware function');
  assertOptionsObject('@bouncer/koa', 'options', options);
  assertKnownKeys('@bouncer/koa', options, ['audit']);
  const audit = options.audit && auditOnce(options.audit, auditRoutes);

  return markBouncer(
    async function bouncerKoa(koa: KoaContext, next: Next): Promise<void> {
      if (audit && !audit(koa.app, (error) => koa.app.emit('error', error, koa))) {
        koa.status = 500;
        koa.type = PROBLEM_TYPE;
        koa.body = problemBody(500);
        return;
      }
      const host = new NodeHost(koa.req, koa.res, (error) => koa.app.emit('error', error, koa));
      const ctx = await runChain(chain, host, koa.state as S, () => enterKoa(koa, next));
      const answer = ctx.response;
      if (!answer) return;
      // Koa writes after the middleware stack unwinds; hand it the chain's answer. Body first:
      // assigning a body resets the status to 200 when none was set explicitly.
      const type = koa.response.get('Content-Type');
      koa.body =
        answer.body === null
          ? null
          : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
      koa.status = answer.status;
      if (type) koa.set('Content-Type', type);
      if (answer.body !== null) koa.set('Content-Length', String(answer.body.byteLength));
    },
    { chain, options },
  );
}

export { assertAllRoutesGuarded, auditRoutes } from './audit';

/**
 * Runs the rest of the Koa stack. A thrown error with Koa's conventions (`status`, `expose`,
 * `headers`: `ctx.throw(401, 'login', { headers })`) becomes that answer with its headers; a
 * server error is also reported through `app.emit('error')`, as Koa would.
 */
async function enterKoa(koa: KoaContext, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    const e = error as {
      status?: unknown;
      statusCode?: unknown;
      expose?: unknown;
      message?: unknown;
      headers?: unknown;
    };
    const status =
      typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
    if (!Number.isInteger(status) || status < 400 || status > 599 || status === 500) throw error;
    if (status >= 500) koa.app.emit('error', error, koa);
    const headers: Record<string, string> = {};
    if (e.headers && typeof e.headers === 'object') {
      for (const [k, v] of Object.entries(e.headers as Record<string, unknown>)) {
        if (typeof v === 'string' || typeof v === 'number') headers[k] = String(v);
      }
    }
    throw new HttpError(status, {
      detail: e.expose && typeof e.message === 'string' ? e.message : undefined,
      headers,
      cause: error,
    });
  }
}
