import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { ConfigError } from '../../errors';
import { ipFilter } from '.';

const status = async (options: Parameters<typeof ipFilter>[0], peer: string) =>
  (await runFake(ipFilter(options), { peer })).status;

describe('ipFilter', () => {
  it('denies listed addresses and ranges with a 403 problem', async () => {
    const res = await runFake(ipFilter({ deny: ['10.0.0.0/8'] }), { peer: '10.1.2.3' });
    expect(res.status).toBe(403);
    expect(res.reached).toBe(false);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body!)).toMatchObject({ status: 403 });
    expect(res.ctx.rejection?.policy).toBe('ipFilter');
  });

  it('denies IPv4-mapped peers in any notation (honojs/hono 48fa2233) and mapped rules apply to IPv4 (RFC 4291 §2.5.5.2)', async () => {
    expect(await status({ deny: ['10.0.0.0/8'] }, '::ffff:10.1.2.3')).toBe(403);
    expect(await status({ deny: ['10.0.0.0/8'] }, '::ffff:a01:203')).toBe(403);
    expect(await status({ deny: ['::ffff:10.0.0.0/104'] }, '10.1.2.3')).toBe(403);
    expect(await status({ deny: ['10.0.0.0/8'] }, '11.1.2.3')).toBe(200);
  });

  it('matches every textual IPv6 variant (RFC 5952)', async () => {
    expect(await status({ allow: ['2001:db8:0:0:0:0:0:1'] }, '2001:DB8::1')).toBe(200);
    expect(await status({ allow: ['2001:DB8::1'] }, '2001:db8:0:0::1')).toBe(200);
    expect(await status({ allow: ['203.0.113.0/24'] }, '::ffff:203.0.113.9')).toBe(200);
    expect(await status({ allow: ['2001:db8::/48'] }, '2001:db8:1::1')).toBe(403);
  });

  it('lets deny win over allow', async () => {
    expect(await status({ allow: ['10.0.0.0/8'], deny: ['10.6.6.0/24'] }, '10.6.6.6')).toBe(403);
    expect(await status({ allow: ['10.0.0.0/8'], deny: ['10.6.6.0/24'] }, '10.1.1.1')).toBe(200);
  });

  it('fails closed on unparsable or missing addresses when an allow list exists (honojs/hono edbf6eea, RFC 4291 §2.2)', async () => {
    for (const peer of [
      '',
      'unknown',
      '1234:::5678',
      '1::2::3',
      'fe80::1%eth0',
      '0x7f.0.0.1',
      '127.1',
      '01.2.3.4',
      '999.1.1.1',
    ]) {
      expect(await status({ allow: ['0.0.0.0/0', '::/0'] }, peer), peer).toBe(403);
      expect(await status({ deny: ['10.0.0.0/8'] }, peer), peer).toBe(200);
    }
  });

  it('allows both loopback forms only through the loopback preset (RFC 6890)', async () => {
    expect(await status({ allow: 'loopback' }, '::1')).toBe(200);
    expect(await status({ allow: 'loopback' }, '127.0.0.1')).toBe(200);
    expect(await status({ allow: '127.0.0.1' }, '::1')).toBe(403);
  });

  it('uses ctx.req.ip as set by an earlier policy, not the peer', async () => {
    const mw = ipFilter({ allow: ['198.51.100.7'] });
    const res = await runFake(
      async (ctx, next) => {
        ctx.req.ip = '198.51.100.7';
        await mw(ctx, next);
      },
      { peer: '10.0.0.1' },
    );
    expect(res.status).toBe(200);
  });

  it('uses the configured message as the problem detail', async () => {
    const res = await runFake(ipFilter({ deny: '10.0.0.1', message: 'Go away.' }), { peer: '10.0.0.1' });
    expect(JSON.parse(res.body!).detail).toBe('Go away.');
  });

  it('throws ConfigError at startup naming bad entries (RFC 4291 §2.5.5.2, honojs/hono c831020f, honojs/hono edbf6eea)', () => {
    for (const entry of [
      '192.168.0.0/33',
      '::/129',
      '127.0.0.1/',
      '10.0.0.0/-1',
      '10.0.0.0/08',
      '::ffff:10.0.0.0/64',
      '999.1.1.1',
      '0x7f.0.0.1',
      '127.1',
      '2130706433',
      'fe80::1%eth0',
    ]) {
      expect(() => ipFilter({ deny: [entry] }), entry).toThrow(ConfigError);
      expect(() => ipFilter({ allow: ['10.0.0.0/8', entry] }), entry).toThrow(JSON.stringify(entry));
    }
    expect(() => ipFilter({})).toThrow(ConfigError);
    expect(() => ipFilter({ allow: [] })).toThrow(/empty/);
    expect(() => ipFilter({ alow: ['1.2.3.4'] } as never)).toThrow(/allow/);
  });
  it('keeps judging every address right with its memo of verdicts, through a spray of fresh addresses', async () => {
    const mw = ipFilter({ allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.0/24'] });
    const expected = (peer: string) => {
      if (peer.startsWith('10.6.6.')) return 403;
      return peer.startsWith('10.') || peer.startsWith('2001:db8:') ? 200 : 403;
    };
    const sample = ['10.1.2.3', '10.6.6.6', '192.0.2.1', '2001:db8::1', '2001:db9::1', 'garbage'];
    // Fresh addresses churn the memo (bounded); the repeat clients are still judged the same.
    for (let i = 0; i < 6000; i++) {
      const peer = i % 2 === 0 ? `10.6.6.${i % 256}` : `2001:db8:${i.toString(16)}::1`;
      const res = await runFake(mw, { peer });
      expect(res.status, peer).toBe(expected(peer));
      if (i % 1000 === 0)
        for (const again of sample)
          expect((await runFake(mw, { peer: again })).status, again).toBe(expected(again));
    }
  });
});

describe('ipFilter: the errors it teaches', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('names each bad option', () => {
    expect(message(() => ipFilter({ deny: 5 as never }))).toBe(
      'ipFilter: option `deny` must be a list of addresses or ranges, got 5',
    );
    expect(message(() => ipFilter({ allow: [] }))).toBe(
      'ipFilter: option `allow` is empty, which would refuse every client: leave it out to allow everyone not denied',
    );
    expect(message(() => ipFilter({ deny: [] }))).toBe('ipFilter: option `deny` is empty: leave it out');
    expect(message(() => ipFilter({ allow: ['10.0.0.1'], deny: ['x'] }))).toMatch(
      /^ipFilter: option `deny` entry "x" /,
    );
    expect(message(() => ipFilter({}))).toBe(
      'ipFilter: option `allow` or `deny` must be given: without either the filter does nothing',
    );
    expect(message(() => ipFilter({ deny: '10.0.0.1', message: 5 as never }))).toBe(
      'ipFilter: option `message` must be a string, got 5',
    );
    expect(message(() => ipFilter({ dny: [] } as never))).toMatch(
      /^ipFilter: option `dny` is not a known option/,
    );
  });

  it('says why by default, and names its layer', async () => {
    const mw = ipFilter({ deny: '10.0.0.1' });
    const res = await runFake(mw, { peer: '10.0.0.1' });
    expect(JSON.parse(res.body!).detail).toBe('Access from this address is not allowed.');
    expect(res.ctx.rejection?.policy).toBe('ipFilter');
    expect(mw.name).toBe('ipFilter');
  });
});
