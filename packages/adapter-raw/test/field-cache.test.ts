// Remembered field checks must answer exactly as the checks themselves, however full they get.
import { describe, expect, it } from 'vitest';
import { checkFieldValue, fieldKey, lookupKey } from '../src/_server/fields';

describe('field checks, remembered', () => {
  it('gives the lower-case key of a token name, the same on the next call', () => {
    expect(fieldKey('X-Frame-Options')).toBe('x-frame-options');
    expect(fieldKey('X-Frame-Options')).toBe('x-frame-options');
    expect(lookupKey('X-Frame-Options')).toBe('x-frame-options');
    expect(lookupKey('Never-Set')).toBe('never-set');
  });

  it('rejects a name that is not a token every time', () => {
    for (let i = 0; i < 3; i++) expect(() => fieldKey('Bad Name')).toThrow(TypeError);
    expect(() => fieldKey('')).toThrow(TypeError);
  });

  it('rejects CR, LF and NUL in values every time, singly or in a list', () => {
    checkFieldValue('X-A', 'fine');
    for (let i = 0; i < 3; i++) {
      expect(() => checkFieldValue('X-A', 'a\r\nInjected: 1')).toThrow(TypeError);
      expect(() => checkFieldValue('X-A', ['fine', 'a\nb'])).toThrow(TypeError);
      expect(() => checkFieldValue('X-A', 'nul\0')).toThrow(TypeError);
    }
  });

  it('reports obs-text on every call, since only ASCII values are remembered', () => {
    expect(checkFieldValue('X-A', 'caf\xe9')).toBe(true);
    expect(checkFieldValue('X-A', 'caf\xe9')).toBe(true);
    expect(checkFieldValue('X-A', ['ascii', 'caf\xe9'])).toBe(true);
    expect(checkFieldValue('X-A', 'ascii')).toBe(false);
    expect(checkFieldValue('X-A', 'ascii')).toBe(false);
  });

  it('answers the same after thousands of distinct values have come and gone', () => {
    const constant = "default-src 'self'";
    for (let i = 0; i < 5000; i++) {
      expect(checkFieldValue('X-Request-Id', `id-${i}`)).toBe(false);
      expect(checkFieldValue('Content-Security-Policy', constant)).toBe(false);
      expect(fieldKey(`X-Name-${i}`)).toBe(`x-name-${i}`);
    }
    expect(() => checkFieldValue('X-A', 'a\rb')).toThrow(TypeError);
    expect(() => fieldKey('Bad:Name')).toThrow(TypeError);
    expect(checkFieldValue('X-A', '\xff')).toBe(true);
  });
});
