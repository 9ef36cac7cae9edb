import { describe, expect, it } from 'vitest';
import { readSpki } from './spki';

// Hand-built DER (X.690 §8.1.3 definite lengths), so that each branch of the reader sees exactly
// the bytes it must accept or refuse.

const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** One TLV, short-form length below 128, else long form in as few bytes as it needs. */
function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = cat(...contents);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return cat(Uint8Array.of(tag, ...len), body);
}
const seq = (...c: Uint8Array[]) => tlv(0x30, ...c);
const oid = (hex: string) => tlv(0x06, hexBytes(hex));
const NULL = Uint8Array.of(0x05, 0x00);
const bitString = (...c: Uint8Array[]) => tlv(0x03, Uint8Array.of(0), ...c);

const RSA = '2a864886f70d010101';
const RSA_PSS = '2a864886f70d01010a';
const EC = '2a8648ce3d0201';
const P256 = '2a8648ce3d030107';
const P384 = '2b81040022';
const P521 = '2b81040023';
const ED25519 = '2b6570';
const DSA = '2a8648ce380401';

const rsaSpki = (alg: string, modulus: Uint8Array) =>
  seq(seq(oid(alg), NULL), bitString(seq(tlv(0x02, modulus), tlv(0x02, Uint8Array.of(1, 0, 1)))));
const point = new Uint8Array(65).fill(4);

describe('readSpki', () => {
  it('reads the RSA modulus size, not counting the sign byte', () => {
    const signed = cat(Uint8Array.of(0), new Uint8Array(256).fill(0xc5));
    expect(readSpki(rsaSpki(RSA, signed))).toEqual({ kind: 'rsa', rsaBits: 2048 });
    expect(readSpki(rsaSpki(RSA_PSS, signed))).toEqual({ kind: 'rsa-pss', rsaBits: 2048 });
    // A modulus whose top bit is clear needs no sign byte: all its bytes count.
    expect(readSpki(rsaSpki(RSA, new Uint8Array(256).fill(0x75)))).toEqual({ kind: 'rsa', rsaBits: 2048 });
  });

  it('reads the EC curve from the algorithm parameters', () => {
    for (const [curve, name] of [
      [P256, 'P-256'],
      [P384, 'P-384'],
      [P521, 'P-521'],
    ]) {
      expect(readSpki(seq(seq(oid(EC), oid(curve)), bitString(point)))).toEqual({ kind: 'ec', curve: name });
    }
    expect(readSpki(seq(seq(oid(EC), oid('2b8104000a')), bitString(point)))).toEqual({
      kind: 'ec',
      curve: undefined,
    });
  });

  it('knows no usable kind for an EC key without a curve, or an algorithm it does not know', () => {
    expect(readSpki(seq(seq(oid(EC)), bitString(point)))).toEqual({ kind: undefined });
    expect(readSpki(seq(seq(oid(DSA), oid(P256)), bitString(point)))).toEqual({ kind: undefined });
    expect(readSpki(seq(seq(oid(P256)), bitString(point)))).toEqual({ kind: undefined });
    expect(readSpki(seq(seq(oid(ED25519)), bitString(new Uint8Array(32))))).toEqual({ kind: 'ed25519' });
  });

  it('reads long-form lengths of up to three bytes', () => {
    const algId = seq(oid(ED25519));
    const key = bitString(new Uint8Array(32));
    const body = cat(algId, key);
    const three = cat(Uint8Array.of(0x30, 0x83, 0, 0, body.length), body);
    expect(readSpki(three)).toEqual({ kind: 'ed25519' });
    const four = cat(Uint8Array.of(0x30, 0x84, 0, 0, 0, body.length), body);
    expect(() => readSpki(four)).toThrow('bad DER length');
    // 0x80 is the indefinite length, which DER forbids (X.690 §10.1).
    expect(() => readSpki(cat(Uint8Array.of(0x30, 0x80), body, Uint8Array.of(0, 0)))).toThrow(
      'bad DER length',
    );
  });

  it('refuses input that ends before its declared length', () => {
    expect(() => readSpki(new Uint8Array(0))).toThrow('truncated DER');
    const whole = seq(seq(oid(ED25519)), bitString(new Uint8Array(32)));
    expect(() => readSpki(whole.subarray(0, whole.length - 1))).toThrow('truncated DER');
    expect(() => readSpki(Uint8Array.of(0x30, 0x03, 0x30, 0x01))).toThrow('truncated DER');
  });
});
