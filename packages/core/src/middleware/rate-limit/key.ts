// Rate-limit keys: the client address grouped by network, a subject, or a caller's own key, each
// in its own namespace so that no value of one kind can ever equal a value of another.
import type ipaddr from 'ipaddr.js';
import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { BoundedCache } from '../../utils/bounded-cache';
import { ipv6Network, lookupIp, MAX_IP_TEXT } from '../../utils/ip';
import { show } from '../../utils/policy-options';

/** Keys longer than this are shortened to a prefix plus a hash, so stored keys stay small. */
const MAX_KEY = 200;

/**
 * The bucket of an address: IPv4 by itself (/32), IPv6 by its `/prefix` network, because one
 * subscriber usually holds a whole /56 or /64 and can rotate through it (express-rate-limit v8).
 * IPv4-mapped IPv6 keys as IPv4 (CVE-2026-30827: all IPv4 clients once shared `::/56`).
 * An unparsable address (a socket already gone) shares one `ip:unknown` bucket.
 */
export function ipKey(ip: string, ipv6Prefix: number): string {
  const info = lookupIp(ip);
  if (info === undefined) return 'ip:unknown';
  if (info.addr.kind() === 'ipv4') return `ip:${info.text}`;
  return `ip:${ipv6Network(info.addr as ipaddr.IPv6, ipv6Prefix)}`;
}

/**
 * `prefix + ipKey(ip, ipv6Prefix)`, memoised per address text: a repeat client's store key is one
 * `Map` lookup, with no parse and no string building. Bounded, so fresh addresses only churn it.
 */
export function ipKeyMemo(prefix: string, ipv6Prefix: number): (ip: string) => string {
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

/** `kind:` + `value`, long values shortened to a prefix plus a hash (see `hash53`). */
export function namespaced(kind: 'sub' | 'key', value: string): string {
  if (value.length <= MAX_KEY) return `${kind}:${value}`;
  return `${kind}:${value.slice(0, 64)}…${hash53(value).toString(36)}:${value.length}`;
}

// A fixed seed: instances sharing one store (Redis) must turn the same long key into the same
// stored key, or a client would get a separate quota on every instance. Not a cryptographic
// hash (Web Crypto digests are async, and this runs on every request); keys this long only come
// from a custom `key` function, whose author controls their shape, and the length is kept too.
const seed = 0x5bd1e995;

/** 53-bit string hash: a seeded FNV-1a lane (32 bits) beside a seeded multiply-xorshift lane (21 bits). */
function hash53(text: string): number {
  let a = 0x811c9dc5 ^ seed;
  let b = 0x9e3779b9 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
