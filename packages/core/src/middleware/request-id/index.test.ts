import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import { ipFilter } from '../ip-filter';
import { requestId } from '.';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestId', () => {
  it('generates a UUID, stores it in state and echoes it', async () => {
    const res = await runFake(requestId());
    expect(res.headers['x-request-id']).toMatch(UUID);
    expect(res.state.requestId).toBe(res.headers['x-request-id']);
    const again = await runFake(requestId());
    expect(again.headers['x-request-id']).not.toBe(res.headers['x-request-id']);
  });

  it('reuses a valid incoming id', async () => {
    for (const id of [
      'abc-123',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'a.b_c:d/e+f=g',
    ]) {
      const res = await runFake(requestId(), { headers: { 'x-request-id': id } });
      expect(res.headers['x-request-id']).toBe(id);
      expect(res.state.requestId).toBe(id);
    }
  });

  it('replaces invalid, oversized or repeated incoming ids and never reflects them (CWE-113)', async () => {
    for (const id of [
      'abc\r\nSet-Cookie: x=1',
      'x'.repeat(129),
      'has space',
      '"quoted"',
      '\x1b[31mred',
      'a,b',
      '',
      'ünï',
    ]) {
      const res = await runFake(requestId(), { headers: { 'x-request-id': id } });
      expect(res.headers['x-request-id'], JSON.stringify(id)).toMatch(UUID);
    }
    const twice = await runFake(requestId(), { headers: { 'x-request-id': ['a', 'b'] } });
    expect(twice.headers['x-request-id']).toMatch(UUID);
  });

  it('accepts an id of exactly maxLength characters and replaces one a character longer', async () => {
    for (const maxLength of [1, 3, 128, 1024]) {
      const mw = requestId({ maxLength });
      const fits = 'a'.repeat(maxLength);
      const over = 'a'.repeat(maxLength + 1);
      expect((await runFake(mw, { headers: { 'x-request-id': fits } })).headers['x-request-id']).toBe(fits);
      expect((await runFake(mw, { headers: { 'x-request-id': over } })).headers['x-request-id']).toMatch(
        UUID,
      );
    }
    // The default is 128.
    const id128 = 'b'.repeat(128);
    expect((await runFake(requestId(), { headers: { 'x-request-id': id128 } })).headers['x-request-id']).toBe(
      id128,
    );
    expect(
      (await runFake(requestId(), { headers: { 'x-request-id': `${id128}b` } })).headers['x-request-id'],
    ).toMatch(UUID);
  });

  it('reuses an incoming id of exactly maxLength characters and replaces one a character longer', async () => {
    const id = (n: number) => 'a'.repeat(n);
    const reused = async (options: Parameters<typeof requestId>[0], incoming: string) =>
      (await runFake(requestId(options), { headers: { 'x-request-id': incoming } })).headers[
        'x-request-id'
      ] === incoming;
    expect(await reused({}, id(128))).toBe(true);
    expect(await reused({}, id(129))).toBe(false);
    expect(await reused({ maxLength: 1 }, id(1))).toBe(true);
    expect(await reused({ maxLength: 1 }, id(2))).toBe(false);
    expect(await reused({ maxLength: 1024 }, id(1024))).toBe(true);
    expect(await reused({ maxLength: 1024 }, id(1025))).toBe(false);
  });

  it('accepts maxLength 1 and 1024 and refuses 1025 or a fraction', () => {
    expect(() => requestId({ maxLength: 1 })).not.toThrow();
    expect(() => requestId({ maxLength: 1024 })).not.toThrow();
    expect(() => requestId({ maxLength: 1025 })).toThrow(/maxLength.*1 to 1024.*1025/);
    expect(() => requestId({ maxLength: 12.5 })).toThrow(ConfigError);
  });

  it('holds a custom generator to 1024 safe characters', async () => {
    expect(
      (
        await runFake(requestId({ generate: () => 'g'.repeat(1024) }), {
          headers: { 'x-request-id': 'bad id' },
        })
      ).status,
    ).toBe(200);
    expect((await runFake(requestId({ generate: () => 'g'.repeat(1025) }))).status).toBe(500);
    expect((await runFake(requestId({ generate: () => 42 as never }))).status).toBe(500);
  });

  it('honours maxLength, header, generate and reuseIncoming', async () => {
    expect(
      (await runFake(requestId({ maxLength: 3 }), { headers: { 'x-request-id': 'abcd' } })).headers[
        'x-request-id'
      ],
    ).toMatch(UUID);
    const custom = await runFake(requestId({ header: 'X-Correlation-Id', generate: () => 'gen-1' }), {
      headers: { 'x-correlation-id': 'bad id' },
    });
    expect(custom.headers['x-correlation-id']).toBe('gen-1');
    const fresh = await runFake(requestId({ reuseIncoming: false }), {
      headers: { 'x-request-id': 'client-chosen' },
    });
    expect(fresh.headers['x-request-id']).toMatch(UUID);
  });

  it('is on rejections from later policies too', async () => {
    const res = await runFake(compose([requestId(), ipFilter({ deny: ['0.0.0.0/0'] })]), { peer: '1.2.3.4' });
    expect(res.status).toBe(403);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('answers 500 when the generator returns something unsafe', async () => {
    const res = await runFake(requestId({ generate: () => 'a\nb' }));
    expect(res.status).toBe(500);
    expect(res.headers['x-request-id']).toBeUndefined();
    expect(res.errors).toEqual([
      new TypeError('requestId: `generate` must return 1–1024 characters of [A-Za-z0-9._:/+=-], got "a\\nb"'),
    ]);
  });

  it('validates options at startup', () => {
    for (const bad of [
      { header: 'X Request' },
      { header: '' },
      { maxLength: 0 },
      { maxLength: 5000 },
      { generate: 'uuid' },
      { reuseIncoming: 'yes' },
      { heder: 'x' },
    ]) {
      expect(() => requestId(bad as never), JSON.stringify(bad)).toThrow(ConfigError);
    }
    // The name is what the route audit lists for this layer.
    expect(requestId().name).toBe('requestId');
    expect(() => requestId({ heder: 'x' } as never)).toThrow(
      /^requestId: option `heder` .*did you mean `header`/,
    );
    expect(() => requestId({ header: 42 as never })).toThrow(
      'requestId: option `header` must be a header name (RFC 9110 token), got 42',
    );
    expect(() => requestId({ maxLength: 0 })).toThrow(
      'requestId: option `maxLength` must be a whole number from 1 to 1024, got 0',
    );
    expect(() => requestId({ generate: 'uuid' as never })).toThrow(
      'requestId: option `generate` must be a function, got "uuid"',
    );
    expect(() => requestId({ reuseIncoming: 1 as never })).toThrow(
      'requestId: option `reuseIncoming` must be a boolean, got 1',
    );
  });
});

describe('requestId: the application’s own id', () => {
  it('leaves an id the application put on the response', async () => {
    const r = await runFake(requestId(), {}, { headers: { 'X-Request-Id': 'from-app' } });
    expect(r.headers['x-request-id']).toBe('from-app');
  });
});

describe('requestId: what reaches the response header', () => {
  it('answers 500 when a custom generator returns an array, even one whose text would pass', async () => {
    const r = await runFake(requestId({ generate: () => ['abc'] as never }));
    expect(r.status).toBe(500);
    expect(r.headers['x-request-id']).toBeUndefined();
    expect((r.errors[0] as Error).message).toBe(
      'requestId: `generate` must return 1–1024 characters of [A-Za-z0-9._:/+=-], got ["abc"]',
    );
  });

  it('puts no header when the application replaced ctx.state.requestId with something else', async () => {
    const state: Record<string, unknown> = {};
    const r = await runFake(
      requestId(),
      {},
      {
        run: () => {
          state.requestId = 7;
        },
      },
      state,
    );
    expect(r.status).toBe(200);
    expect(r.headers['x-request-id']).toBeUndefined();
  });
});
