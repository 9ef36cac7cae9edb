// The client's socket address on each runtime Hono runs on, read from that runtime's own API, as
// Hono's `getConnInfo` helpers do (hono/src/adapter/{bun,deno,cloudflare-workers}/conninfo.ts):
//
// - @hono/node-server: `c.env.incoming.socket.remoteAddress`; @hono/node-ws upgrades pass
//   `incoming` without `outgoing`, so only `incoming` is looked at.
// - Bun.serve: the server is the second argument of `fetch` (so `c.env`, or `c.env.server` when an
//   app wraps it): `server.requestIP(request)` (https://bun.sh/docs/api/http#server-requestip).
// - Deno.serve: the handler's second argument is `ServeHandlerInfo` (`c.env` with
//   `Deno.serve(app.fetch)`): `info.remoteAddr.hostname` for TCP.
// - Cloudflare Workers: `CF-Connecting-IP`. Only Cloudflare's edge makes that header trustworthy:
//   it sets it on every request and overwrites whatever the client sent
//   (https://developers.cloudflare.com/fundamentals/reference/http-headers/#cf-connecting-ip).
//   The same Worker on self-hosted workerd gets the client's own header, spoofable at will. So it
//   is read only when the runtime says it is Workers (`navigator.userAgent`) and the request
//   carries Cloudflare's `request.cf` object, which Cloudflare always attaches and a bare workerd
//   does not (Miniflare emulates both, and sets the header to the loopback peer).
//
// Anything else (a test's `app.request()`, an unknown runtime) has no address: the `peer` option
// supplies one.
import type { Middleware } from '@bouncer/core';
import { addressPolicies } from '@bouncer/core/adapter';
import type { Context } from 'hono';

/** `Cloudflare-Workers` on Cloudflare, workerd and Miniflare; read once per isolate. */
const ON_WORKERS =
  (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent === 'Cloudflare-Workers';

interface RuntimeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
  requestIP?: (request: Request) => { address?: string } | null;
  server?: { requestIP?: (request: Request) => { address?: string } | null };
  remoteAddr?: { transport?: string; hostname?: string };
}

/** The socket peer of `c` as the runtime reports it, or `undefined` where it reports none. */
export function runtimePeer(c: Context): string | undefined {
  const env = c.env as RuntimeBindings | undefined;
  if (env && typeof env === 'object') {
    if (env.incoming?.socket) return env.incoming.socket.remoteAddress;
    const bun = typeof env.requestIP === 'function' ? env : env.server;
    if (bun && typeof bun.requestIP === 'function') return bun.requestIP(c.req.raw)?.address ?? undefined;
    if (env.remoteAddr && typeof env.remoteAddr.hostname === 'string') return env.remoteAddr.hostname;
  }
  if (ON_WORKERS && (c.req.raw as { cf?: unknown }).cf)
    return c.req.raw.headers.get('cf-connecting-ip') ?? undefined;
  return undefined;
}

/** Where the adapter reads the client address from, decided once when it is built. */
export type PeerReader = (c: Context) => string;

/**
 * The per-request address reader for `chain`: the `peer` option when given, else the runtime's
 * own. When no address can be found and a policy of the chain judges it (`ipFilter`, `rateLimit`
 * by address, `trustProxy`), the request fails closed with an error naming the `peer` option,
 * reported to `onError`; a `peer` callback that throws is reported the same way. Both are turned
 * into a 500 by the chain's own error path, so the outer layers still stamp the answer.
 */
export function peerReader(
  chain: Middleware<any>,
  peer: ((c: Context) => string | undefined) | undefined,
): PeerReader {
  // `peer` is validated with the adapter's other options, before this runs.
  const needs = addressPolicies(chain);
  return function readPeer(c: Context): string {
    let address: string | undefined;
    if (peer) {
      try {
        address = peer(c);
      } catch (cause) {
        throw new PeerError('the `peer` option threw', cause);
      }
    } else {
      address = runtimePeer(c);
    }
    if (typeof address === 'string' && address !== '') return address;
    if (needs.length === 0) return '';
    throw new PeerError(
      `no client address on this runtime, and ${needs.map((p) => `\`${p}\``).join(', ')} ` +
        'judge it: pass the `peer` option, e.g. `bouncer(policy, { peer: (c) => getConnInfo(c).remote.address })`',
    );
  };
}

/** Why a request could not be judged: reported to `onError`, answered 500. */
export class PeerError extends Error {
  override name = 'PeerError';
  constructor(reason: string, cause?: unknown) {
    super(`@bouncer/hono: ${reason}`, cause === undefined ? undefined : { cause });
  }
}

/**
 * True where the runtime writes `Connection: close` itself when it will not read on (Deno.serve,
 * whose handler info carries `completed`): the chain's own would be sent a second time.
 */
export function runtimeClosesConnection(c: Context): boolean {
  return deliveredPromise(c) !== undefined;
}

/** Deno's `ServeHandlerInfo.completed`: settles when the response is delivered or the client is gone. */
export function deliveredPromise(c: Context): Promise<unknown> | undefined {
  const completed = (c.env as { completed?: unknown } | undefined)?.completed;
  return completed instanceof Promise ? completed : undefined;
}

/**
 * `raw` again with its body replaced by the bytes the chain read. On Deno, touching `raw.signal`
 * (as `new Request(raw, …)` does) prints its legacy-abort warning
 * (https://docs.deno.com/go/unstable-no-legacy-abort), so there the copy's signal follows the
 * client through `info.completed` instead, which rejects when the client goes away.
 */
export function replayRequest(c: Context, raw: Request, body: ArrayBuffer): Request {
  const completed = deliveredPromise(c);
  if (!completed) return new Request(raw, { body });
  const controller = new AbortController();
  completed.catch((reason) => controller.abort(reason));
  return new Request(raw.url, { method: raw.method, headers: raw.headers, body, signal: controller.signal });
}
