import { describe, expect, it } from 'vitest';
import { compileIpList, parseCidr, toList } from './cidr';
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

describe('address lists at their edges', () => {
  it('matches exactly the addresses inside a prefix, at every length', () => {
    expect(matches(['10.0.0.0/8'], '10.255.255.255')).toBe(true);
    expect(matches(['10.0.0.0/8'], '11.0.0.0')).toBe(false);
    expect(matches(['10.0.0.0/8'], '9.255.255.255')).toBe(false);
    expect(matches(['128.0.0.0/1'], '255.0.0.1')).toBe(true);
    expect(matches(['128.0.0.0/1'], '127.255.255.255')).toBe(false);
    expect(matches(['192.0.2.7'], '192.0.2.7')).toBe(true);
    expect(matches(['192.0.2.7/32'], '192.0.2.6')).toBe(false);
    expect(matches(['192.0.2.7/31'], '192.0.2.6')).toBe(true);
    expect(matches(['2001:db8::1/128'], '2001:db8::2')).toBe(false);
    expect(matches(['2001:db8::/127'], '2001:db8::1')).toBe(true);
    expect(matches(['::/0'], '2001:db8::1')).toBe(true);
    expect(matches(['::/0'], '10.0.0.1')).toBe(false);
    expect(matches([], '10.0.0.1')).toBe(false);
    expect(matches([], '::1')).toBe(false);
  });

  it('bounds the named ranges as their RFCs do', () => {
    expect(matches(['uniquelocal'], '172.15.255.255')).toBe(false);
    expect(matches(['uniquelocal'], '172.16.0.0')).toBe(true);
    expect(matches(['uniquelocal'], '172.32.0.0')).toBe(false);
    expect(matches(['uniquelocal'], '192.168.255.1')).toBe(true);
    expect(matches(['uniquelocal'], '192.169.0.1')).toBe(false);
    expect(matches(['uniquelocal'], '10.1.2.3')).toBe(true);
    expect(matches(['uniquelocal'], 'fc00::1')).toBe(true);
    expect(matches(['uniquelocal'], 'fe00::1')).toBe(false);
    expect(matches(['linklocal'], '169.255.0.1')).toBe(false);
    expect(matches(['linklocal'], 'febf::1')).toBe(true);
    expect(matches(['linklocal'], 'fec0::1')).toBe(false);
    expect(matches(['loopback'], '128.0.0.1')).toBe(false);
    expect(matches(['loopback'], '::2')).toBe(false);
    expect(matches([' LOOPBACK '], '127.0.0.1')).toBe(true);
    expect(matches([' 10.0.0.0/8 '], '10.0.0.1')).toBe(true);
  });

  it('explains why an entry is refused', () => {
    expect(parseCidr('nope')).toBe('is not an IPv4 (four decimal parts) or IPv6 address');
    expect(parseCidr('10.0.0.0/33')).toBe('has an invalid prefix length (0 to 32, no leading zeros)');
    expect(parseCidr('::/1000')).toBe('has an invalid prefix length (0 to 128, no leading zeros)');
    expect(parseCidr('::ffff:0.0.0.0/95')).toBe('is an IPv4-mapped range shorter than /96');
    expect(parseCidr(7 as never)).toBe('is not a string');
    expect(parseCidr('10.0.0.0/0')).toMatchObject({ bits: 0 });
    expect(parseCidr('10.0.0.0/32')).toMatchObject({ bits: 32 });
    expect(parseCidr('::/128')).toMatchObject({ bits: 128 });
    expect(parseCidr('::ffff:0.0.0.0/96')).toMatchObject({ bits: 0 });
    expect(parseCidr('10.0.0.0/a')).toBe('has an invalid prefix length (0 to 32, no leading zeros)');
    expect(parseCidr('10.0.0.0/1:')).toBe('has an invalid prefix length (0 to 32, no leading zeros)');
  });

  it('reports a non-string entry', () => {
    expect(() => compileIpList([42 as never], fail)).toThrow('42 is not a string');
  });
});

describe('toList', () => {
  it('splits a comma-separated string, trimming and dropping empty items; an array is kept', () => {
    expect(toList(' loopback, 10.0.0.0/8 ,,')).toEqual(['loopback', '10.0.0.0/8']);
    expect(toList('')).toEqual([]);
    const list = ['a, b'];
    expect(toList(list)).toBe(list);
  });
});

describe('compileIpList: what a bad entry is told', () => {
  const reasonOf = (entry: string) => {
    try {
      compileIpList([entry], (_e, r) => {
        throw new Error(r);
      });
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error(`${entry} was accepted`);
  };
  const names = 'is not an address, a CIDR range or a range name (loopback, linklocal, uniquelocal)';

  it('lists the range names for a word, and names the close one', () => {
    expect(reasonOf('zzzzzzzzzz')).toBe(names);
    expect(reasonOf('loopbak')).toBe(`${names}: did you mean \`loopback\`?`);
  });

  it('gives the plain reason for anything that is not one lower-case word', () => {
    for (const entry of ['1x', 'x1', '10.0.0.300'])
      expect(reasonOf(entry), entry).not.toContain('range name');
  });
});
