import { STATUS_CODES } from 'node:http';
import type { Context as BouncerContext, Middleware, State } from '@bouncer/core';
import {
  assertKnownKeys,
  assertOptionsObject,
  PROBLEM_TYPE,
  problemBody,
  runChain,
} from '@bouncer/core/adapter';
import { type AuditMode, auditOnce, markBouncer, type UpgradeSource } from '@bouncer/core/audit';
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
 * Errors thrown below Bouncer are Koa's to answer, as without it: they are thrown on to Koa's
 * `ctx.onerror` once the chain has run, which reports them (`app.emit('error')`), resets the
 * headers and writes its own answer — and the chain's head hooks stamp that answer as it is
 * written.
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
  const audit =
    options.audit &&
    auditOnce(options.audit, (koa: KoaContext) =>
      // The server too: its 'upgrade' listeners (WebSockets) bypass every route.
      auditRoutes(koa.app, { server: (koa.req.socket as { server?: UpgradeSource }).server }),
    );

  return markBouncer(
    function bouncerKoa(koa: KoaContext, next: Next): Promise<void> {
      if (audit && !audit(koa, (error) => koa.app.emit('error', error, koa))) {
        koa.status = 500;
        koa.type = PROBLEM_TYPE;
        koa.body = problemBody(500);
        return Promise.resolve();
      }
      const host = new NodeHost(koa.req, koa.res, (error) => koa.app.emit('error', error, koa));
      const downstream = new KoaDownstream(koa, next, host);
      return runChain(chain, host, koa.state as S, downstream.run).then((ctx) =>
        settle(koa, host, downstream, ctx),
      );
    },
    { chain, options },
  );
}

export {
  guardUpgrade,
  type UpgradeGuardOptions,
  upgradeState,
  type VerifyClient,
  verifyClient,
} from '@bouncer/node-http';
export { assertAllRoutesGuarded, auditRoutes } from './audit';

/**
 * After the chain: the downstream's error goes on to Koa's own handling (rethrown), and the
 * chain's own answer is handed to Koa, which writes after the middleware stack unwinds.
 */
function settle(koa: KoaContext, host: NodeHost, downstream: KoaDownstream, ctx: BouncerContext<any>): void {
  const answer = ctx.response;
  if (!answer) {
    if (downstream.threw) {
      if (host.status() >= 500) ctx.error = downstream.error;
      throw downstream.error;
    }
    return;
  }
  // Body first: assigning a body resets the status to 200 when none was set explicitly.
  const type = koa.response.get('Content-Type');
  koa.body =
    answer.body === null
      ? null
      : Buffer.from(answer.body.buffer, answer.body.byteOffset, answer.body.byteLength);
  koa.status = answer.status;
  if (type) koa.set('Content-Type', type);
  if (answer.body !== null) koa.set('Content-Length', String(answer.body.byteLength));
}

/**
 * The rest of the Koa stack as the chain's downstream. A thrown error is kept for Koa's own
 * `ctx.onerror` (see `bouncer`) and counts as the answer produced: until Koa writes it, the
 * chain reads the status Koa will give it, and nothing of Koa's context is changed.
 */
class KoaDownstream {
  threw = false;
  error: unknown;
  readonly #koa: KoaContext;
  readonly #next: Next;
  readonly #host: NodeHost;

  constructor(koa: KoaContext, next: Next, host: NodeHost) {
    this.#koa = koa;
    this.#next = next;
    this.#host = host;
  }

  readonly run = (): Promise<void> => this.#next().then(undefined, this.#caught);

  readonly #caught = (error: unknown): void => {
    this.threw = true;
    this.error = undecodable(error) ?? error;
    if (!this.#koa.headerSent) this.#host.expectStatus(koaErrorStatus(this.error));
  };
}

/**
 * A body whose `Content-Encoding` does not decode (zlib's `Z_DATA_ERROR`…, thrown by the body
 * parser's inflate step, with no status) is the client's fault: a 400, as Express's body-parser
 * and the other stacks answer it, instead of the 500 Koa would give an error without a status.
 */
function undecodable(error: unknown): Error | undefined {
  const e = error as { code?: unknown; status?: unknown; statusCode?: unknown } | null;
  if (typeof e?.code !== 'string' || !e.code.startsWith('Z_') || e.status || e.statusCode) return undefined;
  return Object.assign(new Error('The request body could not be decoded', { cause: error }), {
    status: 400,
    expose: true,
  });
}

/** The status `ctx.onerror` answers a thrown error with (koa/lib/context.js). */
function koaErrorStatus(error: unknown): number {
  const e = error as { status?: unknown; statusCode?: unknown } | null;
  const status = e?.status || e?.statusCode;
  return typeof status === 'number' && STATUS_CODES[status] !== undefined ? status : 500;
}
