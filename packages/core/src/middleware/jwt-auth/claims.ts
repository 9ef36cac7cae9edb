// The two jose shapes the public API names, restated from their RFCs so that the published
// declarations import nothing from jose: jose is ESM-only, and a `.d.cts` importing it is refused
// in a CommonJS consumer under node16 (TS1479). Both are structurally jose's own.

/** JWT claims (RFC 7519 §4.1), as jose's `JWTPayload`. */
export interface JwtPayload {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  jti?: string;
  nbf?: number;
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/** A JSON Web Key (RFC 7517 §4), as jose's `JWK`. */
export interface PublicJwk {
  kty?: string;
  crv?: string;
  alg?: string;
  kid?: string;
  use?: string;
  key_ops?: string[];
  x?: string;
  y?: string;
  n?: string;
  e?: string;
  [parameter: string]: unknown;
}
