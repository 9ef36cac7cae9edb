/**
 * The request-target, read strictly so that every host routes it the way the policies judge it.
 *
 * Express and Koa take the path from `url.parse()` (via `parseurl`), Hono from a WHATWG `URL`
 * (which resolves dot segments and turns `\` into `/`), the raw server from its own reading.
 * They agree on a plain origin-form target (RFC 9112 §3.2.1) and on a clean absolute-form one
 * (§3.2.2); they disagree on almost everything else: `http://x?/health` is `/health` to one
 * reader and `/` to another, `/docs/..%2fadmin` or `/docs/%2e%2e/admin` may or may not climb
 * out of `/docs`. A target outside the strict grammar below is refused (400) instead of guessed.
 */
export interface ParsedTarget {
  /** The path, still percent-encoded, always starting with `/`. */
  readonly path: string;
  /** The query without its `?`; empty when there is none. */
  readonly query: string;
}

// RFC 3986 §3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@"; plus "/" between
// segments. `%` is checked separately (it must start a valid pct-encoded triplet).
const PATH = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/")
  PATH[c.charCodeAt(0)] = 1;
// RFC 3986 §3.2.2: a reg-name (letters, digits, `-`, `.`) or an IP-literal, with `:port`.
// No userinfo, no percent-encoding, no sub-delims: nothing two URL parsers could split apart.
const AUTHORITY = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:[]')
  AUTHORITY[c.charCodeAt(0)] = 1;

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** A `.` or `..` segment, also spelt `%2e` (WHATWG URL resolves both; RFC 3986 §5.2.4). */
function isDotSegment(target: string, from: number, to: number): boolean {
  let dots = 0;
  for (let i = from; i < to; dots++) {
    if (target.charCodeAt(i) === 46 /* . */) i += 1;
    else if (
      target.charCodeAt(i) === 37 &&
      target.charCodeAt(i + 1) === 50 &&
      (target.charCodeAt(i + 2) | 32) === 101
    )
      i += 3;
    else return false;
  }
  return dots === 1 || dots === 2;
}

function pathStart(target: string): number {
  const first = target.charCodeAt(0);
  if (first === 47 /* / */) return 0;
  // Absolute-form, lower-case `http` or `https` only: an upper-case scheme is read as a
  // scheme by `url.parse()` but as a path by @hono/node-server.
  let i: number;
  if (target.startsWith('http://')) i = 7;
  else if (target.startsWith('https://')) i = 8;
  else return -1; // asterisk-form, authority-form, or not a target at all
  const authority = i;
  for (; i < target.length; i++) {
    const c = target.charCodeAt(i);
    if (c === 47) break;
    if (c > 127 || AUTHORITY[c] !== 1) return -1;
  }
  // An empty authority (`http:///x`) or an empty path (`http://x`, `http://x?/y`) is refused.
  return i === authority || i === target.length ? -1 : i;
}

/** Parses a request-target; `undefined` when it is not one that every host reads alike. */
export function parseTarget(target: string): ParsedTarget | undefined {
  const start = pathStart(target);
  if (start < 0) return undefined;
  let end = target.length;
  let segment = start + 1;
  // Whether the current segment holds a `.` or a `%2e`: only then can it be a dot segment.
  let dotty = false;
  for (let i = start + 1; i <= target.length; i++) {
    const c = i === target.length ? 63 : target.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */) {
      if (dotty && isDotSegment(target, segment, i)) return undefined;
      if (c === 63) {
        end = i;
        break;
      }
      segment = i + 1;
      dotty = false;
    } else if (c === 37 /* % */) {
      const a = target.charCodeAt(i + 1);
      const b = target.charCodeAt(i + 2);
      if (!isHex(a) || !isHex(b)) return undefined;
      if (a === 50 /* 2 */ && (b | 32) === 101 /* e */) dotty = true;
      i += 2;
    } else if (c > 127 || PATH[c] !== 1) return undefined;
    else if (c === 46 /* . */) dotty = true;
  }
  for (let i = end + 1; i < target.length; i++) {
    const c = target.charCodeAt(i);
    // RFC 9112 §3.2: no fragment in a request-target; visible ASCII only.
    if (c === 35 /* # */ || c <= 32 || c >= 127) return undefined;
  }
  return {
    path: start === 0 && end === target.length ? target : target.slice(start, end),
    query: end === target.length ? '' : target.slice(end + 1),
  };
}

// RFC 9110 §7.2: Host = uri-host [ ":" port ]. Only a reg-name of letters, digits, `-._~` or an
// IP-literal: percent-encoding and sub-delims are read differently by WHATWG URL (which
// @hono/node-server builds from Host) and by Node's own parser (which does not look).
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::[0-9]{1,5})?$/;

/**
 * RFC 9112 §3.2: a server MUST answer 400 to a request with more than one Host field line or an
 * invalid one. (A missing Host is left to the host: HTTP/1.0 may omit it, Node refuses it on 1.1.)
 */
export function hostOk(lines: readonly string[]): boolean {
  if (lines.length === 0) return true;
  return lines.length === 1 && HOST.test(lines[0]);
}
