import { ConfigError, type Middleware, type State } from '@bouncer/core';
import { assertKnownKeys, assertOptionsObject, runChain } from '@bouncer/core/adapter';
import { markBouncer } from '@bouncer/core/audit';
import type { Context, MiddlewareHandler } from 'hono';
import { deliveredPromise, peerReader, runtimeClosesConnection } from './conn-info';
import { HonoHost } from './hono-host';

export interface HonoAdapterOptions {
  /**
   * Receives unexpected errors thrown inside the chain (answered with a plain 500). Hono's
   * `app.onError` writes a response of its own, so it is not used for reporting.
   * @default console.error
   */
  onError?: (error: unknown, c: Context) => void;
  /**
   * The client's socket address, when the adapter cannot read it from the runtime. It reads it
   * itself on @hono/node-server (and @hono/node-ws upgrades), Bun.serve, Deno.serve and Cloudflare
   * Workers; elsewhere (self-hosted workerd, `app.request()` in tests) pass e.g.
   * `(c) => getConnInfo(c).remote.address`. When given it wins over the runtime's address.
   * Without an address, a chain with `ipFilter`, an address-keyed `rateLimit` or `trustProxy`
   * answers 500 and reports why to `onError`, rather than judging every client as one.
   */
  peer?: (c: Context) => string | undefined;
}

/**
 * Mounts a Bouncer chain as a Hono 4 middleware. Register it first (`app.use(bouncer(chain))`) so
 * every route, `notFound` and `onError` response passes through it. State keys are set with
 * `c.set()`, so handlers read them with `c.get('auth')` / `c.var.auth`.
 *
 * @example
 * app.use(bouncer(policy));
 * app.get('/me', (c) => c.json(c.get('auth')));
 */
export function bouncer<S extends object = State>(
  chain: Middleware<S>,
  options: HonoAdapterOptions = {},
): MiddlewareHandler<{ Variables: S }> {
  if (typeof chain !== 'function')
    throw new TypeError('@bouncer/hono: bouncer(chain) needs a middleware function');
  assertOptionsObject('@bouncer/hono', 'options', options);
  assertKnownKeys('@bouncer/hono', options, ['onError', 'peer']);
  for (const name of ['onError', 'peer'] as const)
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw new ConfigError('@bouncer/hono', name, `must be a function, got ${typeof options[name]}`);
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const readPeer = peerReader(chain, options.peer);

  return markBouncer(
    async function bouncerHono(c: Context, next: () => Promise<void>) {
      let address = '';
      let unreadable: unknown;
      try {
        address = readPeer(c);
      } catch (error) {
        unreadable = error;
      }
      const host = new HonoHost(
        c,
        (error) => onError(error, c),
        () => address,
      );
      const state = {} as S;
      // No address while the policy judges it: fail closed through the chain's own error path.
      const run = unreadable === undefined ? chain : refuse(unreadable);
      const ctx = await runChain(run, host, state, () => {
        try {
          for (const key in state) c.set(key as never, state[key] as never);
          return next().then(() => host.goLive());
        } catch (error) {
          return Promise.reject(error);
        }
      });
      const answer = ctx.response;
      if (answer) {
        const headers = host.answerHeaders();
        if (runtimeClosesConnection(c)) {
          // Deno closes the connection itself: drop the chain's field, staged ones included, or
          // going live would put it back and the answer would say `Connection: close` twice.
          headers.delete('connection');
          host.removeHeader('connection');
        }
        const body =
          answer.body === null || c.req.method === 'HEAD' ? null : (answer.body as Uint8Array<ArrayBuffer>);
        // Clearing first stops Hono from merging the old response's headers over the new one.
        c.res = undefined as unknown as Response;
        c.res = new Response(body, { status: answer.status, headers });
        host.goLive();
      }
      // The answer exists now: this is Hono's head moment, so the head hooks stamp it here.
      host.writeHead();
      if (!host.onNode) {
        const tracked = host.finish.track(c.res, deliveredPromise(c));
        if (tracked !== c.res) {
          c.res = undefined as unknown as Response;
          c.res = tracked;
        }
      }
    },
    { chain, options },
  ) as MiddlewareHandler<{ Variables: S }>;
}

/** A stand-in chain that throws `error` where the policy would have run. */
function refuse(error: unknown): Middleware<any> {
  return async function unjudgedRequest() {
    throw error;
  };
}

// Node's upgrade guard from the node-free entry: this package also loads on Bun, Deno and Workers.
export {
  guardUpgrade,
  type UpgradeGuardOptions,
  upgradeState,
  type VerifyClient,
  verifyClient,
} from '@bouncer/node-http/host';
export { assertAllRoutesGuarded, auditRoutes } from './audit';
export { PeerError, runtimePeer } from './conn-info';
