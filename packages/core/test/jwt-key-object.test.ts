import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/errors';
import { keyAlgorithms } from '../src/middleware/jwt-auth/keys';

// Node's own key objects and the RSA-PSS key type (id-RSASSA-PSS, RFC 4055), which Web Crypto
// cannot produce; core's tests do not import node:* themselves.

const spki = { type: 'spki', format: 'pem' } as const;
const pkcs8 = { type: 'pkcs8', format: 'pem' } as const;

describe('jwtAuth keys: Node KeyObjects', () => {
  it('binds each key type to the algorithms it can serve', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
    const ed = generateKeyPairSync('ed25519').publicKey;
    expect(keyAlgorithms(rsa, 'k')).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
    expect(keyAlgorithms(pss, 'k')).toEqual(['PS256', 'PS384', 'PS512']);
    expect(keyAlgorithms(ed, 'k')).toEqual(['EdDSA', 'Ed25519']);
    for (const [namedCurve, alg] of [
      ['P-256', 'ES256'],
      ['P-384', 'ES384'],
      ['P-521', 'ES512'],
    ]) {
      expect(keyAlgorithms(generateKeyPairSync('ec', { namedCurve }).publicKey, 'k')).toEqual([alg]);
    }
  });

  it('refuses a private KeyObject and one of a type JWS cannot use', () => {
    const message = (key: unknown) => {
      try {
        keyAlgorithms(key as never, 'k');
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as Error).message;
      }
    };
    expect(message(generateKeyPairSync('ed25519').privateKey)).toBe(
      'jwtAuth: option `k` must be a public KeyObject',
    );
    expect(message(generateKeyPairSync('x25519').publicKey)).toBe(
      'jwtAuth: option `k` is a KeyObject of unsupported type "x25519"',
    );
    expect(message(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey)).toBe(
      'jwtAuth: option `k` is a KeyObject of unsupported type "ec"',
    );
  });
});

describe('jwtAuth keys: PEMs only Node produces', () => {
  it('binds an id-RSASSA-PSS key to PS* only', () => {
    const { publicKey } = generateKeyPairSync('rsa-pss', {
      modulusLength: 2048,
      publicKeyEncoding: spki,
      privateKeyEncoding: pkcs8,
    });
    expect(keyAlgorithms(publicKey, 'k')).toEqual(['PS256', 'PS384', 'PS512']);
  });

  it('refuses a short id-RSASSA-PSS key and an EC key on a curve JWS does not name', () => {
    const { publicKey } = generateKeyPairSync('rsa-pss', {
      modulusLength: 1024,
      publicKeyEncoding: spki,
      privateKeyEncoding: pkcs8,
    });
    expect(() => keyAlgorithms(publicKey, 'k')).toThrow('is a 1024-bit RSA key');
    const k1 = generateKeyPairSync('ec', {
      namedCurve: 'secp256k1',
      publicKeyEncoding: spki,
      privateKeyEncoding: pkcs8,
    });
    expect(() => keyAlgorithms(k1.publicKey, 'k')).toThrow(
      'jwtAuth: option `k` is a PEM public key of a type JWS cannot use (RSA, EC P-256/384/521 or Ed25519)',
    );
  });
});
