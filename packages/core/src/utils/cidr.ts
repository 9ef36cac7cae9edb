// Address lists (single addresses, CIDR ranges, named ranges) compiled once into a matcher.
import type ipaddr from 'ipaddr.js';
import { type IpAddress, parseIpLiteral } from './ip';
import { closestName } from './policy-options';

/** Ranges proxies usually sit in, under the names Express's `trust proxy` uses. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  // RFC 3927 and RFC 4291 §2.5.6.
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  // RFC 1918 private IPv4 and RFC 4193 unique local IPv6.
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

export interface CidrRange {
  addr: IpAddress;
  bits: number;
}

/** A prefix length: decimal digits without sign or leading zero (`/08`, `/+8`, `/-1` are refused: hono c831020f). */
function parsePrefix(text: string, max: number): number | undefined {
  if (text.length === 0 || text.length > 3) return undefined;
  if (text.length > 1 && text.charCodeAt(0) === 48) return undefined;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    n = n * 10 + (c - 48);
  }
  return n <= max ? n : undefined;
}

/**
 * Parses `addr` or `addr/bits` strictly. An IPv4-mapped range (`::ffff:10.0.0.0/104`) becomes the
 * IPv4 range it covers (`10.0.0.0/8`); one shorter than /96 spans more than the mapped block and is
 * refused (a naive `bits - 96` would go negative and match everything). Returns a reason on failure.
 */
export function parseCidr(entry: string): CidrRange | string {
  if (typeof entry !== 'string') return 'is not a string';
  const slash = entry.indexOf('/');
  const addrText = slash === -1 ? entry : entry.slice(0, slash);
  const addr = parseIpLiteral(addrText);
  if (addr === undefined) return 'is not an IPv4 (four decimal parts) or IPv6 address';
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  const bits = slash === -1 ? max : parsePrefix(entry.slice(slash + 1), max);
  if (bits === undefined) return `has an invalid prefix length (0 to ${max}, no leading zeros)`;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    if (bits < 96) return 'is an IPv4-mapped range shorter than /96';
    return { addr: (addr as ipaddr.IPv6).toIPv4Address(), bits: bits - 96 };
  }
  return { addr, bits };
}

/** Tests a parsed (already unmapped) address against a compiled list. */
export type IpMatcher = (addr: IpAddress) => boolean;

/**
 * Compiles entries (addresses, CIDR ranges, `loopback` / `linklocal` / `uniquelocal`) once.
 * `onInvalid(entry, reason)` must throw; it is called for the first bad entry.
 */
export function compileIpList(
  entries: readonly string[],
  onInvalid: (entry: string, reason: string) => never,
): IpMatcher {
  // IPv4 ranges as 32-bit network/mask pairs: the per-request test is two integer operations.
  const v4: number[] = [];
  const v6: [ipaddr.IPv6, number][] = [];
  const add = (entry: string): void => {
    const name = entry.trim().toLowerCase();
    if (Object.hasOwn(NAMED_RANGES, name)) {
      for (const range of NAMED_RANGES[name]) add(range);
      return;
    }
    const range = parseCidr(entry.trim());
    if (typeof range === 'string') onInvalid(entry, explain(name, range));
    const { addr, bits } = range as CidrRange;
    if (addr.kind() === 'ipv4') {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      v4.push((toUint32(addr as ipaddr.IPv4) & mask) >>> 0, mask);
    } else {
      v6.push([addr as ipaddr.IPv6, bits]);
    }
  };
  for (const entry of entries) {
    if (typeof entry !== 'string') onInvalid(String(entry), 'is not a string');
    add(entry);
  }
  return function matchIp(addr: IpAddress): boolean {
    if (addr.kind() === 'ipv4') {
      const n = toUint32(addr as ipaddr.IPv4);
      for (let i = 0; i < v4.length; i += 2) if ((n & v4[i + 1]) >>> 0 === v4[i]) return true;
      return false;
    }
    for (const range of v6) if ((addr as ipaddr.IPv6).match(range)) return true;
    return false;
  };
}

/** A bad entry that was meant as a range name gets the names listed, and the closest one named. */
function explain(name: string, reason: string): string {
  if (!/^[a-z]+$/.test(name)) return reason;
  const names = Object.keys(NAMED_RANGES);
  const hint = closestName(name, names);
  return `is not an address, a CIDR range or a range name (${names.join(', ')})${hint ? `: did you mean \`${hint}\`?` : ''}`;
}

function toUint32(addr: ipaddr.IPv4): number {
  const o = addr.octets;
  return ((o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3]) >>> 0;
}

/** Splits a list option given as one comma-separated string (`'loopback, 10.0.0.0/8'`) or an array. */
export function toList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : value;
}
