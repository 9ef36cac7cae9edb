import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256, sha256Base64url } from './sha256';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const webCrypto = async (text: string) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));

describe('sha256', () => {
  it('matches the FIPS 180-4 example vectors', () => {
    expect(hex(sha256(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('matches Web Crypto for every length around the block and padding boundaries', async () => {
    for (let n = 0; n <= 200; n++) {
      const text = 'x'.repeat(n);
      expect(hex(sha256(text))).toBe(hex(await webCrypto(text)));
    }
  });

  it('matches Web Crypto on arbitrary Unicode text (hashed as UTF-8)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'grapheme', maxLength: 300 }), async (text) => {
        expect(hex(sha256(text))).toBe(hex(await webCrypto(text)));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes as unpadded base64url', async () => {
    const text = 'a'.repeat(1000);
    const expected = btoa(String.fromCharCode(...(await webCrypto(text))))
      .replace(/=+$/, '')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(sha256Base64url(text)).toBe(expected);
    expect(sha256Base64url(text)).toHaveLength(43);
  });
});

describe('sha256: long inputs', () => {
  it('encodes the message length in all its bytes: agrees with Web Crypto past 8 KiB and 2 MiB', async () => {
    for (const size of [8193, 2 * 1024 * 1024 + 3]) {
      const text = 'a'.repeat(size);
      const expected = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
      expect(sha256(text)).toEqual(expected);
    }
    // A fraction of a second plain, but far longer with the code instrumented for mutation testing.
  }, 180_000);
});
