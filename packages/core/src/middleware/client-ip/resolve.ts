// The one client-address resolver: a pure walk over the forwarding chain, shared by `clientIp`
// and by anything else (logs, tests) that needs the same answer.
import { ConfigError } from '../../errors';
import { compileIpList, toList } from '../../utils/cidr';
import { lookupNode } from '../../utils/forwarded';
import { formatIp, type IpAddress, type IpInfo, lookupIp } from '../../utils/ip';
import { show } from '../../utils/policy-options';

/** Decides whether the hop at `hop` (0 = the socket peer, 1 = the rightmost forwarded entry, …) is a proxy we trust. */
export type CompiledTrust = (addr: IpAddress, hop: number) => boolean;

/**
 * Which hops are trusted proxies: `false` (none), a hop count, addresses / CIDR ranges / the names
 * `loopback`, `linklocal`, `uniquelocal` (array or comma-separated string), or a predicate that
 * receives each hop's canonical address and its index (0 = the socket peer).
 */
export type TrustProxy =
  | false
  | number
  | string
  | readonly string[]
  | ((addr: string, hop: number) => boolean);

const NONE: CompiledTrust = () => false;

/** Compiles a `trustProxy` option once; bad values throw `ConfigError` naming `middleware`. */
export function compileTrust(trust: TrustProxy | undefined, middleware = 'clientIp'): CompiledTrust {
  if (trust === undefined || trust === false) return NONE;
  if ((trust as unknown) === true) {
    throw new ConfigError(
      middleware,
      'trustProxy',
      'cannot be `true`: trusting every hop makes the client address whatever the client writes in ' +
        'X-Forwarded-For (express-rate-limit #134). Give the proxy addresses (e.g. `loopback` or ' +
        "'10.0.0.0/8') or the number of proxies in front of the server",
    );
  }
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 1) {
      throw new ConfigError(
        middleware,
        'trustProxy',
        `must be a whole number of proxies ≥ 1, got ${show(trust)} (use \`false\` for none)`,
      );
    }
    // proxy-addr semantics: `n` trusts the socket peer and the n − 1 hops behind it.
    return (_addr, hop) => hop < trust;
  }
  if (typeof trust === 'function') {
    return (addr, hop) => trust(formatIp(addr), hop) === true;
  }
  if (typeof trust === 'string' || Array.isArray(trust)) {
    const list = toList(trust);
    if (list.length === 0) {
      throw new ConfigError(middleware, 'trustProxy', 'is an empty list: use `false` to trust no proxy');
    }
    const match = compileIpList(list, (entry, reason) => {
      throw new ConfigError(middleware, 'trustProxy', `entry ${show(entry)} ${reason}`);
    });
    return (addr) => match(addr);
  }
  throw new ConfigError(
    middleware,
    'trustProxy',
    `must be false, a hop count, a list of addresses/ranges or a function, got ${show(trust)}`,
  );
}

/**
 * The client address behind `peer`: walks `forwarded` (forwarded-for entries, client first, as
 * returned by `parseXForwardedFor` / `parseForwarded`) from the right, starting at the peer, and
 * stops at the first hop that is not a trusted proxy: that hop is the client. An entry that is not
 * an address (`unknown`, `_hidden`, `1.2.3`, empty) ends the walk too, and the last trusted hop is
 * answered instead: garbage never becomes a client address (unlike proxy-addr, which returns it).
 * When every hop is trusted, the leftmost one is the client. A peer that is not an address is
 * returned as given, so policies can fail closed on it.
 */
export function resolveClientIp(peer: string, forwarded: readonly string[], trust: CompiledTrust): string {
  const first = lookupIp(peer);
  if (first === undefined) return peer;
  if (!trust(first.addr, 0)) return first.text;
  return walkForwarded(forwarded, trust) ?? first.text;
}

/**
 * The walk behind a trusted peer: the client among the `forwarded` hops, or undefined when the
 * nearest hop is not an address (the peer is the client then). It does not depend on the peer's
 * own address, so its answer can be memoised per forwarding line.
 */
export function walkForwarded(forwarded: readonly string[], trust: CompiledTrust): string | undefined {
  let client: IpInfo | undefined;
  for (let i = forwarded.length - 1, hop = 1; i >= 0; i--, hop++) {
    const next = lookupNode(forwarded[i]);
    if (next === undefined) break;
    client = next;
    if (!trust(next.addr, hop)) break;
  }
  return client?.text;
}
