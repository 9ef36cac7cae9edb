// `X-Forwarded-For` and RFC 7239 `Forwarded` parsing: linear scans, no regular expressions, and
// a cap on the entries kept, because every byte of these headers may come from an attacker.
import { isTchar } from './http-grammar';
import { type IpAddress, type IpInfo, lookupIp } from './ip';

/** Hops kept from the right of a forwarding chain; no real deployment has more proxies than this. */
export const MAX_FORWARDED_HOPS = 32;

function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/**
 * The `X-Forwarded-For` entries, client first, as one list over all field lines (RFC 9110 §5.3:
 * several field lines are one comma-separated list). Only the rightmost `max` entries are kept,
 * read from the right; when more exist, an empty entry stands in front of them so that a walk
 * that trusts every kept hop still stops there instead of trusting what it never read.
 */
export function parseXForwardedFor(lines: readonly string[], max = MAX_FORWARDED_HOPS): string[] {
  const out: string[] = [];
  for (let l = lines.length - 1; l >= 0; l--) {
    const line = lines[l];
    let end = line.length;
    for (;;) {
      if (out.length === max) {
        out.push('');
        return out.reverse();
      }
      const comma = end === 0 ? -1 : line.lastIndexOf(',', end - 1);
      let a = comma + 1;
      let b = end;
      while (a < b && isOws(line.charCodeAt(a))) a++;
      while (b > a && isOws(line.charCodeAt(b - 1))) b--;
      out.push(line.slice(a, b));
      if (comma === -1) break;
      end = comma;
    }
  }
  return out.reverse();
}

/**
 * The `for=` value of each `Forwarded` element (RFC 7239 §4), client first; `''` for an element
 * without `for`, with a repeated parameter, or with a syntax error. Each field line is parsed on
 * its own, so a client's unterminated quote cannot swallow the line a proxy added; inside a line,
 * an unterminated quote only spoils the element it opens (parsing resumes at the next comma), and
 * since proxies append on the right, whatever the client wrote stays to the left of their entries.
 */
export function parseForwarded(lines: readonly string[], max = MAX_FORWARDED_HOPS): string[] {
  let out: string[] = [];
  let dropped = false;
  for (const line of lines) {
    parseForwardedLine(line, out);
    if (out.length > 2 * max) {
      out = out.slice(out.length - max);
      dropped = true;
    }
  }
  if (out.length > max) {
    out = out.slice(out.length - max);
    dropped = true;
  }
  if (dropped) out.unshift('');
  return out;
}

function parseForwardedLine(line: string, out: string[]): void {
  const n = line.length;
  let i = 0;
  while (i <= n) {
    let forValue: string | undefined;
    let bad = false;
    // One element: pairs separated by `;`, ended by `,` or the end of the line.
    while (i < n) {
      while (i < n && isOws(line.charCodeAt(i))) i++;
      const c = line.charCodeAt(i);
      if (i >= n || c === 44 /* , */) break;
      if (c === 59 /* ; */) {
        i++;
        continue;
      }
      const nameStart = i;
      while (i < n && isTchar(line.charCodeAt(i))) i++;
      const name = line.slice(nameStart, i).toLowerCase();
      if (name === '' || line.charCodeAt(i) !== 61 /* = */) {
        bad = true;
        break;
      }
      i++;
      let value: string;
      if (line.charCodeAt(i) === 34 /* " */) {
        const open = i;
        let text = '';
        let closed = false;
        for (i++; i < n; i++) {
          const q = line.charCodeAt(i);
          if (q === 34) {
            closed = true;
            i++;
            break;
          }
          if (q === 92 /* \ */ && i + 1 < n) i++;
          text += line[i];
        }
        if (!closed) {
          bad = true;
          i = open + 1;
          break;
        }
        value = text;
      } else {
        const start = i;
        while (i < n && isTchar(line.charCodeAt(i))) i++;
        value = line.slice(start, i);
        if (value === '') {
          bad = true;
          break;
        }
      }
      if (name === 'for') {
        // RFC 7239 §4: a parameter must not occur more than once per element; two `for`s are ambiguous.
        if (forValue !== undefined) {
          bad = true;
          break;
        }
        forValue = value;
      }
      while (i < n && isOws(line.charCodeAt(i))) i++;
      const next = line.charCodeAt(i);
      if (i < n && next !== 59 && next !== 44) {
        bad = true;
        break;
      }
    }
    out.push(bad || forValue === undefined ? '' : forValue);
    if (bad) {
      const comma = line.indexOf(',', i);
      if (comma === -1) return;
      i = comma;
    }
    if (i >= n) return;
    i++; // past the comma
    if (i === n) {
      out.push('');
      return;
    }
  }
}

/** Port after a node name: 1–5 digits up to 65535, or an RFC 7239 §6.3 obfuscated port (`_abc`). */
function isPort(text: string): boolean {
  if (text.length === 0) return false;
  if (text.charCodeAt(0) === 95 /* _ */) {
    for (let i = 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (!(isTchar(c) && c !== 33 && c !== 35)) return false;
    }
    return text.length > 1;
  }
  if (text.length > 5) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(text) <= 65535;
}

/**
 * One forwarded hop as an address: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]`,
 * `[2001:db8::1]:443`. Ports are dropped (a new port must not be a new client: express-rate-limit
 * #234). `unknown`, obfuscated identifiers (`_hidden`, RFC 7239 §6.3), hex/octal IPv4 and any other
 * text give undefined: such a hop can never become the client address.
 */
export function parseNode(node: string): IpAddress | undefined {
  return lookupNode(node)?.addr;
}

/** `parseNode` with the canonical text, through the shared parse memo (`lookupIp`). */
export function lookupNode(node: string): IpInfo | undefined {
  if (node.length === 0 || node.length > 64) return undefined;
  if (node.charCodeAt(0) === 91 /* [ */) {
    const close = node.indexOf(']');
    if (close === -1) return undefined;
    const rest = node.slice(close + 1);
    if (rest !== '' && !(rest.charCodeAt(0) === 58 && isPort(rest.slice(1)))) return undefined;
    const inner = node.slice(1, close);
    return inner.indexOf(':') === -1 ? undefined : lookupIp(inner);
  }
  const colon = node.indexOf(':');
  if (colon !== -1 && node.indexOf(':', colon + 1) === -1) {
    // Exactly one colon: IPv4 with a port (a bare IPv6 address always has at least two).
    return isPort(node.slice(colon + 1)) && node.indexOf('.') !== -1
      ? lookupIp(node.slice(0, colon))
      : undefined;
  }
  return lookupIp(node);
}
