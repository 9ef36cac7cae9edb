import type { Middleware, State } from '@bouncer/core';
import {
  assertKnownKeys,
  assertOptionsObject,
  ConfigError,
  PROBLEM_TYPE,
  problemBody,
  runChain,
} from '@bouncer/core';
import { type AuditMode, auditOnce, markBouncer } from '@bouncer/core/audit';
import { NodeHost, ResponseHold, writeAnswer } from '@bouncer/node-http';
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
  const audit = options.audit && auditOnce(options.audit, auditRoutes);

  return markBouncer(
    function bouncerExpress(req: Request, res: Response, next: NextFunction): void {
      if (audit && !audit(rootApp(req.app), (error) => onError(error, req))) {
        res.status(500).type(PROBLEM_TYPE).end(problemBody(500));
        return;
      }
      const host = new NodeHost(req, res, (error) => onError(error, req));
      const hold = new ResponseHold(res);
      runChain(chain, host, res.locals as S, () => enterExpress(res, hold, next))
        .then((ctx) => {
          if (ctx.response) {
            const answer = ctx.response;
            hold.replace(() => writeAnswer(res, host.method, answer));
          } else {
            hold.release();
          }
        })
        // runChain never rejects, but replaying the downstream's calls can throw (a chunk of the
        // wrong type, say): what would have thrown in the route. Report it and end the connection.
        .catch((error: unknown) => {
          onError(error, req);
          res.destroy();
        });
    },
    { chain, options },
  );
}

/** Hands the request to the rest of the Express stack; resolves once it commits a head (or the client leaves). */
function enterExpress(res: Response, hold: ResponseHold, next: NextFunction): Promise<void> {
  return new Promise<void>((resolve) => {
    // Without a framework prototype to intercept on, the outbound phase runs once the answer is
    // out (too late to edit headers, but never a hang).
    if (!hold.hold(resolve)) res.once('finish', resolve);
    // No 'close' listener here: it costs ~15 µs per request on Express (measured). A client that
    // leaves before the application answered leaves no answer to stamp; the finish hook still
    // fires (it listens itself), and the pending chain is collected with the response.
    next();
  });
}

export { assertAllRoutesGuarded, auditRoutes } from './audit';
export type { ExpressAdapterOptions as Options };
