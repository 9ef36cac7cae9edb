import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import { bouncer } from '../../policy';
import type { Middleware } from '../../types';
import { rejectionBody } from './index';

const legacy = rejectionBody((p) => ({
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ error: p.title, message: p.detail ?? null, by: p.policy ?? null }),
}));
const limited: Middleware = (ctx) =>
  ctx.reject(429, 'Too many requests', 'rateLimit', { 'Retry-After': '7' });

describe('rejectionBody', () => {
  it('reshapes a policy rejection, keeping its status and headers', async () => {
    const r = await runFake(compose([legacy, limited]));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(r.body!)).toEqual({
      error: 'Too Many Requests',
      message: 'Too many requests',
      by: 'rateLimit',
    });
    expect(r.headers['content-length']).toBe(String(Buffer.byteLength(r.body!)));
    expect(r.ctx.rejection).toEqual({ policy: 'rateLimit', reason: 'Too many requests' });
  });

  it('reshapes the 500 of an unexpected error, which has no detail and no policy', async () => {
    const r = await runFake(compose([legacy, () => Promise.reject(new Error('secret internals'))]));
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body!)).toEqual({ error: 'Internal Server Error', message: null, by: null });
  });

  it('leaves the application’s own answers alone, and problem+json stays the default', async () => {
    const app = await runFake(legacy, {}, { status: 404, headers: { 'Content-Type': 'text/html' } });
    expect(app.status).toBe(404);
    expect(app.headers['content-type']).toBe('text/html');
    expect(app.body).toBeUndefined();
    const plain = await runFake(compose([limited]));
    expect(plain.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(plain.body!)).toMatchObject({
      type: 'about:blank',
      status: 429,
      title: 'Too Many Requests',
    });
  });

  it('is wired from the policy through extras.rejectionBody', async () => {
    const chain = bouncer(
      { timing: false, ipFilter: { deny: ['203.0.113.0/24'] } },
      { rejectionBody: (p) => ({ contentType: 'text/plain', body: `${p.status} ${p.title}` }) },
    );
    const r = await runFake(chain, { peer: '203.0.113.9' });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.body).toBe('403 Forbidden');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('answers a plain 500 when the shaper returns something unusable', async () => {
    const broken = rejectionBody(() => 'nope' as never);
    const r = await runFake(compose([broken, limited]));
    expect(r.status).toBe(500);
    expect(r.errors).toHaveLength(1);
  });

  it('refuses a shaper that is not a function', () => {
    expect(() => rejectionBody('json' as never)).toThrow(ConfigError);
    expect(() => bouncer({}, { rejectionBody: 5 as never })).toThrow(/rejectionBody/);
  });
});

describe('rejectionBody: what it reshapes and what it refuses', () => {
  const shaped = (seen: unknown[] = []) =>
    rejectionBody((p) => {
      seen.push(p);
      return { contentType: 'text/plain', body: `${p.status}` };
    });

  it('hands the shaper the problem with its type, and no detail key when there is none', async () => {
    const seen: unknown[] = [];
    await runFake(compose([shaped(seen), (ctx) => ctx.reject(403, undefined, 'custom')]));
    expect(seen).toStrictEqual([{ type: 'about:blank', title: 'Forbidden', status: 403, policy: 'custom' }]);
  });

  it('leaves the application’s answers, plain answers of the chain, and an answer that replaced a rejection', async () => {
    const seen: unknown[] = [];
    const app = await runFake(shaped(seen), {}, { status: 404 });
    expect(app.status).toBe(404);
    const plain = await runFake(compose([shaped(seen), (ctx) => ctx.respond(204)]));
    expect(plain.status).toBe(204);
    const replaced = await runFake(
      compose([
        shaped(seen),
        (ctx) => {
          ctx.reject(403);
          ctx.respond(200, 'fine');
        },
      ]),
    );
    expect(replaced.status).toBe(200);
    expect(replaced.body).toBe('fine');
    expect(seen).toEqual([]);
  });

  it('answers 500 when the shaper returns something else, saying what', async () => {
    for (const [out, shown] of [
      [null, 'null'],
      ['x', '"x"'],
      [{ body: 'x' }, '{"body":"x"}'],
      [{ contentType: 5, body: 'x' }, '{"contentType":5,"body":"x"}'],
      [{ contentType: 'text/plain', body: 5 }, '{"contentType":"text/plain","body":5}'],
    ] as const) {
      const r = await runFake(compose([rejectionBody(() => out as never), (ctx) => ctx.reject(403)]));
      expect(r.status).toBe(500);
      expect((r.errors[0] as Error).message).toBe(
        `rejectionBody: the shaper must return { contentType, body }, got ${shown}`,
      );
    }
    const bytes = await runFake(
      compose([
        rejectionBody(() => ({ contentType: 'application/octet-stream', body: new Uint8Array([1, 2]) })),
        (ctx) => ctx.reject(403),
      ]),
    );
    expect(bytes.status).toBe(403);
    expect(bytes.headers['content-length']).toBe('2');
  });

  it('refuses a shaper that is not a function, saying what it must be', () => {
    expect(() => rejectionBody('json' as never)).toThrow(
      'rejectionBody: option `shape` must be a function (problem, ctx) => { contentType, body }, got "json"',
    );
  });
});

describe('rejectionBody: a shaper that returns nothing', () => {
  it('answers 500, saying it got undefined', async () => {
    const r = await runFake(compose([rejectionBody(() => undefined as never), (ctx) => ctx.reject(429)]));
    expect(r.status).toBe(500);
    expect(r.errors).toHaveLength(1);
    expect((r.errors[0] as Error).message).toBe(
      'rejectionBody: the shaper must return { contentType, body }, got undefined',
    );
  });
});
