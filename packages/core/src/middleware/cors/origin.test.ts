import { describe, expect, it } from 'vitest';
import { configErrorMessage as message } from '../../_testing';
import { cors } from './index';
import { compileOrigin, isSerializedOrigin } from './origin';

// What counts as a serialized origin (RFC 6454 §6.2), and the origin option's startup errors.

const allows = (option: Parameters<typeof compileOrigin>[0], origin: string) => {
  const compiled = compileOrigin(option);
  return compiled.kind === 'list' && compiled.allows(origin);
};

describe('isSerializedOrigin', () => {
  it('takes scheme://host with an optional port of up to five digits, and bracketed IPv6', () => {
    for (const origin of [
      'https://a.example',
      'https://a.example:8080',
      'http://a:1',
      'https://[::1]',
      'https://[2001:db8::1]:443',
    ]) {
      expect(isSerializedOrigin(origin), origin).toBe(true);
    }
  });

  it('refuses anything around or after it', () => {
    for (const origin of [
      ' https://a.example',
      '1https://a.example',
      'Https://a.example',
      'https://a.example/',
      'https://a.example:123456',
      'https://a.example:8a',
      'https://a.example:',
      'https://[::g]',
      'https://[]',
      'https://a.example, https://b.example',
    ]) {
      expect(isSerializedOrigin(origin), origin).toBe(false);
    }
  });

  it('refuses one over 1024 characters', () => {
    const at = (n: number) => `https://${'a'.repeat(n - 'https://'.length)}`;
    expect(isSerializedOrigin(at(1024))).toBe(true);
    expect(isSerializedOrigin(at(1025))).toBe(false);
  });
});

describe('compileOrigin', () => {
  it('allows an origin any of several patterns matches', () => {
    const option = [/^https:\/\/a\.example$/, /^https:\/\/b\.example$/];
    expect(allows(option, 'https://a.example')).toBe(true);
    expect(allows(option, 'https://b.example')).toBe(true);
    expect(allows(option, 'https://c.example')).toBe(false);
  });

  it('refuses what is not an origin, saying what an origin is', () => {
    const bad = (value: string) =>
      `cors: option \`origin\` entries must be origins like 'https://app.example' (scheme, host, optional port; no path), got ${JSON.stringify(value)}`;
    for (const value of [
      'foo://bar',
      'https://u@a.example',
      'https://u:p@a.example',
      'https://a.example\\x',
      'https://a.example#x',
      'https://a.example?x',
      'https://a.example/\n',
      'https:a.example',
      'not an origin',
    ]) {
      expect(
        message(() => compileOrigin([value])),
        value,
      ).toBe(bad(value));
    }
    expect(message(() => compileOrigin('null'))).toBe(
      `${bad('null')} (use \`allowNullOrigin\` for the opaque origin)`,
    );
  });

  it('refuses an empty list, a wildcard among origins, and entries of another type', () => {
    expect(message(() => compileOrigin([]))).toBe(
      "cors: option `origin` must be '*', an origin, an anchored RegExp, a non-empty array of those, or a function, got []",
    );
    expect(message(() => compileOrigin(5 as never))).toBe(
      "cors: option `origin` must be '*', an origin, an anchored RegExp, a non-empty array of those, or a function, got 5",
    );
    expect(message(() => compileOrigin(['https://a.example', '*']))).toBe(
      "cors: option `origin` '*' cannot be combined with other origins",
    );
    expect(message(() => compileOrigin(['https://a.example', 5 as never]))).toBe(
      'cors: option `origin` entries must be strings or RegExps, got 5',
    );
  });

  it('explains how to anchor a pattern', () => {
    expect(message(() => compileOrigin(/a\.example$/))).toBe(
      'cors: option `origin` patterns must be anchored with ^ and $ so they match whole origins, got /a\\.example$/ (for example /^https:\\/\\/([a-z0-9-]+\\.)?app\\.example$/)',
    );
  });
});

describe('cors options: the errors they teach', () => {
  it('names each bad option and value', () => {
    expect(message(() => cors({ allowMethods: 'GET' as never }))).toBe(
      'cors: option `allowMethods` must be an array of names, got "GET"',
    );
    expect(message(() => cors({ allowHeaders: ['x-a', 5 as never] }))).toBe(
      'cors: option `allowHeaders` entries must be HTTP tokens (RFC 9110 §5.6.2), got 5',
    );
    expect(message(() => cors({ exposeHeaders: ['a b'] }))).toBe(
      'cors: option `exposeHeaders` entries must be HTTP tokens (RFC 9110 §5.6.2), got "a b"',
    );
    expect(
      message(() => cors({ origin: ['https://a.example'], credentials: true, allowHeaders: ['*'] })),
    ).toBe("cors: option `allowHeaders` cannot contain '*' with `credentials: true`: list the names");
    expect(message(() => cors({ credentials: 'yes' as never }))).toBe(
      'cors: option `credentials` must be a boolean, got "yes"',
    );
    expect(message(() => cors({ allowNullOrigin: 1 as never }))).toBe(
      'cors: option `allowNullOrigin` must be a boolean, got 1',
    );
    expect(message(() => cors({ credentials: true }))).toBe(
      "cors: option `credentials` cannot be true with origin '*': list the origins that may send credentials",
    );
    expect(
      message(() => cors({ origin: ['https://a.example'], credentials: true, allowNullOrigin: true })),
    ).toBe(
      'cors: option `allowNullOrigin` cannot be true with `credentials: true`: any site can send `Origin: null`',
    );
    expect(message(() => cors({ maxAge: -1 }))).toBe(
      'cors: option `maxAge` must be an integer number of seconds >= 0, got -1',
    );
    expect(message(() => cors({ orign: '*' } as never))).toMatch(
      /^cors: option `orign` is not a known option/,
    );
  });

  it('takes maxAge 0 and an empty expose list', () => {
    expect(() => cors({ maxAge: 0 })).not.toThrow();
    expect(() => cors({ exposeHeaders: [] })).not.toThrow();
  });
});

describe('compileOrigin: credentials and length', () => {
  it('refuses an entry with a password but no user name', () => {
    expect(message(() => compileOrigin(['https://:secret@a.example']))).toBe(
      `cors: option \`origin\` entries must be origins like 'https://app.example' (scheme, host, optional port; no path), got "https://:secret@a.example"`,
    );
  });

  it('never allows a configured origin too long to be a serialized one, even when sent exactly', () => {
    // The URL parser takes a host of any length; a browser's Origin is held to 1024 characters.
    const long = `https://${'a'.repeat(1100)}.example`;
    expect(allows([long], long)).toBe(false);
    const fits = `https://${'a'.repeat(1000)}.example`;
    expect(allows([fits], fits)).toBe(true);
  });
});
