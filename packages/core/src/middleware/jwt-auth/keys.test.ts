import { exportJWK, exportSPKI, generateKeyPair, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configErrorMessage } from '../../_testing';
import { checkAlgorithms, keyAlgorithms, StaticKey, secretBytes } from './keys';

const ALGORITHMS = [
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
] as const;

// Which algorithms each kind of configured key is bound to, and the startup errors that teach
// what is wrong with a key; jwtAuth's own tests cover the same through whole requests.

const rsaAlgs = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const edAlgs = ['EdDSA', 'Ed25519'];

const pair = (alg: string) => generateKeyPair(alg, { extractable: true });
let rsa: CryptoKeyPair;
let pss: CryptoKeyPair;
let ec256: CryptoKeyPair;
let ec384: CryptoKeyPair;
let ec512: CryptoKeyPair;
let ed: CryptoKeyPair;

beforeAll(async () => {
  [rsa, pss, ec256, ec384, ec512, ed] = await Promise.all(
    ['RS256', 'PS384', 'ES256', 'ES384', 'ES512', 'Ed25519'].map(pair),
  );
});

afterEach(() => vi.unstubAllGlobals());

const message = configErrorMessage;

describe('keyAlgorithms: SPKI PEM', () => {
  it('binds each key type to the algorithms it can serve', async () => {
    expect(keyAlgorithms(await exportSPKI(rsa.publicKey), 'publicKey')).toEqual(rsaAlgs);
    expect(keyAlgorithms(await exportSPKI(ec256.publicKey), 'publicKey')).toEqual(['ES256']);
    expect(keyAlgorithms(await exportSPKI(ec384.publicKey), 'publicKey')).toEqual(['ES384']);
    expect(keyAlgorithms(await exportSPKI(ec512.publicKey), 'publicKey')).toEqual(['ES512']);
    expect(keyAlgorithms(await exportSPKI(ed.publicKey), 'publicKey')).toEqual(edAlgs);
  });

  it('accepts surrounding whitespace and any line breaks inside the body', async () => {
    const pem = await exportSPKI(ec256.publicKey);
    const [head, ...rest] = pem.trim().split('\n');
    const tail = rest.pop();
    const body = rest.join('').replace(/(.{10})/g, '$1\r\n  ');
    expect(keyAlgorithms(`\n  ${head}\n${body}\n${tail}\n\n`, 'publicKey')).toEqual(['ES256']);
  });

  it('refuses text around the PEM block', async () => {
    const pem = (await exportSPKI(ec256.publicKey)).trim();
    const wrong = 'must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----"), a public JWK, or a CryptoKey';
    expect(message(() => keyAlgorithms(`x${pem}`, 'publicKey'))).toBe(
      `jwtAuth: option \`publicKey\` ${wrong}`,
    );
    expect(message(() => keyAlgorithms(`${pem}x`, 'publicKey'))).toBe(
      `jwtAuth: option \`publicKey\` ${wrong}`,
    );
  });

  it('tells a private key, a certificate and other text apart', () => {
    const block = (label: string) => `-----BEGIN ${label}-----\nAAAA\n-----END ${label}-----`;
    expect(message(() => keyAlgorithms(block('PRIVATE KEY'), 'k'))).toBe(
      'jwtAuth: option `k` is a private key: configure the public key only',
    );
    expect(message(() => keyAlgorithms(block('EC PRIVATE KEY'), 'k'))).toBe(
      'jwtAuth: option `k` is a private key: configure the public key only',
    );
    expect(message(() => keyAlgorithms(block('CERTIFICATE'), 'k'))).toBe(
      'jwtAuth: option `k` is an X.509 certificate: configure its SPKI public key (PEM "PUBLIC KEY")',
    );
    expect(message(() => keyAlgorithms('not a key', 'k'))).toBe(
      'jwtAuth: option `k` must be an SPKI PEM ("-----BEGIN PUBLIC KEY-----"), a public JWK, or a CryptoKey',
    );
  });
});

describe('keyAlgorithms: JWK', () => {
  it('binds each key type to the algorithms it can serve', async () => {
    expect(keyAlgorithms(await exportJWK(rsa.publicKey), 'k')).toEqual(rsaAlgs);
    expect(keyAlgorithms(await exportJWK(ec256.publicKey), 'k')).toEqual(['ES256']);
    expect(keyAlgorithms(await exportJWK(ec384.publicKey), 'k')).toEqual(['ES384']);
    expect(keyAlgorithms(await exportJWK(ec512.publicKey), 'k')).toEqual(['ES512']);
    expect(keyAlgorithms(await exportJWK(ed.publicKey), 'k')).toEqual(edAlgs);
  });

  it('narrows to the algorithm a JWK names (RFC 7517 §4.4)', async () => {
    const jwk = await exportJWK(rsa.publicKey);
    expect(keyAlgorithms({ ...jwk, alg: 'PS384' }, 'k')).toEqual(['PS384']);
    expect(keyAlgorithms({ ...jwk, alg: 'ES256' }, 'k')).toEqual([]);
  });

  it('accepts use "sig" and refuses any other use', async () => {
    const jwk = await exportJWK(ec256.publicKey);
    expect(keyAlgorithms({ ...jwk, use: 'sig' }, 'k')).toEqual(['ES256']);
    expect(message(() => keyAlgorithms({ ...jwk, use: 'enc' }, 'k'))).toBe(
      'jwtAuth: option `k` has use "enc", not "sig"',
    );
  });

  it('refuses private and symmetric JWKs, whichever private member they carry', async () => {
    const priv = 'jwtAuth: option `k` is a private JWK: configure the public key only';
    const ecPrivate = await exportJWK(ec256.privateKey);
    expect(message(() => keyAlgorithms(ecPrivate, 'k'))).toBe(priv);
    const rsaPrivate = await exportJWK(rsa.privateKey);
    expect(message(() => keyAlgorithms(rsaPrivate, 'k'))).toBe(priv);
    const { d: _d, ...rsaPublic } = rsaPrivate;
    expect(message(() => keyAlgorithms({ ...rsaPublic, p: 'AQAB' } as JWK, 'k'))).toBe(priv);
    expect(message(() => keyAlgorithms({ kty: 'oct', k: 'c2VjcmV0' }, 'k'))).toBe(
      'jwtAuth: option `k` is a symmetric key: use `secret` for HS* algorithms',
    );
  });

  it('names an unsupported key type and curve', async () => {
    expect(message(() => keyAlgorithms({ kty: 'OKP', crv: 'X25519', x: 'AA' }, 'k'))).toBe(
      'jwtAuth: option `k` is a JWK of unsupported type "OKP X25519"',
    );
    expect(message(() => keyAlgorithms({ kty: 'EC', crv: 'secp256k1', x: 'AA', y: 'AA' }, 'k'))).toBe(
      'jwtAuth: option `k` is a JWK of unsupported type "EC secp256k1"',
    );
    expect(message(() => keyAlgorithms({ kty: 'EC', x: 'AA', y: 'AA' }, 'k'))).toBe(
      'jwtAuth: option `k` is a JWK of unsupported type "EC"',
    );
    expect(message(() => keyAlgorithms({ kty: 'OKP', x: 'AA' }, 'k'))).toBe(
      'jwtAuth: option `k` is a JWK of unsupported type "OKP"',
    );
    const x = (await exportJWK(ed.publicKey)).x;
    expect(message(() => keyAlgorithms({ kty: 'EC', crv: 'Ed25519', x }, 'k'))).toBe(
      'jwtAuth: option `k` is a JWK of unsupported type "EC Ed25519"',
    );
  });

  it('measures an RSA modulus without its leading zero digits', () => {
    // 330 base64url digits are 1976 bits: too short, however many zero digits lead them.
    const short = `${'A'.repeat(20)}g${'x'.repeat(329)}`;
    expect(message(() => keyAlgorithms({ kty: 'RSA', n: short, e: 'AQAB' }, 'k'))).toBe(
      'jwtAuth: option `k` is a 1976-bit RSA key; at least 2048 bits are required',
    );
    expect(keyAlgorithms({ kty: 'RSA', n: `AAg${'x'.repeat(341)}`, e: 'AQAB' }, 'k')).toEqual(rsaAlgs);
  });
});

describe('keyAlgorithms: CryptoKey', () => {
  it('binds each key to its own algorithm', () => {
    expect(keyAlgorithms(rsa.publicKey, 'k')).toEqual(['RS256']);
    expect(keyAlgorithms(pss.publicKey, 'k')).toEqual(['PS384']);
    expect(keyAlgorithms(ec256.publicKey, 'k')).toEqual(['ES256']);
    expect(keyAlgorithms(ec384.publicKey, 'k')).toEqual(['ES384']);
    expect(keyAlgorithms(ec512.publicKey, 'k')).toEqual(['ES512']);
    expect(keyAlgorithms(ed.publicKey, 'k')).toEqual(edAlgs);
  });

  it('refuses private, secret and non-signature keys', async () => {
    expect(message(() => keyAlgorithms(ec256.privateKey, 'k'))).toBe(
      'jwtAuth: option `k` is a private key: configure the public key only',
    );
    const hmac = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(32),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    expect(message(() => keyAlgorithms(hmac, 'k'))).toBe(
      'jwtAuth: option `k` is a secret key: use `secret` for HS* algorithms',
    );
    const ecdh = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    expect(message(() => keyAlgorithms(ecdh.publicKey, 'k'))).toBe(
      'jwtAuth: option `k` is a CryptoKey for "ECDH", which JWS signatures cannot use',
    );
  });

  it('still reads PEMs and JWKs where the runtime has no CryptoKey', async () => {
    const jwk = await exportJWK(ec256.publicKey);
    vi.stubGlobal('CryptoKey', undefined);
    expect(keyAlgorithms(jwk, 'k')).toEqual(['ES256']);
  });
});

describe('keyAlgorithms: anything else', () => {
  it.each([
    [null, 'null'],
    [42, '42'],
    [{}, '{}'],
    [undefined, 'undefined'],
  ])('names the value it cannot use: %s', (key, shown) => {
    expect(message(() => keyAlgorithms(key as never, 'publicKey[1]'))).toBe(
      `jwtAuth: option \`publicKey[1]\` must be an SPKI PEM string, a public JWK, a CryptoKey or a KeyObject, got ${shown}`,
    );
  });
});

describe('StaticKey', () => {
  it('takes its kid from a JWK only', async () => {
    const jwk = await exportJWK(ec256.publicKey);
    expect(new StaticKey({ ...jwk, kid: 'k1' }, ['ES256']).kid).toBe('k1');
    expect(new StaticKey(jwk, ['ES256']).kid).toBeUndefined();
    expect(new StaticKey({ ...jwk, kid: 7 } as never, ['ES256']).kid).toBeUndefined();
    expect(new StaticKey(await exportSPKI(ec256.publicKey), ['ES256']).kid).toBeUndefined();
    expect(new StaticKey(ec256.publicKey, ['ES256']).kid).toBeUndefined();
  });

  it('imports a PEM or a JWK into a key once per algorithm, and hands a CryptoKey over as is', async () => {
    const fromJwk = new StaticKey(await exportJWK(ec256.publicKey), ['ES256']);
    const imported = fromJwk.key('ES256');
    expect(fromJwk.key('ES256')).toBe(imported);
    expect(await imported).toMatchObject({
      type: 'public',
      algorithm: { name: 'ECDSA', namedCurve: 'P-256' },
    });
    const fromPem = new StaticKey(await exportSPKI(rsa.publicKey), rsaAlgs as never);
    expect(await fromPem.key('PS256')).toMatchObject({ algorithm: { name: 'RSA-PSS' } });
    expect(await fromPem.key('RS256')).toMatchObject({ algorithm: { name: 'RSASSA-PKCS1-v1_5' } });
    expect(await new StaticKey(ed.publicKey, ['EdDSA']).key('EdDSA')).toBe(ed.publicKey);
  });
});

describe('secretBytes', () => {
  it('takes a string as UTF-8 and bytes as they are', () => {
    expect(secretBytes('é'.repeat(16), ['HS256'])).toEqual(new TextEncoder().encode('é'.repeat(16)));
    const bytes = new Uint8Array(48).fill(7);
    expect(secretBytes(bytes, ['HS256', 'HS384'])).toBe(bytes);
  });

  it('accepts exactly the hash size and refuses one byte less (RFC 7518 §3.2)', () => {
    expect(secretBytes(new Uint8Array(32), ['HS256']).byteLength).toBe(32);
    expect(secretBytes(new Uint8Array(64), ['HS512']).byteLength).toBe(64);
    expect(message(() => secretBytes(new Uint8Array(47), ['HS256', 'HS384']))).toBe(
      'jwtAuth: option `secret` is 47 bytes; HS384 needs at least 48 (RFC 7518 §3.2)',
    );
  });

  it('refuses a secret of another type, and any non-HMAC algorithm', () => {
    expect(message(() => secretBytes(42, ['HS256']))).toBe(
      'jwtAuth: option `secret` must be a string or a Uint8Array, got 42',
    );
    expect(message(() => secretBytes(new Uint8Array(32), ['HS256', 'ES256']))).toBe(
      'jwtAuth: option `algorithms` lists ES256, which a shared `secret` cannot verify: HS* only (no key-type confusion)',
    );
  });
});

describe('checkAlgorithms', () => {
  it('knows every JWS algorithm it can verify, and removes duplicates', () => {
    expect(checkAlgorithms([...ALGORITHMS])).toEqual(ALGORITHMS);
    expect(checkAlgorithms(['RS256', 'RS256'])).toEqual(['RS256']);
  });

  it('names an unknown algorithm and lists the known ones', () => {
    const known = `(known: ${ALGORITHMS.join(', ')})`;
    expect(known).toContain('HS256, HS384');
    expect(message(() => checkAlgorithms(['RS256', 'rs256']))).toBe(
      `jwtAuth: option \`algorithms\` has unknown algorithm "rs256" ${known}`,
    );
    expect(message(() => checkAlgorithms([5]))).toBe(
      `jwtAuth: option \`algorithms\` has unknown algorithm 5 ${known}`,
    );
  });

  it('refuses none in any case, and an empty or missing list', () => {
    for (const none of ['none', 'NoNe']) {
      expect(message(() => checkAlgorithms([none]))).toBe(
        'jwtAuth: option `algorithms` cannot contain "none": unsigned tokens are never accepted',
      );
    }
    expect(message(() => checkAlgorithms([]))).toBe(
      "jwtAuth: option `algorithms` is required: a non-empty array such as ['RS256'], got []",
    );
    expect(message(() => checkAlgorithms('RS256'))).toBe(
      `jwtAuth: option \`algorithms\` is required: a non-empty array such as ['RS256'], got "RS256"`,
    );
  });
});

describe('keyAlgorithms: the edges of each key form', () => {
  it('counts zero digits inside an RSA modulus: only leading ones carry no bits', () => {
    // 342 base64url digits are 2048 bits, twenty of them zero digits after the first.
    const n = `g${'A'.repeat(20)}${'x'.repeat(321)}`;
    expect(keyAlgorithms({ kty: 'RSA', n, e: 'AQAB' }, 'k')).toEqual(rsaAlgs);
  });

  it('takes only a curve it knows from a JWK, not a name every object inherits', () => {
    for (const crv of ['constructor', 'toString', '__proto__']) {
      expect(message(() => keyAlgorithms({ kty: 'EC', crv, x: 'AA', y: 'AA' }, 'k'))).toBe(
        `jwtAuth: option \`k\` is a JWK of unsupported type "EC ${crv}"`,
      );
    }
  });

  it('names an OKP JWK on an EC curve as unsupported rather than taking the curve', () => {
    expect(message(() => keyAlgorithms({ kty: 'OKP', crv: 'P-256', x: 'AA' }, 'k'))).toBe(
      'jwtAuth: option `k` is a JWK of unsupported type "OKP P-256"',
    );
  });

  it('names the type of a key-object look-alike that has no key details', () => {
    expect(message(() => keyAlgorithms({ type: 'public', asymmetricKeyType: 'dsa' }, 'k'))).toBe(
      'jwtAuth: option `k` is a KeyObject of unsupported type "dsa"',
    );
  });

  it('takes the curve of an EC key object only', () => {
    const notEc = {
      type: 'public',
      asymmetricKeyType: 'x25519',
      asymmetricKeyDetails: { namedCurve: 'P-256' },
    };
    expect(message(() => keyAlgorithms(notEc, 'k'))).toBe(
      'jwtAuth: option `k` is a KeyObject of unsupported type "x25519"',
    );
  });
});

describe('StaticKey: the kid', () => {
  it('ignores a kid property on anything but a JWK', () => {
    const keyObject = { type: 'public', asymmetricKeyType: 'ed25519', kid: 'k1' };
    expect(new StaticKey(keyObject, ['EdDSA']).kid).toBeUndefined();
  });
});
