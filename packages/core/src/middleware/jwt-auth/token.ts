import type { Context } from '../../context';

/** What the request carries: a token, nothing, or credentials too malformed to try. */
export type Presented = { token: string } | { none: true } | { malformed: string };

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function fromCookie(header: string | undefined, name: string): Presented {
  if (header === undefined) return { none: true };
  let found: string | undefined;
  // RFC 6265 §4.2.1: `name=value` pairs separated by `;`; the value may be DQUOTE-wrapped.
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    // Two cookies of one name (cookie tossing from a sibling subdomain) are ambiguous: refuse.
    if (found !== undefined && found !== value) return { malformed: `several ${name} cookies` };
    found = value;
  }
  if (found === undefined || found === '') return { none: true };
  return { token: found };
}

/**
 * The bearer token of a request. `Authorization: Bearer <token>` (scheme case-insensitive,
 * RFC 9110 §11.1) is preferred; the cookie is read only when no Bearer header is present. Never
 * "any of them passes": a second Authorization field, an empty or spaced token, is malformed.
 */
export function presentedToken(ctx: Context<any>, cookie: string | undefined): Presented {
  const fields = ctx.req.headerValues('authorization');
  if (fields.length > 1) return { malformed: 'several Authorization fields' };
  if (fields.length === 1) {
    const field = fields[0].trim();
    const space = field.indexOf(' ');
    const scheme = space === -1 ? field : field.slice(0, space);
    if (scheme.toLowerCase() === 'bearer') {
      const token = space === -1 ? '' : field.slice(space + 1).replace(/^ +/, '');
      if (token === '') return { malformed: 'empty Bearer credentials' };
      if (!B64TOKEN.test(token)) return { malformed: 'Bearer credentials are not one token' };
      return { token };
    }
  }
  return cookie === undefined ? { none: true } : fromCookie(ctx.req.header('cookie'), cookie);
}

/** A compact JWS: three base64url segments, a non-empty signature, no padding (RFC 7515 §7.1). */
export const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
