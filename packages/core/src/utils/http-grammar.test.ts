import { describe, expect, it } from 'vitest';
import {
  contentLength,
  isFieldValueByte,
  isPlainFieldValue,
  isPlainQuotable,
  isTchar,
  isToken,
  TCHARS,
} from './http-grammar';

describe('token (RFC 9110 §5.6.2)', () => {
  it('accepts every tchar and refuses separators, spaces, controls and the empty string', () => {
    expect(isToken("!#$%&'*+-.^_`|~09AZaz")).toBe(true);
    expect(isToken('X-Request-Id')).toBe(true);
    for (const bad of ['', 'a b', 'a:b', 'a,b', 'a;b', '"a"', 'a/b', 'a\tb', 'é', '(a)', 'a\r\n', 'a=b']) {
      expect(isToken(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('agrees with isTchar on every character code and with the TCHARS list', () => {
    for (let c = 0; c < 300; c++) {
      const ch = String.fromCharCode(c);
      expect(isTchar(c), `code ${c}`).toBe(isToken(ch));
      expect(TCHARS.includes(ch), `code ${c}`).toBe(isToken(ch));
    }
  });
});

describe('field-value bytes (RFC 9110 §5.5)', () => {
  it('admits HTAB, SP, VCHAR and obs-text, and nothing else', () => {
    const admitted = [];
    for (let c = 0; c < 256; c++) if (isFieldValueByte(c)) admitted.push(c);
    const expected = [0x09];
    for (let c = 0x20; c <= 0x7e; c++) expected.push(c);
    for (let c = 0x80; c <= 0xff; c++) expected.push(c);
    expect(admitted).toEqual(expected);
    expect(isFieldValueByte(0x100)).toBe(false);
  });

  it('calls a value plain only when every character is HTAB, SP or VCHAR', () => {
    for (let c = 0; c < 0x110; c++) {
      const plain = c === 0x09 || (c >= 0x20 && c <= 0x7e);
      expect(isPlainFieldValue(`a${String.fromCharCode(c)}b`), `0x${c.toString(16)}`).toBe(plain);
    }
    expect(isPlainFieldValue('')).toBe(true);
    expect(isPlainFieldValue('a\nb')).toBe(false);
  });
});

describe('isPlainQuotable (RFC 9110 §5.6.4)', () => {
  it('accepts what sits in a quoted-string unescaped and refuses quote, backslash and controls', () => {
    expect(isPlainQuotable('')).toBe(true);
    expect(isPlainQuotable('a realm, with spaces!')).toBe(true);
    expect(isPlainQuotable('[]~')).toBe(true);
    for (const bad of ['"', 'a\\b', '\t', '\n', '\x7f', 'é']) {
      expect(isPlainQuotable(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('contentLength (RFC 9110 §8.6)', () => {
  it('reads 1*DIGIT, leading zeros included', () => {
    expect(contentLength('0')).toBe(0);
    expect(contentLength('42')).toBe(42);
    expect(contentLength('0000000000000000000007')).toBe(7);
    expect(contentLength('999999999999999')).toBe(999_999_999_999_999);
  });

  it('is Infinity past fifteen significant digits, never a rounded number', () => {
    expect(contentLength('1000000000000000')).toBe(Number.POSITIVE_INFINITY);
    expect(contentLength('9007199254740993')).toBe(Number.POSITIVE_INFINITY);
  });

  it.each(['', ' 1', '1 ', '+1', '-1', '1e3', '0x10', '1,1', '1.0', '١'])('refuses %j', (value) => {
    expect(contentLength(value)).toBeUndefined();
  });
});
