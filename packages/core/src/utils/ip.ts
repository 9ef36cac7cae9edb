// Strict IP address parsing and one canonical text form, shared by every address-based policy,
// so that the IP filter, the rate limiter and the logs can never disagree about who a client is.
import ipaddr, { type IPv4, type IPv6 } from 'ipaddr.js';
import { BoundedCache } from './bounded-cache';

// Named type imports, so the published declarations need no `esModuleInterop` (ipaddr.js is `export =`).
export type IpAddress = IPv4 | IPv6;

/** Longest textual IPv6 address: eight groups with the last two written as a dotted quad (RFC 4291 §2.2). */
export const MAX_IP_TEXT = 45;
const MAX_TEXT = MAX_IP_TEXT;

/** Hex digits, `:` and `.`; anything else (zone `%`, brackets, spaces, signs) is refused up front. */
function isAddressChar(c: number): boolean {
  return (
    (c >= 48 && c <= 58) /* 0-9 : */ ||
    c === 46 /* . */ ||
    (c >= 65 && c <= 70) /* A-F */ ||
    (c >= 97 && c <= 102) /* a-f */
  );
}

/**
 * Parses `text` as written, without unmapping: IPv4 only as four canonical decimal parts (no
 * inet_aton hex, octal or short forms such as `0x7f.0.0.1`, `0177.0.0.1`, `127.1`: hono edbf6eea);
 * IPv6 per RFC 4291 §2.2, an embedded IPv4 tail held to the same strict dotted quad.
 *
 * Zone ids (`fe80::1%eth0`) are rejected, not stripped: RFC 4007 §11 makes the zone part of the
 * address's meaning (the same `fe80::1` on two links is two hosts), so stripping it would merge them.
 */
export function parseIpLiteral(text: string): IpAddress | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_TEXT) return undefined;
  if (text.indexOf(':') === -1) {
    return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
  }
  for (let i = 0; i < text.length; i++) if (!isAddressChar(text.charCodeAt(i))) return undefined;
  let v6 = text;
  const dot = text.indexOf('.');
  if (dot !== -1) {
    // Rewrite the dotted tail as two hex groups ourselves: ipaddr.js reads `::1.2.3.4` (an
    // IPv4-compatible address, RFC 4291 §2.5.5.1) as IPv4-mapped, which would make the notation,
    // not the value, decide whether an address is IPv4 (express-rate-limit PR #667).
    const colon = text.lastIndexOf(':');
    if (dot < colon) return undefined;
    const tail = text.slice(colon + 1);
    if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
    const o = ipaddr.IPv4.parse(tail).octets;
    v6 = `${text.slice(0, colon + 1)}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`;
  }
  if (!ipaddr.IPv6.isValid(v6)) return undefined;
  return ipaddr.IPv6.parse(v6);
}

/**
 * Parses a client address strictly and folds IPv4-mapped IPv6 (`::ffff:0:0/96`, in any notation:
 * `::ffff:1.2.3.4`, `::ffff:102:304`) to the IPv4 address it carries. Other ranges that embed
 * IPv4 (`64:ff9b::/96`, `::/96`) stay IPv6. Returns undefined for anything that is not an address.
 */
export function parseIp(text: string): IpAddress | undefined {
  const addr = parseIpLiteral(text);
  if (addr !== undefined && addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) {
    return (addr as ipaddr.IPv6).toIPv4Address();
  }
  return addr;
}

/** Canonical text: dotted decimal for IPv4, RFC 5952 (lower-case, compressed) for IPv6. */
export function formatIp(addr: IpAddress): string {
  return addr.kind() === 'ipv4' ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
}

/** `parseIp` then `formatIp`: the one spelling of an address used in keys, lists and logs. */
export function normaliseIp(text: string): string | undefined {
  const addr = parseIp(text);
  return addr === undefined ? undefined : formatIp(addr);
}

/** The network `addr` belongs to at `bits` (IPv6 only), as `prefix/bits` text. */
export function ipv6Network(addr: ipaddr.IPv6, bits: number): string {
  const parts = addr.parts.slice();
  for (let i = 0; i < 8; i++) {
    const keep = Math.min(16, Math.max(0, bits - i * 16));
    parts[i] = keep === 0 ? 0 : parts[i] & ((0xffff << (16 - keep)) & 0xffff);
  }
  return `${new ipaddr.IPv6(parts).toRFC5952String()}/${bits}`;
}

/** A parsed client address and its canonical text, shared read-only by the policies (never mutate `addr`). */
export interface IpInfo {
  readonly addr: IpAddress;
  readonly text: string;
}

/**
 * Parse results per address text. Every request's address is parsed by `clientIp`, then looked
 * up again by `ipFilter` and `rateLimit`: a repeat client costs one `Map` lookup instead of three
 * ipaddr.js parses. 8192 entries is a few hundred kB of heap at most.
 */
const parsed = new BoundedCache<IpInfo | null>(8192);

/**
 * `parseIp` plus the canonical text, memoised per input text (bounded: a flood of fresh
 * addresses churns the memo, never grows it). Undefined for anything that is not an address.
 */
export function lookupIp(text: string): IpInfo | undefined {
  if (typeof text !== 'string' || text.length > MAX_TEXT) return undefined;
  let info = parsed.get(text);
  if (info === undefined) {
    const addr = parseIp(text);
    info = addr === undefined ? null : { addr, text: formatIp(addr) };
    parsed.set(text, info);
    // The canonical spelling is what `clientIp` hands on to the other policies.
    if (info !== null && info.text !== text) parsed.set(info.text, info);
  }
  return info ?? undefined;
}
