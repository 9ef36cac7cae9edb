import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import { parseXForwardedFor } from '../../utils/forwarded';
import { lookupIp } from '../../utils/ip';
import { ipFilter } from '../ip-filter';
import { rateLimit } from '../rate-limit';
import { clientIp } from '.';
import { compileTrust, resolveClientIp } from './resolve';

const ipOf = async (
  options: Parameters<typeof clientIp>[0],
  peer: string,
  headers: Record<string, string | string[]> = {},
) => {
  const res = await runFake(clientIp({ warn: () => {}, ...options }), { peer, headers });
  return res.ctx.req.ip;
};

describe('resolveClientIp', () => {
  const xff = (v: string) => parseXForwardedFor([v]);

  it('uses the peer when it is not trusted', () => {
    expect(resolveClientIp('203.0.113.9', xff('127.0.0.1'), compileTrust('10.0.0.0/8'))).toBe('203.0.113.9');
  });

  it('walks right to left and stops at the first untrusted hop', () => {
    expect(resolveClientIp('10.0.0.2', xff('127.0.0.1, 198.51.100.7'), compileTrust('10.0.0.0/8'))).toBe(
      '198.51.100.7',
    );
    expect(
      resolveClientIp('10.0.0.2', xff('6.6.6.6, 198.51.100.7, 10.0.0.3'), compileTrust('10.0.0.0/8')),
    ).toBe('198.51.100.7');
  });

  it('answers the leftmost hop when every hop is trusted', () => {
    expect(resolveClientIp('10.0.0.2', xff('10.0.0.5, 10.0.0.3'), compileTrust('10.0.0.0/8'))).toBe(
      '10.0.0.5',
    );
  });

  it('never answers a garbage hop: the last trusted hop stands instead', () => {
    for (const junk of ['unknown', '_hidden', 'foo', '<script>', '', '0x7f.0.0.1', '1.2.3']) {
      expect(resolveClientIp('10.0.0.2', [junk], compileTrust(1)), junk).toBe('10.0.0.2');
      expect(
        resolveClientIp('10.0.0.2', ['9.9.9.9', junk, '10.0.0.3'], compileTrust('10.0.0.0/8')),
        junk,
      ).toBe('10.0.0.3');
    }
  });

  it('counts hops like proxy-addr: n trusts the peer and n-1 hops behind it', () => {
    expect(resolveClientIp('10.0.0.2', xff('1.1.1.1, 2.2.2.2, 3.3.3.3'), compileTrust(1))).toBe('3.3.3.3');
    expect(resolveClientIp('10.0.0.2', xff('1.1.1.1, 2.2.2.2, 3.3.3.3'), compileTrust(2))).toBe('2.2.2.2');
    expect(resolveClientIp('10.0.0.2', xff('1.1.1.1, 2.2.2.2, 3.3.3.3'), compileTrust(9))).toBe('1.1.1.1');
  });

  it('normalises peers and hops (mapped, ports, case)', () => {
    expect(resolveClientIp('::ffff:a00:2', xff('[2001:DB8::1]:443'), compileTrust('10.0.0.0/8'))).toBe(
      '2001:db8::1',
    );
    expect(resolveClientIp('::ffff:10.0.0.2', xff('1.2.3.4:5678'), compileTrust('::ffff:10.0.0.0/104'))).toBe(
      '1.2.3.4',
    );
  });

  it('hands the predicate canonical addresses and hop indexes', () => {
    const seen: [string, number][] = [];
    const trust = compileTrust((addr, hop) => {
      seen.push([addr, hop]);
      return hop < 2;
    });
    expect(resolveClientIp('::FFFF:127.0.0.1', xff('3.3.3.3, 2001:db8:0::1'), trust)).toBe('3.3.3.3');
    expect(seen).toEqual([
      ['127.0.0.1', 0],
      ['2001:db8::1', 1],
      ['3.3.3.3', 2],
    ]);
  });

  it('returns an unparsable peer as given (policies then fail closed)', () => {
    expect(resolveClientIp('', xff('1.2.3.4'), compileTrust(1))).toBe('');
  });
});

describe('compileTrust', () => {
  it('refuses true, zero, fractions, empty lists and bad entries with a ConfigError', () => {
    for (const bad of [true, 0, -1, 1.5, [], '', ['10.0.0.0/33'], 'loopback, 127.1', {}] as unknown[]) {
      expect(() => compileTrust(bad as never), String(bad)).toThrow(ConfigError);
    }
    expect(() => compileTrust(true as never)).toThrow(/spoof|client writes/);
    expect(() => compileTrust(['10.0.0.0/8', '1.2.3.999'])).toThrow('"1.2.3.999"');
  });
});

describe('clientIp', () => {
  it('ignores X-Forwarded-For when trust is off and warns once', async () => {
    const warnings: string[] = [];
    const mw = clientIp({ warn: (m) => warnings.push(m) });
    const res = await runFake(mw, { peer: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.1' } });
    await runFake(mw, { peer: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.2' } });
    expect(res.ctx.req.ip).toBe('203.0.113.9');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/trustProxy/);
  });

  it('does not warn when no forwarding header arrives', async () => {
    const warnings: string[] = [];
    await runFake(clientIp({ warn: (m) => warnings.push(m) }), { peer: '203.0.113.9' });
    expect(warnings).toEqual([]);
  });

  it('normalises a hex IPv4-mapped peer even without trust', async () => {
    expect(await ipOf({}, '::ffff:a01:203')).toBe('10.1.2.3');
  });

  it('treats several X-Forwarded-For field lines as one list', async () => {
    expect(await ipOf({ trustProxy: 2 }, '10.0.0.1', { 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] })).toBe(
      '1.1.1.1',
    );
    expect(await ipOf({ trustProxy: 1 }, '10.0.0.1', { 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] })).toBe(
      '2.2.2.2',
    );
  });

  it('reads every field line once the memo is warm: a line a proxy appended is never ignored', async () => {
    // One middleware for every request, as in a server: the first request warms the memo for
    // the client's own line, the second arrives with the proxy's line appended after it.
    const mw = clientIp({ trustProxy: 'loopback' });
    const ip = async (lines: string[]) => {
      const r = await runFake(mw, { peer: '127.0.0.1', headers: { 'x-forwarded-for': lines } });
      return r.ctx.req.ip;
    };
    expect(await ip(['198.51.100.7'])).toBe('198.51.100.7');
    expect(await ip(['198.51.100.7'])).toBe('198.51.100.7');
    expect(await ip(['198.51.100.7', '203.0.113.9'])).toBe('203.0.113.9');
    expect(await ip(['198.51.100.7, 127.0.0.1', '203.0.113.9'])).toBe('203.0.113.9');
  });

  it('answers 431 when the host dropped header lines (Node past maxHeadersCount)', async () => {
    const r = await runFake(compose([clientIp({ trustProxy: 'loopback' })]), {
      peer: '127.0.0.1',
      headers: { 'x-forwarded-for': '198.51.100.7' },
      headersCut: true,
    });
    expect(r.status).toBe(431);
    expect(r.reached).toBe(false);
    expect(r.ctx.rejection?.policy).toBe('headers');
  });

  it('reads only Forwarded when configured so, and only X-Forwarded-For otherwise', async () => {
    const headers = {
      forwarded: 'for="[2001:db8::1]:4711";proto=https, for=192.0.2.1',
      'x-forwarded-for': '6.6.6.6',
    };
    expect(await ipOf({ trustProxy: 1, header: 'forwarded' }, '10.0.0.1', headers)).toBe('192.0.2.1');
    expect(await ipOf({ trustProxy: 2, header: 'forwarded' }, '10.0.0.1', headers)).toBe('2001:db8::1');
    expect(await ipOf({ trustProxy: 1 }, '10.0.0.1', headers)).toBe('6.6.6.6');
    // Forwarded chosen but absent: X-Forwarded-For is not a fallback.
    expect(
      await ipOf({ trustProxy: 1, header: 'forwarded' }, '10.0.0.1', { 'x-forwarded-for': '6.6.6.6' }),
    ).toBe('10.0.0.1');
    expect(await ipOf({ trustProxy: 1, header: 'forwarded' }, '10.0.0.1', { forwarded: 'for=unknown' })).toBe(
      '10.0.0.1',
    );
  });

  it('answers the same as resolveClientIp for every forwarding line, first time and repeated (fuzz)', async () => {
    const hop = fc.oneof(
      fc.ipV4(),
      fc.ipV6().map((v6) => `[${v6}]:443`),
      fc.constantFrom('127.0.0.1', '10.0.0.7', 'unknown', '', '1.2.3.4:80', '::1'),
    );
    const trustProxy = ['loopback', '10.0.0.0/8'];
    const mw = clientIp({ trustProxy });
    const trust = compileTrust(trustProxy);
    await fc.assert(
      fc.asyncProperty(
        fc.array(hop, { maxLength: 6 }),
        fc.constantFrom('127.0.0.1', '10.0.0.2', '203.0.113.9'),
        async (hops, peer) => {
          const line = hops.join(', ');
          const expected = resolveClientIp(peer, parseXForwardedFor([line]), trust);
          for (let round = 0; round < 2; round++) {
            const res = await runFake(mw, { peer, headers: { 'x-forwarded-for': line } });
            expect(res.ctx.req.ip).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('asks a trust predicate on every request (its answer is never memoised)', async () => {
    let trusting = true;
    const mw = clientIp({ trustProxy: () => trusting });
    const req = { peer: '10.0.0.2', headers: { 'x-forwarded-for': '198.51.100.7' } };
    expect((await runFake(mw, req)).ctx.req.ip).toBe('198.51.100.7');
    trusting = false;
    expect((await runFake(mw, req)).ctx.req.ip).toBe('10.0.0.2');
  });

  it('refuses unknown options and headers', () => {
    expect(() => clientIp({ trustproxy: 1 } as never)).toThrow(
      /^clientIp: option `trustproxy` is not a known option: did you mean `trustProxy`\?/,
    );
    expect(() => clientIp({ header: 'x-real-ip' as never })).toThrow(ConfigError);
  });

  it('stops a spoofed loopback address from passing an allow list (RFC 7239 §8.1)', async () => {
    const chain = compose([clientIp({ warn: () => {} }), ipFilter({ allow: ['127.0.0.1'] })]);
    const res = await runFake(chain, { peer: '203.0.113.9', headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(res.status).toBe(403);
    expect(res.reached).toBe(false);
  });

  it('lets the real client through a trusted proxy, not the spoofed hop (MDN X-Forwarded-For, selecting an IP address)', async () => {
    const chain = compose([clientIp({ trustProxy: '10.0.0.0/8' }), ipFilter({ deny: ['127.0.0.0/8'] })]);
    const res = await runFake(chain, {
      peer: '10.0.0.2',
      headers: { 'x-forwarded-for': '127.0.0.1, 198.51.100.7' },
    });
    expect(res.ctx.req.ip).toBe('198.51.100.7');
    expect(res.status).toBe(200);
  });
});

describe('clientIp: edges of the memo and of the peer', () => {
  it('never answers one set of field lines with another’s that shares its first line', async () => {
    const mw = clientIp({ trustProxy: 'loopback' });
    const ip = async (lines: string[]) =>
      (await runFake(mw, { peer: '127.0.0.1', headers: { 'x-forwarded-for': lines } })).ctx.req.ip;
    expect(await ip(['198.51.100.7', '203.0.113.9'])).toBe('203.0.113.9');
    expect(await ip(['198.51.100.7', '203.0.113.10'])).toBe('203.0.113.10');
  });

  it('asks a trust predicate again for a line it has seen', async () => {
    let trusting = true;
    const mw = clientIp({ trustProxy: () => trusting });
    const ip = async () =>
      (await runFake(mw, { peer: '10.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' } })).ctx.req.ip;
    expect(await ip()).toBe('198.51.100.7');
    trusting = false;
    expect(await ip()).toBe('10.0.0.1');
  });

  it('passes an unreadable peer on as it is, trusting or not', async () => {
    expect(await ipOf({}, 'garbage')).toBe('garbage');
    expect(await ipOf({ trustProxy: 'loopback' }, 'garbage', { 'x-forwarded-for': '198.51.100.7' })).toBe(
      'garbage',
    );
  });

  it('lets a request with an unreadable peer go on to the next policy, trusting or not', async () => {
    for (const options of [{}, { trustProxy: 'loopback' }, { trustProxy: 2 }]) {
      const r = await runFake(clientIp({ warn: () => {}, ...options }), {
        peer: 'garbage',
        headers: { 'x-forwarded-for': '198.51.100.7' },
      });
      expect(r.errors, JSON.stringify(options)).toEqual([]);
      expect(r.status).toBe(200);
      expect(r.reached).toBe(true);
      expect(r.ctx.req.ip).toBe('garbage');
    }
  });

  it('asks a trust predicate about the hops behind the peer on every request too', async () => {
    let trustHop1 = true;
    const mw = clientIp({ trustProxy: (_addr, hop) => hop === 0 || (hop === 1 && trustHop1) });
    const ip = async () =>
      (await runFake(mw, { peer: '10.0.0.1', headers: { 'x-forwarded-for': '203.0.113.5, 198.51.100.7' } }))
        .ctx.req.ip;
    expect(await ip()).toBe('203.0.113.5');
    trustHop1 = false;
    expect(await ip()).toBe('198.51.100.7');
  });

  it('stops at a cut header section before any later policy counts the request', async () => {
    const r = await runFake(
      compose([clientIp({ trustProxy: 'loopback' }), rateLimit({ limit: 5, windowMs: 60_000 })]),
      { peer: '127.0.0.1', headers: { 'x-forwarded-for': '198.51.100.7' }, headersCut: true },
    );
    expect(r.status).toBe(431);
    expect(r.headers.ratelimit).toBeUndefined();
  });

  it('warns once about a Forwarded field when trust is off, also with trustProxy: false', async () => {
    for (const options of [{}, { trustProxy: false as const }]) {
      const warnings: string[] = [];
      const mw = clientIp({ ...options, warn: (m) => warnings.push(m) });
      await runFake(mw, { headers: { forwarded: 'for=198.51.100.7' } });
      await runFake(mw, { headers: { forwarded: 'for=198.51.100.7' } });
      expect(warnings).toEqual([
        'bouncer clientIp: a request arrived with X-Forwarded-For/Forwarded but trustProxy is off, so the socket address is used: behind a proxy every client shares its address (and its rate limit). If a proxy is in front, set `trustProxy` to its addresses or hop count.',
      ]);
    }
  });

  it('warns on console.warn by default', async () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      await runFake(clientIp(), { headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('trusts no hop for trustProxy false, wherever it is compiled', () => {
    const peer = lookupIp('10.0.0.1')!.addr;
    expect(compileTrust(false)(peer, 0)).toBe(false);
    expect(compileTrust(undefined)(peer, 1)).toBe(false);
    expect(resolveClientIp('10.0.0.1', ['198.51.100.7'], compileTrust(false))).toBe('10.0.0.1');
    expect(resolveClientIp('10.0.0.1', ['198.51.100.7'], compileTrust(undefined))).toBe('10.0.0.1');
  });

  it('names its layer', () => {
    expect(clientIp().name).toBe('clientIp');
    expect(clientIp({ trustProxy: 1 }).name).toBe('clientIp');
  });
});

describe('clientIp: the errors it teaches', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
  };

  it('names each bad option and value', () => {
    expect(message(() => clientIp({ header: 'x-real-ip' as never }))).toBe(
      "clientIp: option `header` must be 'x-forwarded-for' or 'forwarded', got \"x-real-ip\"",
    );
    expect(message(() => clientIp({ warn: 'log' as never }))).toBe(
      'clientIp: option `warn` must be a function, got "log"',
    );
    expect(message(() => clientIp({ trustProxy: true as never }))).toBe(
      "clientIp: option `trustProxy` cannot be `true`: trusting every hop makes the client address whatever the client writes in X-Forwarded-For (express-rate-limit #134). Give the proxy addresses (e.g. `loopback` or '10.0.0.0/8') or the number of proxies in front of the server",
    );
    for (const hops of [0, 1.5]) {
      expect(message(() => clientIp({ trustProxy: hops }))).toBe(
        `clientIp: option \`trustProxy\` must be a whole number of proxies ≥ 1, got ${hops} (use \`false\` for none)`,
      );
    }
    expect(message(() => clientIp({ trustProxy: [] }))).toBe(
      'clientIp: option `trustProxy` is an empty list: use `false` to trust no proxy',
    );
    expect(message(() => clientIp({ trustProxy: ['10.0.0.0/8', 'nope'] }))).toMatch(
      /^clientIp: option `trustProxy` entry "nope" /,
    );
    expect(message(() => clientIp({ trustProxy: {} as never }))).toBe(
      'clientIp: option `trustProxy` must be false, a hop count, a list of addresses/ranges or a function, got {}',
    );
    expect(message(() => compileTrust(0, 'securityHeaders'))).toMatch(
      /^securityHeaders: option `trustProxy` /,
    );
  });
});
