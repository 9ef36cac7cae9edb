// Rate-limit keys: the client address grouped by network, a subject, or a caller's own key, each
// in its own namespace so that no value of one kind can ever equal a value of another.
import type ipaddr from 'ipaddr.js';
import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { BoundedCache } from '../../utils/bounded-cache';
import { ipv6Network, lookupIp, MAX_IP_TEXT } from '../../utils/ip';
import { show } from '../../utils/policy-options';
import { sha256Base64url } from '../../utils/sha256';

/** Keys longer than this are shortened to a prefix plus a hash, so stored keys stay small. */
const MAX_KEY = 200;

/**
 * The bucket of an address: IPv4 by itself (/32), IPv6 by its `/prefix` network, because one
 * subscriber usually holds a whole /56 or /64 and can rotate through it (express-rate-limit v8).
 * IPv4-mapped IPv6 keys as IPv4 (CVE-2026-30827: all IPv4 clients once shared `::/56`).
 * An unparsable address (a socket already gone) shares one `ip:unknown` bucket.
 */
function ipKey(ip: string, ipv6Prefix: number): string {
  const info = lookupIp(ip);
  if (info === undefined) return 'ip:unknown';
  if (info.addr.kind() === 'ipv4') return `ip:${info.text}`;
  return `ip:${ipv6Network(info.addr as ipaddr.IPv6, ipv6Prefix)}`;
}

/**
 * `prefix + ipKey(ip, ipv6Prefix)`, memoised per address text: a repeat client's store key is one
 * `Map` lookup, with no parse and no string building. Bounded, so fresh addresses only churn it.
 */
function ipKeyMemo(prefix: string, ipv6Prefix: number): (ip: string) => string {
  const keys = new BoundedCache<string>(4096);
  return function ipKeyOf(ip: string): string {
    let key = keys.get(ip);
    if (key === undefined) {
      key = prefix + ipKey(ip, ipv6Prefix);
      if (typeof ip === 'string' && ip.length <= MAX_IP_TEXT) keys.set(ip, key);
    }
    return key;
  };
}

/**
 * The store key of a request for the `key` option, under `prefix` (the policy name): the address,
 * the authenticated subject (else the address), or the caller's own key, each in its namespace.
 */
export function keyFunction(
  key: 'ip' | 'subject' | ((ctx: Context<any>) => string),
  prefix: string,
  ipv6Prefix: number,
): (ctx: Context<any>) => string {
  const ipKeyOf = ipKeyMemo(prefix, ipv6Prefix);
  if (key === 'ip') return (ctx) => ipKeyOf(ctx.req.ip);
  if (key === 'subject') {
    return (ctx) => {
      const sub = (ctx.state as { auth?: { sub?: unknown } }).auth?.sub;
      return typeof sub === 'string' && sub !== '' ? prefix + namespaced('sub', sub) : ipKeyOf(ctx.req.ip);
    };
  }
  if (typeof key === 'function') {
    return (ctx) => {
      const value = key(ctx);
      if (typeof value !== 'string' || value === '') {
        throw new TypeError(
          `rateLimit: the \`key\` function must return a non-empty string, got ${show(value)}`,
        );
      }
      return prefix + namespaced('key', value);
    };
  }
  throw new ConfigError('rateLimit', 'key', `must be 'ip', 'subject' or a function, got ${show(key)}`);
}

/** `kind:` + `value`, long values shortened to their first 64 characters and their SHA-256. */
function namespaced(kind: 'sub' | 'key', value: string): string {
  const full = `${kind}:${value}`;
  if (value.length <= MAX_KEY) return full;
  let short = longKeys.get(full);
  if (short === undefined) {
    short = `${kind}:${value.slice(0, 64)}…${sha256Base64url(value)}`;
    if (value.length <= MAX_MEMO) longKeys.set(full, short);
  }
  return short;
}

// A long key is shortened with a cryptographic hash: a subject or a custom key can come from the
// client, and with a plain hash a client could craft two values with one stored key and spend, or
// exhaust, someone else's quota. The digest of a value is the same in every process (instances
// sharing Redis agree on the key). It costs a few microseconds per request whose key is over
// 200 characters, so the shortened keys of values up to 1 KiB are remembered (at most 1024, about
// 1 MiB); all other keys never reach it.
const MAX_MEMO = 1024;
const longKeys = new BoundedCache<string>(1024);
