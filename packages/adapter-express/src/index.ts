import { ConfigError, type Middleware, type State, type StateOf } from '@bouncer/core';
import {
  assertKnownKeys,
  assertOptionsObject,
  PROBLEM_TYPE,
  problemBody,
  runChain,
} from '@bouncer/core/adapter';
import { type AuditMode, auditOnce, markBouncer, type UpgradeSource } from '@bouncer/core/audit';
import { NodeHost, writeAnswer } from '@bouncer/node-http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { auditRoutes, rootApp } from './audit';

export interface ExpressAdapterOptions {
  /**
   * Receives unexpected errors thrown inside the chain (they are answered with a plain 500).
   * Express has no report-only error channel — `next(err)` would let an error handler write a
   * different body — so errors are reported here instead.
   * @default console.error
   */
  onError?: (error: unknown, req: Request) => void;
  /**
   * Audits the app's routes once, on the first request: `warn` logs unguarded routes; `throw`
   * reports them through `onError` and answers every later request 500 (the process keeps running).
   * @default undefined (no startup audit)
   */
  audit?: AuditMode;
}

/**
 * Mounts a Bouncer chain as Express 5 middleware. Register it first (`app.use(bouncer(chain))`)
 * so every route, 404 and error response passes through it. The chain's state is `res.locals`.
 *
 * @example
 * app.use(bouncer(policy));
 * app.get('/me', (req, res) => res.json(res.locals.auth));
 */
export function bouncer<S extends object = State>(
  chain: Middleware<S>,
  options: ExpressAdapterOptions = {},
): RequestHandler<any, any, any, any, S & Record<string, any>> {
  if (typeof chain !== 'function')
    throw new TypeError('@bouncer/express: bouncer(chain) needs a middleware function');
  assertOptionsObject('@bouncer/express', 'options', options);
  assertKnownKeys('@bouncer/express', options, ['onError', 'audit']);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw new ConfigError('@bouncer/express', 'onError', `must be a function, got ${typeof options.onError}`);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const audit =
    options.audit &&
    auditOnce(options.audit, (req: Request) =>
      // The server too: its 'upgrade' listeners (WebSockets) bypass every route.
      auditRoutes(rootApp(req.app), { server: (req.socket as { server?: UpgradeSource }).server }),
    );

  return markBouncer(
    function bouncerExpress(req: Request, res: Response, next: NextFunction): void {
      if (audit && !audit(req, (error) => onError(error, req))) {
        res.status(500).type(PROBLEM_TYPE).end(problemBody(500));
        return;
      }
      const host = new NodeHost(req, res, (error) => onError(error, req), headPrototype(req, res));
      // runChain never rejects; a write of the chain's own answer that throws is reported.
      runChain(chain, host, res.locals as S, () => enterExpress(host, next)).then((ctx) => {
        if (!ctx.response) return;
        try {
          // The chain's own answer: its head hooks run inside this write, like any other's.
          if (!writeAnswer(res, host.method, ctx.response))
            onError(
              new Error('Bouncer answered after the response head was sent; that answer was kept'),
              req,
            );
        } catch (error) {
          onError(error, req);
        }
      });
    },
    { chain, options },
  );
}

/**
 * The root application's `app.response`, when it is `res`'s prototype: Express sets it on every
 * request and only a mounted app swaps it (back to its parent's, when the request leaves it), so
 * a hook there sees every head the root app writes, without a property added to `res` (see
 * `onResponseHeadOf`). Anything else (a mounted app's own bouncer, a bare Router) hooks `res`,
 * and so does a response whose `writeHead` a middleware mounted earlier already wrapped (morgan,
 * express-session, compression): that wrapper may hold the `writeHead` from before the
 * prototype was hooked, and setting a property `res` already has costs nothing extra.
 */
function headPrototype(req: Request, res: Response): object | undefined {
  // `parent` and `response` are set by Express on every app; its types declare neither.
  const app = req.app as { parent?: unknown; response?: object } | undefined;
  if (app === undefined || app.parent !== undefined || Object.hasOwn(res, 'writeHead')) return undefined;
  const proto = app.response;
  return proto !== undefined && Object.getPrototypeOf(res) === proto ? proto : undefined;
}

/**
 * Hands the request to the rest of the Express stack (routes, error handlers, the final
 * handler). Resolves when the head is committed — the moment Express has produced its answer;
 * the chain's head hooks have just stamped it. Nothing of the response is held or replayed.
 */
function enterExpress(host: NodeHost, next: NextFunction): Promise<void> {
  return new Promise<void>((resolve) => {
    host.whenHead(resolve);
    // No 'close' listener here: a client that leaves before the application answered leaves no
    // answer to stamp; the finish hook still fires (it listens itself), and the pending chain is
    // collected with the response.
    next();
  });
}

export {
  guardUpgrade,
  type UpgradeGuardOptions,
  upgradeState,
  type VerifyClient,
  verifyClient,
} from '@bouncer/node-http';
export { assertAllRoutesGuarded, auditRoutes } from './audit';
export type { ExpressAdapterOptions as Options };

/**
 * A route handler whose `res.locals` is the policy's state, claims included:
 * `const me: BouncerHandler<typeof policy> = (req, res) => res.json(res.locals.auth?.sub)`.
 * (Express types `res.locals` per handler, not per app.)
 */
export type BouncerHandler<C> = RequestHandler<
  Record<string, string>,
  any,
  any,
  any,
  StateOf<C> & Record<string, any>
>;
/** The response of a `BouncerHandler`: `(req, res: BouncerResponse<typeof policy>) => …`. */
export type BouncerResponse<C> = Response<any, StateOf<C> & Record<string, any>>;
