import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIp, ipv6Network, lookupIp, normaliseIp, parseIp } from './ip';

describe('normaliseIp', () => {
  it('accepts canonical dotted-quad IPv4 only', () => {
    expect(normaliseIp('203.0.113.9')).toBe('203.0.113.9');
    expect(normaliseIp('0.0.0.0')).toBe('0.0.0.0');
    for (const bad of [
      '999.1.1.1',
      '1.2.3.256',
      '1.2.3',
      '01.2.3.4',
      '0x7f.0.0.1',
      '127.1',
      '2130706433',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '',
    ]) {
      expect(normaliseIp(bad), bad).toBeUndefined();
    }
  });

  it('writes IPv6 in RFC 5952 form whatever the input spelling', () => {
    expect(normaliseIp('2001:DB8::1')).toBe('2001:db8::1');
    expect(normaliseIp('2001:db8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(normaliseIp('2001:0db8:0000::0001')).toBe('2001:db8::1');
  });

  it('folds IPv4-mapped IPv6 to IPv4 in dotted and hex notation', () => {
    expect(normaliseIp('::ffff:1.2.3.4')).toBe('1.2.3.4');
    expect(normaliseIp('::FFFF:102:304')).toBe('1.2.3.4');
    expect(normaliseIp('0:0:0:0:0:ffff:a01:203')).toBe('10.1.2.3');
  });

  it('keeps other IPv4-embedding ranges as IPv6 (decided by value, not notation)', () => {
    expect(normaliseIp('64:ff9b::1.2.3.4')).toBe('64:ff9b::102:304');
    expect(normaliseIp('2001:db8:1234:5678::1.2.3.4')).toBe('2001:db8:1234:5678::102:304');
    expect(normaliseIp('::1.2.3.4')).toBe('::102:304');
  });

  it('rejects zone ids, malformed IPv6 and non-decimal embedded IPv4', () => {
    for (const bad of [
      'fe80::1%eth0',
      '1234:::5678',
      '1::2::3',
      '[::1]',
      '::ffff:01.2.3.4',
      '::ffff:1.2.3',
      '1:2:3:4:5:6:7:8:9',
      '00001::1',
      'g::1',
      '::1/128',
    ]) {
      expect(normaliseIp(bad), bad).toBeUndefined();
    }
  });

  it('never throws and only returns addresses that parse back to themselves (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.ipV4(), fc.ipV6(), fc.ipV4Extended()), (text) => {
        const out = normaliseIp(text);
        if (out !== undefined) expect(normaliseIp(out)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every generated canonical address', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (text) => {
        expect(parseIp(text)).toBeDefined();
      }),
    );
  });
});

describe('ipv6Network', () => {
  it('masks to the prefix', () => {
    const a = parseIp('2001:db8:1:2ff::9') as any;
    expect(ipv6Network(a, 56)).toBe('2001:db8:1:200::/56');
    expect(ipv6Network(a, 64)).toBe('2001:db8:1:2ff::/64');
    expect(ipv6Network(a, 128)).toBe('2001:db8:1:2ff::9/128');
    expect(ipv6Network(a, 1)).toBe('::/1');
  });
});

describe('lookupIp', () => {
  it('agrees with parseIp/normaliseIp on any text, first time and memoised (fuzz)', () => {
    const text = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4().map((v4) => `::ffff:${v4}`),
      fc.string({ maxLength: 50 }),
      fc.constantFrom('', ' 1.2.3.4', '0x7f.0.0.1', 'fe80::1%eth0', 'x'.repeat(46)),
    );
    fc.assert(
      fc.property(text, (t) => {
        for (let round = 0; round < 2; round++) {
          const info = lookupIp(t);
          expect(info?.text).toBe(normaliseIp(t));
          expect(info === undefined ? undefined : formatIp(info.addr)).toBe(normaliseIp(t));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('still answers correctly after a spray of fresh addresses has churned the memo', () => {
    expect(lookupIp('::FFFF:203.0.113.9')?.text).toBe('203.0.113.9');
    for (let i = 0; i < 20_000; i++) lookupIp(`2001:db8::${i.toString(16)}`);
    expect(lookupIp('::FFFF:203.0.113.9')?.text).toBe('203.0.113.9');
    expect(lookupIp('203.0.113.9')?.addr.kind()).toBe('ipv4');
    expect(lookupIp('2001:DB8:0::1')?.text).toBe('2001:db8::1');
  });

  it('refuses non-strings and over-long text without caching them', () => {
    expect(lookupIp(undefined as never)).toBeUndefined();
    expect(lookupIp(`${'0:'.repeat(30)}1`)).toBeUndefined();
  });
});

describe('parseIp: the character screen and the length bound', () => {
  it('refuses a zone id even when it is written in hex digits (RFC 4007 §11)', () => {
    for (const text of ['fe80::1%1', 'fe80::1%a', 'fe80::1%A', 'fe80::1 ', '[::1]', '::1/128']) {
      expect(parseIp(text), text).toBeUndefined();
    }
  });

  it('takes upper- and lower-case hex digits alike', () => {
    expect(normaliseIp('2001:DB8:ABCD:EF::A')).toBe('2001:db8:abcd:ef::a');
    expect(normaliseIp('2001:db8:abcd:ef::f')).toBe('2001:db8:abcd:ef::f');
    expect(normaliseIp('2001:db8::9:0')).toBe('2001:db8::9:0');
  });

  it('takes an address of exactly 45 characters, the longest there is', () => {
    const longest = '0000:0000:0000:0000:0000:ffff:255.255.255.255';
    expect(longest).toHaveLength(45);
    expect(normaliseIp(longest)).toBe('255.255.255.255');
    expect(lookupIp(longest)?.text).toBe('255.255.255.255');
    expect(normaliseIp(`0${longest}`)).toBeUndefined();
  });

  it('answers undefined, never throws, for a value that is not a string', () => {
    expect(parseIp(5 as never)).toBeUndefined();
    expect(lookupIp(undefined as never)).toBeUndefined();
  });
});
