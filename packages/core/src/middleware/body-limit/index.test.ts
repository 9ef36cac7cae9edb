import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import type { Middleware } from '../../types';
import { bodyLimit, parseByteSize } from './index';

/** A middleware that reads the body through the core, as a body-inspecting policy would. */
const reader: Middleware = async (ctx, next) => {
  const bytes = await ctx.req.body.bytes();
  ctx.state.read = bytes.byteLength;
  await next();
};

const MiB = 1024 * 1024;

describe('bodyLimit', () => {
  it('parses byte sizes with 1024-based units', () => {
    expect(parseByteSize(10)).toBe(10);
    expect(parseByteSize('64kb')).toBe(65536);
    expect(parseByteSize('1.5MB')).toBe(1.5 * MiB);
    expect(parseByteSize('0')).toBe(0);
  });

  it.each(['banana', Number.NaN, -1, 1.5, Number.POSITIVE_INFINITY, '10 parsecs', '-5kb'])(
    'throws ConfigError at construction for limit %s (expressjs/body-parser#698)',
    (limit) => {
      expect(() => bodyLimit({ limit: limit as number })).toThrow(ConfigError);
      expect(() => bodyLimit({ limit: limit as number })).toThrow(/bodyLimit: option `limit`/);
    },
  );

  it('refuses unknown options with a hint', () => {
    expect(() => bodyLimit({ limt: 5 } as never)).toThrow(/^bodyLimit: option `limt` .*did you mean `limit`/);
    expect(bodyLimit().name).toBe('bodyLimit');
  });

  it('rejects a declared Content-Length over the limit with 413 before reading (RFC 9110 §15.5.14)', async () => {
    const r = await runFake(bodyLimit(), {
      method: 'POST',
      headers: { 'content-length': String(10 * MiB) },
    });
    expect(r.status).toBe(413);
    expect(r.reached).toBe(false);
    expect(r.headers.connection).toBe('close');
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.ctx.rejection).toEqual({ policy: 'bodyLimit', reason: `Body exceeds ${MiB} bytes` });
  });

  it('rejects a Content-Length beyond 2^53 as too large, not as NaN (RFC 9110 §8.6)', async () => {
    const r = await runFake(bodyLimit(), {
      method: 'POST',
      headers: { 'content-length': '99999999999999999999999' },
    });
    expect(r.status).toBe(413);
  });

  it.each(['1e3', '-1', '0x10', '10, 10', ' ', '+5'])(
    'answers 400 for malformed Content-Length %j (RFC 9110 §8.6)',
    async (cl) => {
      const r = await runFake(bodyLimit(), { method: 'POST', headers: { 'content-length': cl } });
      expect(r.status).toBe(400);
      expect(r.reached).toBe(false);
    },
  );

  it('reads leading zeros and surrounding whitespace the way a host parser does', async () => {
    const withinLimit = async (cl: string) =>
      (
        await runFake(compose([bodyLimit({ limit: 10 }), reader]), {
          method: 'POST',
          body: '12345',
          headers: { 'content-length': cl },
        })
      ).status;
    expect(await withinLimit(`${'0'.repeat(20)}5`)).toBe(200);
    expect(await withinLimit(' 5 ')).toBe(200);
    expect(
      (
        await runFake(bodyLimit({ limit: 10 }), {
          method: 'POST',
          headers: { 'content-length': `${'0'.repeat(20)}11` },
        })
      ).status,
    ).toBe(413);
  });

  it('parses size strings with spaces, any unit case and fractional sizes rounded down', () => {
    expect(parseByteSize(' 2 kb ')).toBe(2048);
    expect(parseByteSize('3b')).toBe(3);
    expect(parseByteSize('1GB')).toBe(1024 ** 3);
    expect(parseByteSize('1.0001kb')).toBe(1024);
    expect(parseByteSize('7')).toBe(7);
    expect(() => parseByteSize('1tb')).toThrow(
      'bodyLimit: option `limit` must be a non-negative integer of bytes or a size with a unit (b, kb, mb, gb), like \'64kb\', got "1tb"',
    );
    expect(() => parseByteSize('.5kb')).toThrow(ConfigError);
    expect(() => parseByteSize('5 k b')).toThrow(ConfigError);
    expect(() => parseByteSize(true as never, 'rateLimit', 'cost')).toThrow(/^rateLimit: option `cost`/);
    expect(() => parseByteSize(2 ** 53)).toThrow(ConfigError);
    // Only a number or a string: an array or object whose text reads as a size is still refused.
    expect(() => parseByteSize(['64kb'] as never)).toThrow(ConfigError);
    expect(() => parseByteSize({ toString: () => '5' } as never)).toThrow(ConfigError);
  });

  it('refuses a declared length of more than 15 significant digits whatever the limit (not exact as a number)', async () => {
    const status = async (cl: string) =>
      (await runFake(bodyLimit({ limit: 9e15 }), { method: 'POST', headers: { 'content-length': cl } }))
        .status;
    expect(await status('999999999999999')).toBe(200);
    expect(await status('100000000000000')).toBe(200);
    expect(await status('1000000000000005')).toBe(413);
    expect(await status(`000${'9'.repeat(15)}`)).toBe(200);
  });

  it('ignores a malformed Content-Length when Transfer-Encoding is present, and counts the body', async () => {
    for (const cl of ['abc']) {
      const r = await runFake(compose([bodyLimit({ limit: 100 }), reader]), {
        method: 'POST',
        body: 'small',
        headers: { 'transfer-encoding': 'chunked', 'content-length': cl },
      });
      expect(r.status, cl).toBe(200);
      expect(r.state.read).toBe(5);
    }
  });

  it('answers 400 for two Content-Length field lines', async () => {
    const r = await runFake(bodyLimit(), { method: 'POST', headers: { 'content-length': ['10', '10'] } });
    expect(r.status).toBe(400);
    expect(r.ctx.rejection).toEqual({ policy: 'bodyLimit', reason: 'Malformed Content-Length' });
    expect(r.headers.connection).toBe('close');
  });

  it('accepts a body of exactly limit bytes', async () => {
    const r = await runFake(compose([bodyLimit({ limit: 10 }), reader]), {
      method: 'POST',
      body: 'x'.repeat(10),
    });
    expect(r.status).toBe(200);
    expect(r.state.read).toBe(10);
  });

  it('rejects one byte over the limit when read', async () => {
    const r = await runFake(compose([bodyLimit({ limit: 10 }), reader]), {
      method: 'POST',
      body: 'x'.repeat(11),
    });
    expect(r.status).toBe(413);
    expect(r.reached).toBe(false);
  });

  it('counts the bytes of a chunked body with no Content-Length (RFC 9112 §7.1)', async () => {
    const r = await runFake(compose([bodyLimit({ limit: '1kb' }), reader]), {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(5000),
    });
    expect(r.status).toBe(413);
    expect(r.ctx.req.body.limit).toBe(1024);
  });

  it('lets Transfer-Encoding win over a small lying Content-Length (RFC 9112 §6.1, honojs/hono 605c7056)', async () => {
    const r = await runFake(compose([bodyLimit({ limit: 100 }), reader]), {
      method: 'POST',
      headers: { 'content-length': '10', 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(5000),
    });
    expect(r.status).toBe(413);
  });

  it('counts actual bytes when Content-Length understates the body (honojs/hono fa5f9bfc)', async () => {
    const r = await runFake(compose([bodyLimit({ limit: 100 }), reader]), {
      method: 'POST',
      headers: { 'content-length': '10' },
      body: 'x'.repeat(5000),
    });
    expect(r.status).toBe(413);
  });

  it('counts a chunked body nobody in the chain reads, and refuses it past the limit (honojs/hono db05b96d)', async () => {
    // Left to the application, each framework's parser (or none) would decide: the bouncer counts.
    const r = await runFake(bodyLimit({ limit: '2kb' }), {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(5000),
    });
    expect(r.reached).toBe(false);
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
  });

  it('reads a chunked body within the limit once and lets it through for replay (honojs/hono db05b96d)', async () => {
    const r = await runFake(bodyLimit({ limit: '2kb' }), {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(2000),
    });
    expect(r.reached).toBe(true);
    expect(r.ctx.req.body.limit).toBe(2048);
    expect(r.ctx.req.body.consumed).toBe(true);
    expect(r.host.bodyReads).toBe(1);
  });

  it('still rejects GET, HEAD and DELETE bodies over the limit (RFC 9110 §9.3.1)', async () => {
    for (const method of ['GET', 'HEAD', 'DELETE']) {
      const r = await runFake(bodyLimit({ limit: 5 }), { method, headers: { 'content-length': '6' } });
      expect(r.status).toBe(413);
    }
  });

  it('lets a second, inner bodyLimit tighten but never loosen the limit', async () => {
    const tighter = await runFake(compose([bodyLimit({ limit: 100 }), bodyLimit({ limit: 10 }), reader]), {
      method: 'POST',
      body: 'x'.repeat(50),
    });
    expect(tighter.status).toBe(413);
    const looser = await runFake(compose([bodyLimit({ limit: 10 }), bodyLimit({ limit: 100 }), reader]), {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(50),
    });
    expect(looser.status).toBe(413);
    expect(looser.ctx.req.body.limit).toBe(10);
  });

  it('names the effective limit when a middleware between two bodyLimits lowered it', async () => {
    const lower: Middleware = (ctx, next) => {
      ctx.req.body.limit = 5;
      return next();
    };
    const r = await runFake(compose([bodyLimit({ limit: 100 }), lower, bodyLimit({ limit: 200 })]), {
      method: 'POST',
      headers: { 'content-length': '50' },
    });
    expect(r.status).toBe(413);
    expect(r.ctx.rejection?.reason).toBe('Body exceeds 5 bytes');
  });

  it('publishes the smallest limit of the chain on ctx.req.body.limit, whichever order they run in', async () => {
    for (const pair of [
      [10, 100],
      [100, 10],
    ]) {
      const r = await runFake(compose(pair.map((limit) => bodyLimit({ limit }))), {
        method: 'POST',
        body: 'abc',
      });
      expect(r.status, String(pair)).toBe(200);
      expect(r.ctx.req.body.limit, String(pair)).toBe(10);
    }
    expect((await runFake(bodyLimit({ limit: 7 }))).ctx.req.body.limit).toBe(7);
  });

  it('raises the default limit when configured above it', async () => {
    const r = await runFake(compose([bodyLimit({ limit: '2mb' }), reader]), {
      method: 'POST',
      body: new Uint8Array(MiB + 10),
    });
    expect(r.status).toBe(200);
    expect(r.state.read).toBe(MiB + 10);
  });

  it('checks a body an outer middleware already read (replay)', async () => {
    const r = await runFake(compose([reader, bodyLimit({ limit: 10 })]), {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(50),
    });
    expect(r.status).toBe(413);
    expect(r.reached).toBe(false);
    expect(r.ctx.rejection).toEqual({ policy: 'bodyLimit', reason: 'Body exceeds 10 bytes' });
    const exact = await runFake(compose([reader, bodyLimit({ limit: 10 })]), {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: 'x'.repeat(10),
    });
    expect(exact.status).toBe(200);
  });

  it('leaves a body of declared length unread, for the application to stream', async () => {
    const r = await runFake(bodyLimit({ limit: 100 }), { method: 'POST', body: 'x'.repeat(50) });
    expect(r.status).toBe(200);
    expect(r.ctx.req.body.consumed).toBe(false);
  });

  it('lets a request without a body through', async () => {
    const r = await runFake(bodyLimit({ limit: 0 }), { method: 'GET' });
    expect(r.status).toBe(200);
    expect(r.reached).toBe(true);
  });
});
