import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  type FetchImplementation,
  type JWTPayload,
  type JWTVerifyOptions,
  jwtVerify,
} from 'jose';
import type { JwtAlgorithm, StaticKey } from './keys';

/** Verifies a compact JWS and returns its claims; throws jose's errors. */
export type Verifier = (token: string) => Promise<JWTPayload>;

export interface JwksSettings {
  cacheMaxAge: number;
  cooldownDuration: number;
  timeoutDuration: number;
  fetch?: FetchImplementation;
}

/** Shaped like jose's errors so that one classification covers both. */
class TokenError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function secretVerifier(secret: Uint8Array, options: JWTVerifyOptions): Verifier {
  return async (token) => (await jwtVerify(token, secret, options)).payload;
}

/**
 * Static public keys. The token's `kid` only selects among the configured keys; its `jku`,
 * `x5u` and `jwk` headers are never looked at (CVE-2018-0114), and `alg` must be allowed for
 * the key before the key is even imported.
 */
export function staticVerifier(keys: readonly StaticKey[], options: JWTVerifyOptions): Verifier {
  return async (token) => {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new TokenError('ERR_JWS_INVALID', 'unreadable protected header');
    }
    const alg = header.alg as JwtAlgorithm;
    const candidates = keys.filter(
      (k) =>
        typeof alg === 'string' &&
        k.algorithms.has(alg) &&
        (header.kid === undefined || k.kid === undefined || k.kid === header.kid),
    );
    // Keys that name the token's kid first; unnamed keys are tried after them.
    candidates.sort((a, b) => Number(b.kid !== undefined) - Number(a.kid !== undefined));
    if (candidates.length === 0)
      throw new TokenError('ERR_JWKS_NO_MATCHING_KEY', 'no configured key for this token');
    let last: unknown;
    for (const key of candidates) {
      try {
        return (await jwtVerify(token, (await key.key(alg)) as Uint8Array, options)).payload;
      } catch (error) {
        // Only a signature mismatch means "try the next key"; anything else is final.
        if ((error as { code?: string }).code !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw error;
        last = error;
      }
    }
    throw last;
  };
}

/**
 * A remote JWKS through jose: keys cached for `cacheMaxAge`, and an unknown `kid` refetches at
 * most once per `cooldownDuration`, so a flood of random kids costs one fetch, not one each.
 */
export function jwksVerifier(uri: URL, settings: JwksSettings, options: JWTVerifyOptions): Verifier {
  const jwks = createRemoteJWKSet(uri, {
    cacheMaxAge: settings.cacheMaxAge,
    cooldownDuration: settings.cooldownDuration,
    timeoutDuration: settings.timeoutDuration,
    ...(settings.fetch ? { [customFetch]: settings.fetch } : {}),
  });
  return async (token) => (await jwtVerify(token, jwks, options)).payload;
}

/** jose error codes that mean "this token is not acceptable" (401), as opposed to "keys unavailable". */
export const TOKEN_ERRORS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWS_INVALID',
  'ERR_JWT_INVALID',
  'ERR_JWK_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

/** A short, log-safe reason for a failed verification (never echoed to the client). */
export function failureReason(error: unknown): string {
  const e = error as { code?: string; claim?: string; reason?: string };
  switch (e.code) {
    case 'ERR_JWT_EXPIRED':
      return 'token expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature verification failed';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm not allowed';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `claim ${e.claim ?? '?'} ${e.reason ?? 'invalid'}`;
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'no matching key';
    default:
      return 'malformed token';
  }
}
