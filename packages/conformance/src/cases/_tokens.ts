import { SignJWT } from 'jose';

/** The HS256 secret of the policy cases (test-only). */
export const CASE_SECRET = 'conformance-secret-0123456789abcdef-0123456789';
const key = new TextEncoder().encode(CASE_SECRET);

export interface TokenClaims {
  sub?: string;
  iss?: string;
  aud?: string;
  /** Seconds from now; negative for an expired token. */
  expIn?: number;
  secret?: string;
}

export function token(claims: TokenClaims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub ?? 'alice')
    .setIssuer(claims.iss ?? 'conformance')
    .setAudience(claims.aud ?? 'bouncer-api')
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (claims.expIn ?? 600))
    .sign(claims.secret ? new TextEncoder().encode(claims.secret) : key);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** An unsigned token (`alg: none`) with otherwise valid claims. */
export function unsignedToken(): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', iss: 'conformance', aud: 'bouncer-api', exp: now + 600 })}.`;
}
