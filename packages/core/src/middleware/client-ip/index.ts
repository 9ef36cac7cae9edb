import { type Context, cutHeaders } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { usesAddress } from '../../uses-address';
import { BoundedCache } from '../../utils/bounded-cache';
import { parseForwarded, parseXForwardedFor } from '../../utils/forwarded';
import { lookupIp } from '../../utils/ip';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { compileTrust, type TrustProxy, walkForwarded } from './resolve';

export type { TrustProxy } from './resolve';

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

/** Longest forwarding line whose resolution is memoised (a few hops); longer ones are walked each time. */
const MAX_MEMO_LINE = 160;

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
    return phased('clientIp', {
      before(ctx: Context) {
        const peer = ctx.req.peer;
        ctx.req.ip = lookupIp(peer)?.text ?? peer;
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
      },
    });
  }

  // Behind a proxy, a client sends the same forwarding line request after request: the walk's
  // answer is memoised per line (bounded). It does not depend on the peer once the peer is
  // trusted. Not for a caller's predicate, which may change its mind: it is asked every time.
  const memo = typeof options.trustProxy === 'function' ? undefined : new BoundedCache<string | null>(4096);
  const walk = (lines: readonly string[]): string | undefined => {
    if (memo === undefined || lines.length !== 1 || lines[0].length > MAX_MEMO_LINE) {
      return walkForwarded(parse(lines), trust);
    }
    let client = memo.get(lines[0]);
    if (client === undefined) {
      client = walkForwarded(parse(lines), trust) ?? null;
      memo.set(lines[0], client);
    }
    return client ?? undefined;
  };

  // Trusting a proxy means judging the peer's address: without it, no forwarding line is read.
  const resolver = phased('clientIp', {
    before(ctx: Context) {
      // The host dropped field lines: the forwarding line a proxy appended last may be among
      // them, and the walk would stop at the proxy itself (its address, its rate-limit bucket).
      if (ctx.req.headersCut) throw cutHeaders();
      const peer = ctx.req.peer;
      const first = lookupIp(peer);
      if (first === undefined) {
        // Not an address (a socket already gone): passed on as is, so policies fail closed on it.
        ctx.req.ip = peer;
        return;
      }
      // An untrusted peer is the client: its forwarding headers are not even read.
      if (!trust(first.addr, 0)) {
        ctx.req.ip = first.text;
        return;
      }
      const lines = ctx.req.headerValues(header);
      ctx.req.ip = (lines.length === 0 ? undefined : walk(lines)) ?? first.text;
    },
  });
  return usesAddress(resolver, 'trustProxy');
}
