import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Middleware } from '@bouncer/core';
import { runChain, statusTitle } from '@bouncer/core/adapter';
import { UPGRADE_GUARD } from '@bouncer/core/audit';
import { UpgradeHost } from './upgrade-host';

export interface UpgradeGuardOptions {
  /** Receives unexpected errors thrown inside the chain (the handshake is refused with a 500). @default console.error */
  onError?: (error: unknown, req: IncomingMessage) => void;
}

/** A decided handshake: the state the chain left when it passed, or the refusal to write. */
type Verdict =
  | { pass: true; state: Record<string, unknown> }
  | {
      pass: false;
      status: number;
      body: Uint8Array | null;
      headers: Record<string, string | readonly string[]>;
    };

const states = new WeakMap<IncomingMessage, Record<string, unknown>>();

/**
 * The chain's state for an upgrade request it let through (`auth`, `requestId`…), for the
 * WebSocket `connection` handler: `wss.on('connection', (ws, req) => upgradeState(req).auth)`.
 */
export function upgradeState<S extends object = Record<string, unknown>>(
  req: IncomingMessage,
): S | undefined {
  return states.get(req) as S | undefined;
}

/** Runs the chain's inbound gates (IP filter, rate limit, CSRF, auth) on one handshake request. */
async function decide(
  chain: Middleware<any>,
  req: IncomingMessage,
  report: (error: unknown) => void,
): Promise<{ verdict: Verdict; host: UpgradeHost }> {
  const host = new UpgradeHost(req, report);
  const state: Record<string, unknown> = {};
  let passed = false;
  const ctx = await runChain(chain, host, state, async () => {
    passed = true;
  });
  if (passed && !ctx.response) {
    states.set(req, state);
    return { verdict: { pass: true, state }, host };
  }
  const answer = ctx.response ?? { status: 500, body: null };
  return {
    verdict: { pass: false, status: answer.status, body: answer.body, headers: host.headers() },
    host,
  };
}

/** The refusal as an HTTP/1.1 response on the raw socket, then the socket closed (RFC 6455 §4.2.2). */
function refuse(
  socket: Duplex,
  status: number,
  body: Uint8Array | null,
  headers: Record<string, string | readonly string[]>,
) {
  if (!socket.writable) {
    socket.destroy();
    return 0;
  }
  // RFC 9110 §15 reason phrases, from the core (no `node:http` import: Hono off Node loads this file).
  const lines = [`HTTP/1.1 ${status} ${statusTitle(status)}`];
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'connection' || lower === 'content-length') continue;
    for (const v of typeof value === 'string' ? [value] : value) lines.push(`${name}: ${v}`);
  }
  lines.push('Connection: close', `Content-Length: ${body ? body.byteLength : 0}`, '', '');
  socket.once('finish', () => socket.destroy());
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body ?? Buffer.alloc(0)]));
  return body ? body.byteLength : 0;
}

/**
 * Runs the bouncer on every HTTP upgrade (WebSocket handshake) the server receives, before any
 * `'upgrade'` listener sees it — those added before the call and after it (`new WebSocketServer({ server })`
 * adds one): a refused handshake is answered with the chain's status, headers and problem body
 * and the socket closed; an accepted one goes on to the listeners with its state in `upgradeState(req)`.
 * Node's http server hands upgrades to `'upgrade'` listeners only, never to the app: without this
 * guard a denied address with no token opens a socket. The route audit looks for it.
 *
 * @example
 * const server = app.listen(8080);
 * guardUpgrade(server, policy);
 * new WebSocketServer({ server });
 */
export function guardUpgrade<T extends Server>(
  server: T,
  chain: Middleware<any>,
  options: UpgradeGuardOptions = {},
): T {
  if (typeof chain !== 'function')
    throw new TypeError('guardUpgrade(server, chain) needs a middleware function');
  if (typeof (server as { emit?: unknown })?.emit !== 'function')
    throw new TypeError('guardUpgrade(server, chain) needs a node:http or node:https server');
  if ((server as unknown as Record<symbol, unknown>)[UPGRADE_GUARD])
    throw new TypeError('guardUpgrade: this server is already guarded');
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const emit = server.emit as (this: T, event: string | symbol, ...args: unknown[]) => boolean;
  // Node's http server announces an upgrade through `server.emit('upgrade', …)`, after pausing the
  // socket (`readableFlowing = null`), so bytes sent meanwhile wait for the listener that takes it.
  server.emit = function guardedEmit(this: T, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return emit.call(this, event, ...args);
    const [req, socket] = args as [IncomingMessage, Duplex, Buffer];
    // Node takes its own 'error' listener off the socket before announcing the upgrade, and the
    // upgrade listeners add theirs only once they have it: while the chain decides, a client that
    // resets the connection would otherwise raise an uncaught 'error' and bring the process down.
    const drop = () => socket.destroy();
    socket.on('error', drop);
    decide(chain, req, (error) => onError(error, req))
      .then(({ verdict, host }) => {
        if (verdict.pass) {
          socket.removeListener('error', drop);
          host.finished(0);
          emit.call(this, event, ...args);
          return;
        }
        host.finished(refuse(socket, verdict.status, verdict.body, verdict.headers));
      })
      .catch((error: unknown) => {
        onError(error, req);
        socket.destroy();
      });
    return true;
  } as T['emit'];
  Object.defineProperty(server, UPGRADE_GUARD, { value: chain });
  return server;
}

/** `ws`'s asynchronous `verifyClient(info, callback)`, as the `ws` package types it. */
export type VerifyClient = (
  info: { origin: string; secure: boolean; req: IncomingMessage },
  callback: (
    result: boolean,
    code?: number,
    message?: string,
    headers?: Record<string, string | string[]>,
  ) => void,
) => void;

/**
 * The same gates as `guardUpgrade`, as `ws`'s `verifyClient` option, for a `WebSocketServer` that
 * is given its own options: `new WebSocketServer({ server, verifyClient: verifyClient(policy) })`.
 * A refusal answers with the chain's status, headers and problem body. Prefer `guardUpgrade`: it
 * covers every upgrade listener, and the route audit can see it.
 */
export function verifyClient(chain: Middleware<any>, options: UpgradeGuardOptions = {}): VerifyClient {
  if (typeof chain !== 'function') throw new TypeError('verifyClient(chain) needs a middleware function');
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  return function bouncerVerifyClient(info, callback) {
    decide(chain, info.req, (error) => onError(error, info.req)).then(
      ({ verdict, host }) => {
        if (verdict.pass) {
          host.finished(0);
          callback(true);
          return;
        }
        const body = verdict.body ? Buffer.from(verdict.body).toString('utf8') : '';
        const headers: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(verdict.headers))
          headers[name] = typeof value === 'string' ? value : [...value];
        host.finished(verdict.body ? verdict.body.byteLength : 0);
        callback(false, verdict.status, body, headers);
      },
      (error: unknown) => {
        onError(error, info.req);
        callback(false, 500);
      },
    );
  };
}
