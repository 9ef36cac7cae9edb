import { describe, expect, it } from 'vitest';
import { hostOk, parseTarget } from './target';

describe('parseTarget', () => {
  it.each([
    ['/', '/', ''],
    ['/a/b', '/a/b', ''],
    ['/a/b?x=1&y', '/a/b', 'x=1&y'],
    ['/a?', '/a', ''],
    ['/a?b?c/../d', '/a', 'b?c/../d'],
    ["/a;b,c=d:e@f!$&'()*+~_-.", "/a;b,c=d:e@f!$&'()*+~_-.", ''],
    ['/caf%C3%A9/%2Fx', '/caf%C3%A9/%2Fx', ''],
    ['/a..b/.c/d.', '/a..b/.c/d.', ''],
    ['/a/...', '/a/...', ''],
    ['//a', '//a', ''],
    ['http://x/a?q', '/a', 'q'],
    ['https://x:8443/', '/', ''],
    ['http://[::1]:80/a', '/a', ''],
    ['http://Example.COM/a', '/a', ''],
  ])('reads %s as path %s, query %s', (target, path, query) => {
    expect(parseTarget(target)).toEqual({ path, query });
  });

  it.each([
    // absolute-form whose path two readers place differently (RFC 3986 §3.3: the path here is empty)
    'http://x?/a',
    'http://x#/a',
    'http://x;y?/a',
    'http://x',
    'http:///a',
    'http://u@x/a',
    'http://x\\@y/a',
    'http://x%2f/a',
    'HTTP://x/a',
    'Http://x/a',
    'ftp://x/a',
    'http:/a',
    // not a target at all
    '',
    '*',
    'a/b',
    '\\a',
    // characters outside RFC 3986, or a fragment (RFC 9112 §3.2)
    '/a#b',
    '/a?b#c',
    '/a\\b',
    '/a b',
    '/a"b',
    '/a<b>',
    '/a{b}',
    '/a|b',
    '/a^b',
    '/a`b',
    '/a[b]',
    '/\u00e9',
    '/a?\u00e9',
    '/a?b c',
    // broken percent-encoding
    '/%',
    '/a%2',
    '/%zz',
    '/%2g',
    // dot segments, spelt any way (RFC 3986 §5.2.4; WHATWG URL resolves %2e too)
    '/.',
    '/..',
    '/./a',
    '/a/.',
    '/a/..',
    '/a/../b',
    '/a/%2e%2e/b',
    '/a/%2E%2e/b',
    '/a/.%2e/b',
    '/a/%2e./b',
    '/a/%2e/b',
    '/a/%2E/b',
    '/%2E%2E/b',
    '/a/%2e',
    '/a/..?q',
    'http://x/a/../b',
  ])('refuses %s', (target) => {
    expect(parseTarget(target)).toBeUndefined();
  });

  it('returns the origin-form target itself when it has no query (no copy on the fast path)', () => {
    const target = `/${'a'.repeat(40)}`;
    expect(parseTarget(target)?.path).toBe(target);
  });
});

describe('hostOk', () => {
  it.each([
    [[]],
    [['a']],
    [['example.com:8080']],
    [['[::1]']],
    [['[2001:db8::1]:443']],
    [['a-b.c_d~']],
    [['[2001:DB8::1]']],
    [['[::ffff:192.0.2.1]']],
    [['Host1.Example']],
    [['a:1']],
    [['a:65535']],
  ])('accepts %j', (lines) => {
    expect(hostOk(lines)).toBe(true);
  });
  it.each([
    [['a', 'a']],
    [['']],
    [['x?']],
    [['x#']],
    [['x/y']],
    [['a@b']],
    [['a%41']],
    [['a b']],
    [['a:b']],
    [['a:123456']],
    [['[::1']],
    [['::1]']],
    [['[::g]']],
    [['a:']],
    [['a:p']],
    [['a.example:80:80']],
  ])('refuses %j', (lines) => {
    expect(hostOk(lines)).toBe(false);
  });
});

describe('parseTarget: edges of the grammar', () => {
  it.each(['/%00', '/%09', '/%fF', '/%Af'])('takes the pct-encoded triplet %s', (target) => {
    expect(parseTarget(target)?.path).toBe(target);
  });

  it.each(['/%0g', '/%.1', '/%/1', '/% 1', '/%g0'])('refuses the broken triplet in %s', (target) => {
    expect(parseTarget(target)).toBeUndefined();
  });

  it.each(['/.x2e/a', '/.%3e/a', '/.%2a/a', '/.abc/a', '/x.%2e/a', '/.%2e%2e/a'])(
    'takes %s: a segment with dots that is no dot segment',
    (target) => {
      expect(parseTarget(target)?.path).toBe(target);
    },
  );

  it.each(['ftp://a.example/x', 'httpx://a/x', 'HTTP://a/x', 'http:/a/x'])(
    'refuses the scheme of %s',
    (target) => {
      expect(parseTarget(target)).toBeUndefined();
    },
  );

  it('refuses DEL and controls in the query', () => {
    expect(parseTarget('/a?x\x7f')).toBeUndefined();
    expect(parseTarget('/a?x\x1f')).toBeUndefined();
    expect(parseTarget('/a?x~')?.query).toBe('x~');
  });
});
