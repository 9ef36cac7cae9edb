import type { TlsOptions } from 'node:tls';
import { ConfigError, type Middleware, type State } from '@bouncer/core';
import { assertKnownKeys } from '@bouncer/core/adapter';
import { CannedAnswers, DEFAULT_ERROR_HEADERS, resolveErrorHeaders } from './canned';
import type { Handler } from './exchange';

/**
 * `node:tls` server options (`key`, `cert`, `ca`, `pfx`, `passphrase`, `minVersion`, `SNICallback`, …).
 * ALPN is the server's: it offers `http/1.1` only. `handshakeTimeout` (ms, default 10000) bounds
 * the TLS handshake, before `headersTimeout` starts.
 */
export type RawTlsOptions = Omit<TlsOptions, 'ALPNProtocols' | 'ALPNCallback' | 'allowHalfOpen'>;

/** Options of `createServer()`; the names are node:http's where node has the same knob. */
export interface RawServerOptions<S extends object = State> {
  /** The application: `router.handle` or any `(req, res, state) => unknown`. */
  handler: Handler<S>;
  /** A Bouncer chain (e.g. from `compose([...])`) run around the handler for every request. */
  chain?: Middleware<S>;
  /** Bytes of request-line plus header section; more → 431. @default 16384 */
  maxHeaderSize?: number;
  /** Field lines per header section; more → 431 (node silently drops them instead). @default 100 */
  maxHeadersCount?: number;
  /** Bytes of request-target; more → 414 (RFC 9112 §3). @default 8192 */
  maxRequestTargetLength?: number;
  /** Milliseconds to receive a complete header section; then 408 and close. 0 disables. @default 60000 */
  headersTimeout?: number;
  /** Milliseconds to receive a whole request (head and body); then 408 and close. 0 disables. @default 300000 */
  requestTimeout?: number;
  /** Milliseconds an idle kept-alive connection stays open. 0 disables. @default 5000 */
  keepAliveTimeout?: number;
  /** Requests served per connection; the last answer says `Connection: close`. 0 = unlimited. @default 0 */
  maxRequestsPerSocket?: number;
  /** Concurrent connections; more are dropped as they arrive. 0 = unlimited. @default 0 */
  maxConnections?: number;
  /** Body bytes actually received per request (any framing); more → 413. @default 1048576 */
  maxBodySize?: number;
  /** Bytes buffered per connection before `write()` returns false and reading pauses. @default 16384 */
  highWaterMark?: number;
  /**
   * Keep serving a client that half-closed (sent FIN after its requests): answer what it sent,
   * then close. Off, as in node:http, a FIN while answers are pending aborts them and destroys
   * the connection. @default false
   */
  allowHalfOpen?: boolean;
  /**
   * Fields added to every answer the server writes itself (framing errors, timeouts, a failed
   * handler's 500); replaces the default, `{}` adds none. Framing fields are the server's.
   * @default { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' }
   */
  errorHeaders?: Record<string, string>;
  /** Receives unexpected errors (a throwing handler, a broken middleware). @default console.error */
  onError?: (error: unknown) => void;
  /** Serve HTTPS: the same parser, limits and timeouts over `node:tls`; requests see `scheme` `https`. */
  tls?: RawTlsOptions;
}

type NumericOption = Exclude<
  keyof RawServerOptions,
  'chain' | 'onError' | 'handler' | 'allowHalfOpen' | 'errorHeaders' | 'tls'
>;

export interface ResolvedOptions extends Required<Pick<RawServerOptions<any>, NumericOption>> {
  allowHalfOpen: boolean;
  /** Validated `errorHeaders` as name/value pairs. */
  errorHeaders: readonly (readonly [string, string])[];
  /** The `Keep-Alive` field line of persistent answers, or `''` when `keepAliveTimeout` is 0. */
  keepAliveField: string;
  /** The TLS server options as given, with `handshakeTimeout` filled in; undefined for plain HTTP. */
  tls: RawTlsOptions | undefined;
}

/** Node's default handshake timeout is 120 s, a long time for a slowloris to hold a socket. */
const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

const DEFAULTS = {
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 100,
  maxRequestTargetLength: 8 * 1024,
  headersTimeout: 60_000,
  requestTimeout: 300_000,
  keepAliveTimeout: 5_000,
  maxRequestsPerSocket: 0,
  maxConnections: 0,
  maxBodySize: 1024 * 1024,
  highWaterMark: 16 * 1024,
} satisfies Pick<ResolvedOptions, NumericOption>;

const KNOWN = [
  ...Object.keys(DEFAULTS),
  'handler',
  'chain',
  'allowHalfOpen',
  'errorHeaders',
  'onError',
  'tls',
];

/** Options whose zero means "off" rather than "nothing allowed". */
const ZERO_OK = new Set([
  'headersTimeout',
  'requestTimeout',
  'keepAliveTimeout',
  'maxRequestsPerSocket',
  'maxConnections',
]);

/** What a connection needs from its server: its own part of it, which the public `RawServer` hides. */
export interface ServerCore {
  readonly options: ResolvedOptions;
  readonly chain: Middleware<any> | undefined;
  readonly handler: Handler<any>;
  /** `https` when the server runs on node:tls. */
  readonly scheme: 'http' | 'https';
  /** The framing-error answers, built once with `errorHeaders`. */
  readonly canned: CannedAnswers;
  reportError(error: unknown): void;
  forget(connection: unknown): void;
}

/**
 * Checks the options and builds what every connection shares. `forget` is told when a connection
 * has closed.
 */
export function serverCore(
  options: RawServerOptions<any>,
  forget: (connection: unknown) => void,
): ServerCore {
  const resolved = resolveOptions(options);
  const onError = options.onError;
  return {
    options: resolved,
    chain: options.chain,
    handler: options.handler,
    scheme: resolved.tls === undefined ? 'http' : 'https',
    canned: new CannedAnswers(resolved.errorHeaders),
    reportError(error: unknown): void {
      if (onError) {
        try {
          onError(error);
          return;
        } catch (reporterError) {
          error = reporterError;
        }
      }
      console.error(error);
    },
    forget,
  };
}

/** Merges defaults once and rejects bad values with a `ConfigError` naming the option. */
function resolveOptions(options: RawServerOptions<any>): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('createServer', 'options', `must be an object, got ${String(options)}`);
  }
  assertKnownKeys('createServer', options, KNOWN);
  if (typeof options.handler !== 'function') {
    throw new ConfigError(
      'createServer',
      'handler',
      `must be a function (req, res, state), got ${typeof options.handler}`,
    );
  }
  if (options.chain !== undefined && typeof options.chain !== 'function') {
    throw new ConfigError(
      'createServer',
      'chain',
      `must be a Bouncer middleware, got ${typeof options.chain}`,
    );
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('createServer', 'onError', `must be a function, got ${typeof options.onError}`);
  }
  if (options.allowHalfOpen !== undefined && typeof options.allowHalfOpen !== 'boolean') {
    throw new ConfigError(
      'createServer',
      'allowHalfOpen',
      `must be a boolean, got ${String(options.allowHalfOpen)}`,
    );
  }
  const out: ResolvedOptions = {
    ...DEFAULTS,
    allowHalfOpen: options.allowHalfOpen ?? false,
    errorHeaders: resolveErrorHeaders(options.errorHeaders ?? DEFAULT_ERROR_HEADERS),
    keepAliveField: '',
    tls: resolveTls(options.tls),
  };
  for (const key of Object.keys(DEFAULTS) as NumericOption[]) {
    const value = options[key];
    if (value === undefined) continue;
    const min = ZERO_OK.has(key) ? 0 : 1;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new ConfigError('createServer', key, `must be an integer ≥ ${min}, got ${String(value)}`);
    }
    out[key] = value;
  }
  if (out.requestTimeout > 0 && out.headersTimeout > out.requestTimeout) {
    throw new ConfigError(
      'createServer',
      'headersTimeout',
      `(${out.headersTimeout}) must not exceed requestTimeout (${out.requestTimeout})`,
    );
  }
  if (out.maxHeaderSize > 1024 * 1024) {
    throw new ConfigError('createServer', 'maxHeaderSize', `must be at most 1 MiB, got ${out.maxHeaderSize}`);
  }
  out.keepAliveField = keepAliveField(out.keepAliveTimeout, out.maxRequestsPerSocket);
  return out;
}

function resolveTls(tls: unknown): RawTlsOptions | undefined {
  if (tls === undefined) return undefined;
  if (tls === null || typeof tls !== 'object' || Array.isArray(tls)) {
    throw new ConfigError('createServer', 'tls', `must be node:tls server options, got ${String(tls)}`);
  }
  const o = tls as RawTlsOptions & Record<string, unknown>;
  if (o.ALPNProtocols !== undefined || o.ALPNCallback !== undefined) {
    throw new ConfigError('createServer', 'tls', 'may not set ALPN: the server speaks http/1.1 only');
  }
  const hasIdentity =
    (o.key !== undefined && o.cert !== undefined) || o.pfx !== undefined || o.SNICallback !== undefined;
  if (!hasIdentity) {
    throw new ConfigError('createServer', 'tls', 'needs `key` and `cert` (or `pfx`, or an `SNICallback`)');
  }
  const timeout = o.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 1) {
    throw new ConfigError(
      'createServer',
      'tls',
      `handshakeTimeout must be an integer ≥ 1 (ms), got ${String(o.handshakeTimeout)}`,
    );
  }
  return { ...o, handshakeTimeout: timeout };
}

/**
 * `Keep-Alive: timeout=N[, max=M]` as node:http sends it (RFC 2068 §19.7.1.1): clients that keep
 * idle sockets (undici, browsers) then stop reusing one before the server closes it, instead of
 * racing our idle timer with a request on a socket that is being closed.
 */
function keepAliveField(timeoutMs: number, maxRequests: number): string {
  if (timeoutMs === 0) return '';
  const max = maxRequests > 0 ? `, max=${maxRequests}` : '';
  return `Keep-Alive: timeout=${Math.floor(timeoutMs / 1000)}${max}\r\n`;
}
