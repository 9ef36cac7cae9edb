import type { JWTVerifyOptions } from 'jose';
import { ConfigError } from '../../errors';
import { assertKnownKeys, show } from '../../utils/policy-options';
import type { JwtAuthOptions } from './index';
import { type JwtAlgorithm, type JwtPublicKey, keyAlgorithms, StaticKey, secretBytes } from './keys';
import { type JwksSettings, jwksVerifier, secretVerifier, staticVerifier, type Verifier } from './verify';

// Option checks and the choice of verifier, run once when `jwtAuth()` is called.

/** A duration option in seconds: a finite, non-negative number. */
export function seconds(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError('jwtAuth', option, `must be a non-negative number of seconds, got ${show(value)}`);
  }
  return value;
}

/** A count option (characters, entries): a non-negative integer. */
export function count(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ConfigError('jwtAuth', option, `must be a non-negative integer, got ${show(value)}`);
  }
  return value;
}

export function stringList(option: string, value: unknown): string | string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((v) => typeof v !== 'string' || v === '')) {
    throw new ConfigError(
      'jwtAuth',
      option,
      `must be a non-empty string or array of them, got ${show(value)}`,
    );
  }
  return typeof value === 'string' ? value : [...list];
}

function jwksUrl(value: unknown): URL {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const loopback = url && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!url || !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback))) {
    throw new ConfigError(
      'jwtAuth',
      'jwksUri',
      `must be an https URL (http only on loopback), got ${show(value)}`,
    );
  }
  return url;
}

/** Builds the verifier for exactly one of `secret`, `publicKey`, `jwksUri`. */
export function buildVerifier(
  options: JwtAuthOptions,
  algorithms: JwtAlgorithm[],
  verify: JWTVerifyOptions,
): Verifier {
  const given = (['secret', 'publicKey', 'jwksUri'] as const).filter((k) => options[k] !== undefined);
  if (given.length !== 1) {
    throw new ConfigError(
      'jwtAuth',
      given.length === 0 ? 'secret' : given.join('/'),
      'exactly one of `secret`, `publicKey` or `jwksUri` is required',
    );
  }
  if (options.secret !== undefined) return secretVerifier(secretBytes(options.secret, algorithms), verify);
  const hmac = algorithms.find((a) => a.startsWith('HS'));
  if (hmac) {
    throw new ConfigError(
      'jwtAuth',
      'algorithms',
      `lists ${hmac}, which needs \`secret\`: public keys never verify HMAC (RS/HS confusion)`,
    );
  }
  if (options.jwksUri !== undefined) {
    const j = options.jwks ?? {};
    assertKnownKeys('jwtAuth', j, ['cacheMaxAge', 'cooldown', 'timeout', 'fetch'], 'jwks.');
    const settings: JwksSettings = {
      cacheMaxAge: seconds('jwks.cacheMaxAge', j.cacheMaxAge, 600) * 1000,
      cooldownDuration: seconds('jwks.cooldown', j.cooldown, 30) * 1000,
      // The key-set client refuses a timeout that is no whole number of milliseconds.
      timeoutDuration: Math.round(seconds('jwks.timeout', j.timeout, 5) * 1000),
      fetch: j.fetch,
    };
    return jwksVerifier(jwksUrl(options.jwksUri), settings, verify);
  }
  const list = Array.isArray(options.publicKey) ? options.publicKey : [options.publicKey as JwtPublicKey];
  if (list.length === 0) throw new ConfigError('jwtAuth', 'publicKey', 'must not be an empty array');
  const keys = list.map((key, i) => {
    const option = Array.isArray(options.publicKey) ? `publicKey[${i}]` : 'publicKey';
    const usable = keyAlgorithms(key, option).filter((a) => algorithms.includes(a));
    if (usable.length === 0) {
      throw new ConfigError(
        'jwtAuth',
        option,
        `cannot verify any of the listed algorithms (${algorithms.join(', ')})`,
      );
    }
    return new StaticKey(key, usable);
  });
  for (const alg of algorithms) {
    if (!keys.some((k) => k.algorithms.has(alg))) {
      throw new ConfigError('jwtAuth', 'algorithms', `lists ${alg}, but no configured key can verify it`);
    }
  }
  return staticVerifier(keys, verify);
}
