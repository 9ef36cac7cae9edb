import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { usesAddress } from '../../uses-address';
import { BoundedCache } from '../../utils/bounded-cache';
import { compileIpList, type IpMatcher, toList } from '../../utils/cidr';
import { lookupIp, MAX_IP_TEXT } from '../../utils/ip';
import { assertKnownKeys, show } from '../../utils/policy-options';

export interface IpFilterOptions {
  /**
   * Only these addresses, CIDR ranges (IPv4, IPv6, `::ffff:a.b.c.d/n`) or named ranges (`loopback`,
   * `linklocal`, `uniquelocal`) may pass. Applies only when given; an empty list is refused.
   * @default undefined (everyone not denied)
   */
  allow?: string | readonly string[];
  /** Addresses and ranges that never pass; deny wins over allow. @default undefined */
  deny?: string | readonly string[];
  /** The `detail` of the 403 problem body. @default 'Access from this address is not allowed.' */
  message?: string;
}

const KNOWN = ['allow', 'deny', 'message'];

function compile(
  option: 'allow' | 'deny',
  value: string | readonly string[] | undefined,
): IpMatcher | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && !Array.isArray(value)) {
    throw new ConfigError('ipFilter', option, `must be a list of addresses or ranges, got ${show(value)}`);
  }
  const list = toList(value);
  if (list.length === 0) {
    throw new ConfigError(
      'ipFilter',
      option,
      option === 'allow'
        ? 'is empty, which would refuse every client: leave it out to allow everyone not denied'
        : 'is empty: leave it out',
    );
  }
  return compileIpList(list, (entry, reason) => {
    throw new ConfigError('ipFilter', option, `entry ${show(entry)} ${reason}`);
  });
}

/**
 * Answers 403 to clients outside `allow` or inside `deny`, judged on `ctx.req.ip` (mount it after
 * `clientIp`). Addresses are compared by value, so every spelling matches: `2001:DB8::1`,
 * `2001:db8:0:0::1`, `::ffff:203.0.113.9` and `::ffff:cb00:7109` against `203.0.113.0/24`.
 * An address that does not parse fails closed when an allow list exists.
 *
 * @example
 * ipFilter({ allow: ['10.0.0.0/8', 'loopback'], deny: ['10.6.6.0/24'] });
 */
export function ipFilter(options: IpFilterOptions = {}): Middleware {
  assertKnownKeys('ipFilter', options, KNOWN);
  const allow = compile('allow', options.allow);
  const deny = compile('deny', options.deny);
  if (!allow && !deny)
    throw new ConfigError(
      'ipFilter',
      'allow',
      'or `deny` must be given: without either the filter does nothing',
    );
  const message = options.message ?? 'Access from this address is not allowed.';
  if (typeof message !== 'string')
    throw new ConfigError('ipFilter', 'message', `must be a string, got ${show(message)}`);

  // The lists are fixed, so the verdict is a pure function of the address text: memoised per
  // address (bounded, so a spray of fresh addresses only churns it).
  const verdicts = new BoundedCache<boolean>(4096);
  const refuses = (ip: string): boolean => {
    let refused = verdicts.get(ip);
    if (refused === undefined) {
      const info = lookupIp(ip);
      refused =
        info === undefined
          ? allow !== undefined
          : deny?.(info.addr) === true || (allow !== undefined && !allow(info.addr));
      if (typeof ip === 'string' && ip.length <= MAX_IP_TEXT) verdicts.set(ip, refused);
    }
    return refused;
  };

  return usesAddress(
    phased('ipFilter', {
      before(ctx: Context) {
        if (refuses(ctx.req.ip)) ctx.reject(403, message, 'ipFilter');
      },
    }),
    'ipFilter',
  );
}
