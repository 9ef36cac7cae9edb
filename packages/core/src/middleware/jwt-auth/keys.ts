// Binds every configured key to the algorithms it can serve, once, at construction: a key type
// that cannot serve a listed algorithm is a ConfigError, never a per-request surprise, and no
// token header can make a key serve another family (RS256 → HS256 confusion, CVE-2016-10555).
import { importJWK, importSPKI, type JWK } from 'jose';
import { ConfigError } from '../../errors';
import { show } from '../../utils/policy-options';
import type { PublicJwk } from './claims';
import { readSpki, type SpkiInfo } from './spki';

export type JwtAlgorithm =
  | 'HS256'
  | 'HS384'
  | 'HS512'
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA'
  | 'Ed25519';

const ALGORITHMS: readonly JwtAlgorithm[] = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/** A verification key: a Web Crypto `CryptoKey`, a public JWK, an SPKI PEM string, or a Node `KeyObject`. */
export type JwtPublicKey = CryptoKey | PublicJwk | string | { type: string; asymmetricKeyType?: string };

const RSA: JwtAlgorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const PSS: JwtAlgorithm[] = ['PS256', 'PS384', 'PS512'];
const ED: JwtAlgorithm[] = ['EdDSA', 'Ed25519'];
const CURVES: Record<string, JwtAlgorithm> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
};

function fail(option: string, message: string): never {
  throw new ConfigError('jwtAuth', option, message);
}

/** jose (like jsonwebtoken 9) refuses RSA keys under 2048 bits at verify time; say so at startup instead. */
function checkRsaBits(bits: number, option: string): void {
  if (bits < 2048) fail(option, `is a ${bits}-bit RSA key; at least 2048 bits are required`);
}

/** The algorithms an SPKI PEM public key can serve. */
function pemAlgorithms(pem: string, option: string): JwtAlgorithm[] {
  const m = /^-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----$/.exec(pem.trim());
  if (!m) {
    if (/PRIVATE KEY-----/.test(pem)) fail(option, 'is a private key: configure the public key only');
    if (/BEGIN CERTIFICATE/.test(pem)) {
      fail(option, 'is an X.509 certificate: configure its SPKI public key (PEM "PUBLIC KEY")');
    }
    fail(option, 'must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----"), a public JWK, or a CryptoKey');
  }
  let info: SpkiInfo;
  try {
    info = readSpki(Uint8Array.from(atob(m[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0)));
  } catch {
    info = { kind: undefined };
  }
  if (info.rsaBits !== undefined) checkRsaBits(info.rsaBits, option);
  if (info.kind === 'rsa') return RSA;
  if (info.kind === 'rsa-pss') return PSS;
  if (info.kind === 'ed25519') return ED;
  if (info.kind === 'ec' && info.curve && CURVES[info.curve]) return [CURVES[info.curve]];
  return fail(option, 'is a PEM public key of a type JWS cannot use (RSA, EC P-256/384/521 or Ed25519)');
}

function jwkAlgorithms(jwk: JWK, option: string): JwtAlgorithm[] {
  if ('d' in jwk || 'p' in jwk || 'k' in jwk) {
    fail(
      option,
      jwk.kty === 'oct'
        ? 'is a symmetric key: use `secret` for HS* algorithms'
        : 'is a private JWK: configure the public key only',
    );
  }
  let algs: JwtAlgorithm[];
  if (jwk.kty === 'RSA') {
    algs = RSA;
    if (typeof jwk.n === 'string')
      checkRsaBits(Math.floor((jwk.n.replace(/^A+/, '').length * 6) / 8) * 8, option);
  } else if (jwk.kty === 'EC' && jwk.crv && Object.hasOwn(CURVES, jwk.crv)) algs = [CURVES[jwk.crv]];
  else if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') algs = ED;
  else
    return fail(option, `is a JWK of unsupported type ${show(`${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''}`)}`);
  // A JWK that names its algorithm serves that one only (RFC 7517 §4.4).
  if (jwk.alg !== undefined) algs = algs.filter((a) => a === jwk.alg);
  if (jwk.use !== undefined && jwk.use !== 'sig') fail(option, `has use ${show(jwk.use)}, not "sig"`);
  return algs;
}

function cryptoKeyAlgorithms(key: CryptoKey, option: string): JwtAlgorithm[] {
  if (key.type !== 'public') {
    fail(
      option,
      key.type === 'secret'
        ? 'is a secret key: use `secret` for HS* algorithms'
        : 'is a private key: configure the public key only',
    );
  }
  const a = key.algorithm as {
    name: string;
    hash?: { name: string };
    namedCurve?: string;
    modulusLength?: number;
  };
  if (a.modulusLength !== undefined) checkRsaBits(a.modulusLength, option);
  const bits = a.hash?.name.replace('SHA-', '');
  if (a.name === 'RSASSA-PKCS1-v1_5') return [`RS${bits}` as JwtAlgorithm];
  if (a.name === 'RSA-PSS') return [`PS${bits}` as JwtAlgorithm];
  if (a.name === 'ECDSA' && a.namedCurve && CURVES[a.namedCurve]) return [CURVES[a.namedCurve]];
  if (a.name === 'Ed25519') return ED;
  return fail(option, `is a CryptoKey for ${show(a.name)}, which JWS signatures cannot use`);
}

function keyObjectAlgorithms(
  key: { type: string; asymmetricKeyType?: string; asymmetricKeyDetails?: { namedCurve?: string } },
  option: string,
) {
  if (key.type !== 'public') fail(option, 'must be a public KeyObject');
  if (key.asymmetricKeyType === 'rsa') return RSA;
  if (key.asymmetricKeyType === 'rsa-pss') return PSS;
  if (key.asymmetricKeyType === 'ed25519') return ED;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve && CURVES[curve]) return [CURVES[curve]];
  return fail(option, `is a KeyObject of unsupported type ${show(key.asymmetricKeyType)}`);
}

/** The algorithms `key` can verify, or a ConfigError. */
export function keyAlgorithms(key: JwtPublicKey, option: string): JwtAlgorithm[] {
  if (typeof key === 'string') return pemAlgorithms(key, option);
  if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey) return cryptoKeyAlgorithms(key, option);
  if (key && typeof key === 'object' && 'kty' in key) return jwkAlgorithms(key as JWK, option);
  if (key && typeof key === 'object' && 'asymmetricKeyType' in key)
    return keyObjectAlgorithms(key as never, option);
  return fail(
    option,
    `must be an SPKI PEM string, a public JWK, a CryptoKey or a KeyObject, got ${show(key)}`,
  );
}

/** One configured public key, imported lazily per algorithm and kept. */
export class StaticKey {
  readonly kid: string | undefined;
  readonly algorithms: ReadonlySet<JwtAlgorithm>;
  readonly #source: JwtPublicKey;
  readonly #imported = new Map<string, Promise<unknown>>();

  constructor(source: JwtPublicKey, algorithms: Iterable<JwtAlgorithm>) {
    this.#source = source;
    this.algorithms = new Set(algorithms);
    this.kid =
      typeof source === 'object' && 'kty' in source && typeof source.kid === 'string'
        ? source.kid
        : undefined;
  }

  /** The key in the form jose verifies `alg` with. */
  key(alg: JwtAlgorithm): Promise<unknown> {
    let out = this.#imported.get(alg);
    if (!out) {
      const src = this.#source;
      if (typeof src === 'string') out = importSPKI(src, alg);
      else if (typeof src === 'object' && 'kty' in src) out = importJWK(src as JWK, alg);
      else out = Promise.resolve(src);
      this.#imported.set(alg, out);
    }
    return out;
  }
}

/** Minimum HMAC key sizes, RFC 7518 §3.2: at least the hash output size. */
const HMAC_MIN_BYTES: Partial<Record<JwtAlgorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 };

export function secretBytes(secret: unknown, algorithms: readonly JwtAlgorithm[]): Uint8Array {
  const bytes =
    typeof secret === 'string'
      ? new TextEncoder().encode(secret)
      : secret instanceof Uint8Array
        ? secret
        : undefined;
  if (!bytes) fail('secret', `must be a string or a Uint8Array, got ${show(secret)}`);
  for (const alg of algorithms) {
    if (!alg.startsWith('HS')) {
      fail(
        'algorithms',
        `lists ${alg}, which a shared \`secret\` cannot verify: HS* only (no key-type confusion)`,
      );
    }
    const min = HMAC_MIN_BYTES[alg]!;
    if (bytes.byteLength < min) {
      fail('secret', `is ${bytes.byteLength} bytes; ${alg} needs at least ${min} (RFC 7518 §3.2)`);
    }
  }
  return bytes;
}

export function checkAlgorithms(value: unknown): JwtAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0) {
    fail('algorithms', `is required: a non-empty array such as ['RS256'], got ${show(value)}`);
  }
  for (const alg of value) {
    if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
      fail('algorithms', 'cannot contain "none": unsigned tokens are never accepted');
    }
    if (!ALGORITHMS.includes(alg))
      fail('algorithms', `has unknown algorithm ${show(alg)} (known: ${ALGORITHMS.join(', ')})`);
  }
  return [...new Set(value as JwtAlgorithm[])];
}
