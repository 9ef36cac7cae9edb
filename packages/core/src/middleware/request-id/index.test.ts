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

  it('replaces invalid, oversized or repeated incoming ids and never reflects them (T1)', async () => {
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
  });
});
