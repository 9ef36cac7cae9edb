import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_FORWARDED_HOPS, parseForwarded, parseNode, parseXForwardedFor } from './forwarded';
import { formatIp } from './ip';

const node = (text: string) => {
  const addr = parseNode(text);
  return addr && formatIp(addr);
};

describe('parseXForwardedFor', () => {
  it('splits, trims and joins several field lines into one list in order', () => {
    expect(parseXForwardedFor(['203.0.113.1 ,\t198.51.100.2'])).toEqual(['203.0.113.1', '198.51.100.2']);
    expect(parseXForwardedFor(['a, b', 'c'])).toEqual(['a', 'b', 'c']);
  });

  it('keeps empty elements (they are garbage hops, not skipped)', () => {
    expect(parseXForwardedFor(['1.2.3.4, ,'])).toEqual(['1.2.3.4', '', '']);
    expect(parseXForwardedFor([',a'])).toEqual(['', 'a']);
    expect(parseXForwardedFor([''])).toEqual(['']);
  });

  it('keeps only the rightmost hops of a huge header, marking the cut', () => {
    const out = parseXForwardedFor([
      Array.from({ length: 10_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(', '),
    ]);
    expect(out).toHaveLength(MAX_FORWARDED_HOPS + 1);
    expect(out[0]).toBe('');
    expect(out.at(-1)).toBe('10.0.39.15');
  });
});

describe('parseForwarded', () => {
  it('reads for= values, quoted or not, case-insensitive names', () => {
    expect(parseForwarded(['for="[2001:db8:cafe::17]:4711";proto=https, For=192.0.2.1;by=10.0.0.1'])).toEqual(
      ['[2001:db8:cafe::17]:4711', '192.0.2.1'],
    );
    expect(parseForwarded(['for=unknown', 'for=_hidden;proto=http'])).toEqual(['unknown', '_hidden']);
    expect(parseForwarded(['for="a\\"b"'])).toEqual(['a"b']);
  });

  it('marks elements without for, with two fors or with syntax errors as empty', () => {
    expect(parseForwarded(['proto=https, for=1.2.3.4'])).toEqual(['', '1.2.3.4']);
    expect(parseForwarded(['for=1.1.1.1;for=2.2.2.2, for=3.3.3.3'])).toEqual(['', '3.3.3.3']);
    expect(parseForwarded(['for 1.2.3.4, for=5.6.7.8'])).toEqual(['', '5.6.7.8']);
    expect(parseForwarded(['for=1.2.3.4,'])).toEqual(['1.2.3.4', '']);
    expect(parseForwarded(['for=<script>, for=5.6.7.8'])).toEqual(['', '5.6.7.8']);
  });

  it('does not let an unterminated quote swallow what a proxy appended', () => {
    expect(parseForwarded(['for="6.6.6.6', 'for=192.0.2.1'])).toEqual(['', '192.0.2.1']);
    expect(parseForwarded(['for="x, for=192.0.2.1']).at(-1)).toBe('192.0.2.1');
  });

  it('is linear on hostile input and bounded in output', () => {
    const hostile = [
      `for="${'\\'.repeat(20_000)}`,
      ';'.repeat(20_000),
      `${'a=b;'.repeat(5_000)}for=1.2.3.4`,
      ','.repeat(20_000),
    ];
    const out = parseForwarded(hostile);
    expect(out.length).toBeLessThanOrEqual(MAX_FORWARDED_HOPS + 1);
    expect(out[0]).toBe('');
  });

  it('never throws on arbitrary input (fuzz)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({
            unit: fc.constantFrom('f', 'o', 'r', '=', '"', '\\', ',', ';', ' ', '1', '.', ':', '[', ']'),
          }),
        ),
        (lines) => {
          const out = parseForwarded(lines);
          expect(out.length).toBeLessThanOrEqual(MAX_FORWARDED_HOPS + 1);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('parseNode', () => {
  it('strips ports and brackets', () => {
    expect(node('1.2.3.4:5678')).toBe('1.2.3.4');
    expect(node('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(node('[2001:DB8::1]')).toBe('2001:db8::1');
    expect(node('2001:db8::1')).toBe('2001:db8::1');
    expect(node('192.0.2.43:_abc')).toBe('192.0.2.43');
    expect(node('[::ffff:1.2.3.4]:80')).toBe('1.2.3.4');
  });

  it('refuses everything that is not an address', () => {
    for (const bad of [
      'unknown',
      '_hidden',
      'foo',
      '<script>',
      '',
      '0x7f.0.0.1',
      '0177.0.0.1',
      '127.1',
      '1.2.3.4:99999',
      '1.2.3.4:',
      ':80',
      '[1.2.3.4]',
      '[::1',
      '[::1]x',
      '[::1]:',
      'fe80::1%eth0',
      '1.2.3.4:80:90',
    ]) {
      expect(node(bad), bad).toBeUndefined();
    }
  });
});

describe('parseForwarded: the grammar, character by character', () => {
  it('takes every tchar in a parameter name and an unquoted value (RFC 9110 §5.6.2)', () => {
    const tchars = "!#$%&'*+-.^_`|~AZaz09";
    expect(parseForwarded([`${tchars}=${tchars};for=192.0.2.1`])).toEqual(['192.0.2.1']);
    expect(parseForwarded([`for=${tchars}`])).toEqual([tchars]);
  });

  it.each(['"', '[', '\\', ']', '{', '}', '(', '@', '/', ' x'])(
    'refuses a name with the separator %j in it',
    (sep) => {
      expect(parseForwarded([`a${sep}b=1;for=192.0.2.1`])).toEqual(['']);
    },
  );

  it('refuses an empty name, an empty value and text glued to a quoted value', () => {
    expect(parseForwarded(['=x;for=192.0.2.1'])).toEqual(['']);
    expect(parseForwarded(['for=192.0.2.1;by='])).toEqual(['']);
    expect(parseForwarded(['for="192.0.2.1"proto=http'])).toEqual(['']);
    expect(parseForwarded(['for=192.0.2.1 x'])).toEqual(['']);
  });

  it('allows whitespace around pairs and a trailing semicolon', () => {
    expect(parseForwarded(['for=192.0.2.1 ;proto=http'])).toEqual(['192.0.2.1']);
    expect(parseForwarded(['for=192.0.2.1;  '])).toEqual(['192.0.2.1']);
    expect(parseForwarded(['  for=192.0.2.1\t, for=192.0.2.2'])).toEqual(['192.0.2.1', '192.0.2.2']);
  });

  it('reads an empty line as one element without for', () => {
    expect(parseForwarded([''])).toEqual(['']);
    expect(parseForwarded(['', 'for=192.0.2.1'])).toEqual(['', '192.0.2.1']);
  });

  it('keeps the rightmost hops over all lines, marking the cut only when there was one', () => {
    const hops = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => `for=10.0.${(from + i) >> 8}.${(from + i) & 255}`).join(', ');
    const exact = parseForwarded([hops(MAX_FORWARDED_HOPS)]);
    expect(exact).toHaveLength(MAX_FORWARDED_HOPS);
    expect(exact[0]).toBe('10.0.0.0');
    const over = parseForwarded([hops(40)]);
    expect(over).toHaveLength(MAX_FORWARDED_HOPS + 1);
    expect(over.slice(0, 2)).toEqual(['', '10.0.0.8']);
    // A line longer than twice the cap is cut on its own; the next line still counts.
    const long = parseForwarded([hops(70), 'for=192.0.2.1']);
    expect(long).toHaveLength(MAX_FORWARDED_HOPS + 1);
    expect(long.slice(0, 2)).toEqual(['', '10.0.0.39']);
    expect(long.at(-1)).toBe('192.0.2.1');
    const alone = parseForwarded([hops(70)]);
    expect(alone).toHaveLength(MAX_FORWARDED_HOPS + 1);
    expect(alone.slice(0, 2)).toEqual(['', '10.0.0.38']);
  });
});

describe('parseNode: ports', () => {
  it('takes decimal ports of up to five digits, 0 to 65535', () => {
    for (const port of ['0', '9', '80', '65535']) expect(node(`192.0.2.1:${port}`), port).toBe('192.0.2.1');
    expect(node('[2001:db8::1]:65535')).toBe('2001:db8::1');
  });

  it.each(['65536', '000080', '1e3', '-1', '+80', ' 80', '8 ', '0x50', '_', '_a!b', '_a#b', '_a[b', '_a b'])(
    'refuses the port %j',
    (port) => {
      expect(node(`192.0.2.1:${port}`)).toBeUndefined();
      expect(node(`[2001:db8::1]:${port}`)).toBeUndefined();
    },
  );

  it('takes an obfuscated port of identifier characters (RFC 7239 §6.3)', () => {
    expect(node('192.0.2.1:_a.b-c_9')).toBe('192.0.2.1');
    expect(node('[2001:db8::1]:_x')).toBe('2001:db8::1');
  });

  it('needs a colon between a bracketed address and its port', () => {
    expect(node('[2001:db8::1]x80')).toBeUndefined();
    expect(node('[2001:db8::1]80')).toBeUndefined();
  });
});

describe('parseNode: length', () => {
  it('reads a node of up to 64 characters and refuses a longer or empty one', () => {
    // `[2001:db8::1]:_` is 15 characters; an obfuscated port pads it to the bound.
    const at = (length: number) => `[2001:db8::1]:_${'a'.repeat(length - 15)}`;
    expect(at(64)).toHaveLength(64);
    expect(node(at(64))).toBe('2001:db8::1');
    expect(node(at(65))).toBeUndefined();
    expect(node('')).toBeUndefined();
  });
});
