import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors';
import { assertKnownKeys, assertOptionsObject, closestName, show } from './policy-options';

describe('closestName', () => {
  const known = ['limit', 'window', 'key', 'contentSecurityPolicy', 'maxAge'];

  it('suggests a known option for a case slip or a typo of up to two edits', () => {
    expect(closestName('LIMIT', known)).toBe('limit');
    expect(closestName('limt', known)).toBe('limit');
    expect(closestName('windw', known)).toBe('window');
    expect(closestName('wndw', known)).toBe('window');
    expect(closestName('maxage', known)).toBe('maxAge');
    expect(closestName('kye', known)).toBe('key');
  });

  it('allows one edit per four characters in longer names', () => {
    expect(closestName('contentSecuritPolicyy', known)).toBe('contentSecurityPolicy');
    expect(closestName('contntSecuritPolcyy', known)).toBe('contentSecurityPolicy');
    expect(closestName('xxxxxxxxxxxxxxxxxxxxx', known)).toBeUndefined();
  });

  it('suggests nothing for a name far from every known one, or with nothing known', () => {
    expect(closestName('algorithm', known)).toBeUndefined();
    expect(closestName('wxyz', known)).toBeUndefined();
    expect(closestName('limit', [])).toBeUndefined();
  });

  it('counts insertions, deletions and substitutions alike, and prefers the nearest', () => {
    expect(closestName('ab', ['abcd'])).toBe('abcd');
    expect(closestName('abcd', ['ab'])).toBe('ab');
    expect(closestName('abxd', ['abcd'])).toBe('abcd');
    expect(closestName('abc', ['xbc', 'abd', 'abc'])).toBe('abc');
    expect(closestName('abcx', ['abyy', 'abcy'])).toBe('abcy');
    expect(closestName('abc', ['xyz'])).toBeUndefined();
    expect(closestName('', ['ab'])).toBe('ab');
    expect(closestName('', ['abc'])).toBeUndefined();
  });
});

describe('assertKnownKeys', () => {
  it('passes known keys and throws a ConfigError naming an unknown one with a hint', () => {
    expect(() =>
      assertKnownKeys('cors', { origin: 1, credentials: true }, ['origin', 'credentials']),
    ).not.toThrow();
    expect(() => assertKnownKeys('cors', { orign: 1 }, ['origin', 'credentials'])).toThrow(
      new ConfigError(
        'cors',
        'orign',
        'is not a known option: did you mean `origin`? (known: origin, credentials)',
      ),
    );
  });

  it('lists the known options when nothing is close, and prefixes nested option names', () => {
    expect(() => assertKnownKeys('cors', { zzzzzz: 1 }, ['origin', 'credentials'])).toThrow(
      'cors: option `zzzzzz` is not a known option (known: origin, credentials)',
    );
    expect(() => assertKnownKeys('securityHeaders', { maxage: 1 }, ['maxAge'], 'hsts.')).toThrow(
      'securityHeaders: option `hsts.maxage` is not a known option: did you mean `hsts.maxAge`?',
    );
  });
});

describe('show', () => {
  it('quotes strings, names functions, prints RegExps and JSON values', () => {
    expect(show('a"b')).toBe('"a\\"b"');
    expect(show(() => 1)).toBe('a function');
    expect(show(/^x$/i)).toBe('/^x$/i');
    expect(show({ a: [1, null] })).toBe('{"a":[1,null]}');
    expect(show(undefined)).toBe('undefined');
    expect(show(Symbol.for('s'))).toBe('Symbol(s)');
    expect(show(10n)).toBe('10');
  });

  it('falls back to String() for values JSON cannot print', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(show(cyclic)).toBe('[object Object]');
  });

  it('bounds long values to 80 characters', () => {
    expect(show('x'.repeat(78))).toBe(`"${'x'.repeat(78)}"`);
    const long = show('y'.repeat(79));
    expect(long).toHaveLength(80);
    expect(long).toBe(`"${'y'.repeat(76)}...`);
  });
});

describe('closestName and assertOptionsObject', () => {
  it('suggests the first of two equally close names', () => {
    expect(closestName('ab', ['aa', 'bb'])).toBe('aa');
  });

  it('refuses null, scalars and arrays as an options object, naming the option', () => {
    for (const [value, shown] of [
      [null, 'null'],
      [5, '5'],
      [[], '[]'],
      ['x', '"x"'],
    ] as const) {
      expect(() => assertOptionsObject('m', 'o', value)).toThrow(
        `m: option \`o\` must be an options object, got ${shown}`,
      );
    }
    expect(() => assertOptionsObject('m', 'o', {})).not.toThrow();
  });
});
