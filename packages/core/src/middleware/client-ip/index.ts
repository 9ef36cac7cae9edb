import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import type { Middleware, Next } from '../../types';
import { parseForwarded, parseXForwardedFor } from '../../utils/forwarded';
import { normaliseIp } from '../../utils/ip';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { compileTrust, resolveClientIp, type TrustProxy } from './resolve';

export { type CompiledTrust, compileTrust, resolveClientIp, type TrustProxy } from './resolve';

export interface ClientIpOptions {
  /**
   * Which hops are trusted proxies: `false`, a hop count (`1` = one proxy in front), addresses and
   * CIDR ranges (array or comma-separated string, with the names `loopback`, `linklocal`,
   * `uniquelocal`), or `(addr, hop) => boolean`. `true` is refused: it makes the address spoofable.
   * @default false
   */
  trustProxy?: TrustProxy;
  /**
   * The one forwarding header read. The other is ignored entirely, even when the chosen one is
   * absent: falling back would let a client write the header the proxy does not manage.
   * @default 'x-forwarded-for'
   */
  header?: 'x-forwarded-for' | 'forwarded';
  /** Receives the one-time warning about forwarding headers arriving while no proxy is trusted. @default console.warn */
  warn?: (message: string) => void;
}

const KNOWN = ['trustProxy', 'header', 'warn'];

/**
 * Sets `ctx.req.ip` to the client's canonical address, resolved through trusted proxies only.
 * Mount it first: `ipFilter`, `rateLimit` and the access log all read `ctx.req.ip`.
 *
 * @example
 * compose([clientIp({ trustProxy: 'loopback' }), ipFilter({ deny: ['203.0.113.0/24'] })]);
 */
export function clientIp(options: ClientIpOptions = {}): Middleware {
  assertKnownKeys('clientIp', options, KNOWN);
  const trust = compileTrust(options.trustProxy);
  const header = options.header ?? 'x-forwarded-for';
  if (header !== 'x-forwarded-for' && header !== 'forwarded') {
    throw new ConfigError(
      'clientIp',
      'header',
      `must be 'x-forwarded-for' or 'forwarded', got ${show(header)}`,
    );
  }
  const warn = options.warn ?? ((message: string) => console.warn(message));
  if (typeof warn !== 'function')
    throw new ConfigError('clientIp', 'warn', `must be a function, got ${show(warn)}`);
  const parse = header === 'forwarded' ? parseForwarded : parseXForwardedFor;
  const trusting = options.trustProxy !== undefined && options.trustProxy !== false;
  let warned = false;

  if (!trusting) {
    return function clientIp(ctx: Context, next: Next) {
      ctx.req.ip = normaliseIp(ctx.req.peer) ?? ctx.req.peer;
      if (
        !warned &&
        (ctx.req.header('x-forwarded-for') !== undefined || ctx.req.header('forwarded') !== undefined)
      ) {
        warned = true;
        warn(
          'bouncer clientIp: a request arrived with X-Forwarded-For/Forwarded but trustProxy is off, so ' +
            'the socket address is used: behind a proxy every client shares its address (and its rate ' +
            'limit). If a proxy is in front, set `trustProxy` to its addresses or hop count.',
        );
      }
      return next();
    };
  }

  return function clientIp(ctx: Context, next: Next) {
    const lines = ctx.req.headerValues(header);
    ctx.req.ip = resolveClientIp(ctx.req.peer, lines.length === 0 ? lines : parse(lines), trust);
    return next();
  };
}
