import { describe, expect, it } from 'vitest';
import { isPlainQuotable, isSafeFieldValue, isToken } from './policy-http';

describe('isToken (RFC 9110 §5.6.2)', () => {
  it('accepts every tchar and refuses separators, spaces, controls and the empty string', () => {
    expect(isToken("!#$%&'*+-.^_`|~09AZaz")).toBe(true);
    expect(isToken('X-Request-Id')).toBe(true);
    for (const bad of ['', 'a b', 'a:b', 'a,b', 'a;b', '"a"', 'a/b', 'a\tb', 'é', '(a)', 'a\r\n', 'a=b']) {
      expect(isToken(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('isSafeFieldValue (RFC 9110 §5.5)', () => {
  it('accepts visible ASCII with inner spaces and tabs, and the empty value', () => {
    for (const ok of ['', 'a', 'max-age=5', 'a b', 'a\tb', '~', '!']) {
      expect(isSafeFieldValue(ok), JSON.stringify(ok)).toBe(true);
    }
  });

  it('refuses CR, LF, NUL, DEL, non-ASCII and leading or trailing whitespace', () => {
    for (const bad of ['a\r\nb', '\n', 'a\0', '\x7f', 'é', ' a', 'a ', '\ta', 'a\t', ' ']) {
      expect(isSafeFieldValue(bad), JSON.stringify(bad)).toBe(false);
    }
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
