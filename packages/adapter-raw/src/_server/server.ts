import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ConfigError, type Middleware, type State } from '@bouncer/core';
import { Connection } from './connection';
import type { Handler } from './exchange';
import { type RawServerOptions, type ResolvedOptions, type ServerCore, serverCore } from './server-options';

export interface ListenAddress {
  port: number;
  address: string;
  family: string;
}

export interface CloseOptions {
  /** Milliseconds to let in-flight requests finish before the remaining connections are destroyed. @default 10000 */
  deadline?: number;
}

/**
 * A strict HTTP/1.1 server on `node:net`, running a Bouncer chain around the handler.
 *
 * @example
 * const server = createServer({ chain: compose([securityHeaders()]), handler: router.handle });
 * const { port } = await server.listen(0, '127.0.0.1');
 */
export class RawServer<S extends object = State> {
  /** The chain run around the handler (`options.chain`), read by route audits. */
  readonly chain: Middleware<any> | undefined;
  /** The application (`options.handler`), read by route audits. */
  readonly handler: Handler<any>;
  readonly #core: ServerCore;
  readonly #net: Server;
  readonly #connections = new Set<Connection>();
  #onIdle: (() => void) | undefined;

  constructor(options: RawServerOptions<S>) {
    this.#core = serverCore(options, (connection) => this.#forget(connection as Connection));
    this.chain = options.chain;
    this.handler = options.handler;
    // The socket stays half-open so that `Connection` decides what a client's FIN means
    // (options.allowHalfOpen): node would otherwise end our side before we could answer.
    const { tls, maxConnections } = this.#core.options;
    this.#net = tls === undefined ? this.#plain() : this.#secure(tls);
    if (maxConnections > 0) this.#net.maxConnections = maxConnections;
  }

  /** Starts listening; resolves with the bound address (use port 0 for an ephemeral port). */
  listen(port = 0, host = '127.0.0.1'): Promise<ListenAddress> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.#net.once('error', onError);
      this.#net.listen(port, host, () => {
        this.#net.off('error', onError);
        resolve(this.address()!);
      });
    });
  }

  address(): ListenAddress | null {
    const a = this.#net.address();
    if (a === null || typeof a === 'string') return null;
    return { port: a.port, address: a.address, family: a.family };
  }

  /** Number of open connections. */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * Graceful shutdown: stop accepting, let in-flight requests finish (their answers say
   * `Connection: close`), close idle keep-alive connections; after `deadline`, destroy the rest.
   */
  close(options: CloseOptions = {}): Promise<void> {
    const deadline = options.deadline ?? 10_000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        for (const c of this.#connections) c.destroy();
      }, deadline);
      timer.unref();
      let listening = true;
      const settle = () => {
        if (listening || this.#connections.size > 0) return;
        clearTimeout(timer);
        this.#onIdle = undefined;
        resolve();
      };
      this.#onIdle = settle;
      this.#net.close(() => {
        listening = false;
        settle();
      });
      for (const c of this.#connections) c.shutdown();
    });
  }

  #forget(connection: Connection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0) this.#onIdle?.();
  }

  #plain(): Server {
    return createNetServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.#accept(socket));
  }

  /**
   * The same server on node:tls: ALPN offers `http/1.1` only (RFC 7301; a client that insists on
   * h2 gets the `no_application_protocol` alert), and the HTTP connection starts once the
   * handshake is done, so every HTTP limit and timer applies to decrypted bytes as it does in clear.
   */
  #secure(tls: NonNullable<ResolvedOptions['tls']>): Server {
    let server: Server;
    try {
      server = createTlsServer(
        { ...tls, ALPNProtocols: ['http/1.1'], allowHalfOpen: true, noDelay: true },
        (socket) => this.#accept(socket),
      );
    } catch (error) {
      throw new ConfigError('createServer', 'tls', `was refused by node:tls: ${(error as Error).message}`);
    }
    // A failed or timed-out handshake (garbage, plain HTTP, an unknown CA on the client side):
    // nothing was decrypted, so there is nobody to answer; the socket just goes.
    server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
    return server;
  }

  #accept(socket: Socket): void {
    this.#connections.add(new Connection(socket, this.#core));
  }
}

/** Creates a `RawServer` (see `RawServerOptions` for every limit and its default). */
export function createServer<S extends object = State>(options: RawServerOptions<S>): RawServer<S> {
  return new RawServer(options);
}
