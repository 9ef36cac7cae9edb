import { describe, expect, it } from 'vitest';
import { compileIpList, parseCidr } from './cidr';
import { parseIp } from './ip';

const fail = (entry: string, reason: string): never => {
  throw new Error(`${entry} ${reason}`);
};
const matches = (list: string[], ip: string) => compileIpList(list, fail)(parseIp(ip)!);

describe('parseCidr', () => {
  it('refuses malformed prefixes and addresses', () => {
    for (const bad of [
      '192.168.0.0/33',
      '::/129',
      '127.0.0.1/',
      '10.0.0.0/-1',
      '10.0.0.0/08',
      '10.0.0.0/+8',
      '010.0.0.0/8',
      '999.1.1.1',
      '0x7f.0.0.1/8',
      '127.1',
      'fe80::/10%eth0',
      '10.0.0.0/8/8',
      'loopback/8',
    ]) {
      expect(typeof parseCidr(bad), bad).toBe('string');
    }
  });

  it('turns IPv4-mapped ranges into IPv4 ranges and refuses ones shorter than /96', () => {
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ bits: 8 });
    expect((parseCidr('::ffff:10.0.0.0/104') as any).addr.kind()).toBe('ipv4');
    expect(typeof parseCidr('::ffff:10.0.0.0/64')).toBe('string');
    expect(parseCidr('::ffff:1.2.3.4')).toMatchObject({ bits: 32 });
  });
});

describe('compileIpList', () => {
  it('matches IPv4 and IPv6 ranges by value', () => {
    expect(matches(['203.0.113.0/24'], '203.0.113.9')).toBe(true);
    expect(matches(['203.0.113.0/24'], '::ffff:203.0.113.9')).toBe(true);
    expect(matches(['203.0.113.0/24'], '::ffff:cb00:7109')).toBe(true);
    expect(matches(['203.0.113.0/24'], '203.0.114.9')).toBe(false);
    expect(matches(['2001:db8::/32'], '2001:DB8:0:0::1')).toBe(true);
    expect(matches(['2001:db8:0:0:0:0:0:1'], '2001:db8::1')).toBe(true);
    expect(matches(['::ffff:10.0.0.0/104'], '10.1.2.3')).toBe(true);
    expect(matches(['0.0.0.0/0'], '8.8.8.8')).toBe(true);
    expect(matches(['0.0.0.0/0'], '2001:db8::1')).toBe(false);
  });

  it('expands the named ranges', () => {
    expect(matches(['loopback'], '127.9.9.9')).toBe(true);
    expect(matches(['loopback'], '::1')).toBe(true);
    expect(matches(['Loopback'], '10.0.0.1')).toBe(false);
    expect(matches(['uniquelocal'], '172.31.255.255')).toBe(true);
    expect(matches(['uniquelocal'], 'fd00::1')).toBe(true);
    expect(matches(['linklocal'], '169.254.1.1')).toBe(true);
  });

  it('calls onInvalid with the bad entry, including prototype names', () => {
    expect(() => compileIpList(['10.0.0.0/8', 'constructor'], fail)).toThrow('constructor');
    expect(() => compileIpList(['1.2.3.4/33'], fail)).toThrow('1.2.3.4/33');
  });
});
