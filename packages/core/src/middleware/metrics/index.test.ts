import { afterEach, describe, expect, it, vi } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import { bouncer } from '../../policy';
import type { Middleware } from '../../types';
import { metrics, type RequestSample } from './index';

const deny: Middleware = (ctx) => ctx.reject(429, 'Too many requests', 'rateLimit');

function recorder() {
  const samples: RequestSample[] = [];
  return { samples, mw: metrics({ record: (s) => samples.push(s) }) };
}

describe('metrics', () => {
  it('records one sample per finished request with outcome, status, bytes and duration', async () => {
    const { samples, mw } = recorder();
    const r = await runFake(mw, { method: 'POST' }, { status: 201 });
    expect(samples).toHaveLength(0); // nothing before the response is over
    r.finish({ bytes: 42 });
    expect(samples).toEqual([
      { method: 'POST', status: 201, outcome: 'ok', bytes: 42, durationMs: expect.any(Number) },
    ]);
    expect(samples[0].durationMs).toBeGreaterThan(0);
  });

  it('names the refusing policy and its reason, and tells failures and aborts apart', async () => {
    const { samples, mw } = recorder();
    (await runFake(compose([mw, deny]))).finish();
    (await runFake(compose([mw, () => Promise.reject(new Error('boom'))]))).finish();
    (await runFake(mw, {}, { status: 404 })).finish();
    (await runFake(mw)).finish({ aborted: true });
    expect(
      samples.map(({ outcome, status, policy, reason }) => ({ outcome, status, policy, reason })),
    ).toEqual([
      { outcome: 'rejected', status: 429, policy: 'rateLimit', reason: 'Too many requests' },
      { outcome: 'failed', status: 500, policy: undefined, reason: undefined },
      { outcome: 'ok', status: 404, policy: undefined, reason: undefined },
      { outcome: 'aborted', status: 200, policy: undefined, reason: undefined },
    ]);
  });

  it('measures latency up to the finish, not up to next()', async () => {
    const { samples, mw } = recorder();
    const r = await runFake(mw);
    await new Promise((done) => setTimeout(done, 30));
    r.finish();
    expect(samples[0].durationMs).toBeGreaterThanOrEqual(25);
  });

  it('reports a throwing recorder to the host instead of the client', async () => {
    const r = await runFake(
      metrics({
        record: () => {
          throw new Error('exporter down');
        },
      }),
    );
    r.finish();
    expect(r.status).toBe(200);
    expect(r.errors).toHaveLength(1);
  });

  it('is wired from the policy through extras.metrics, outermost', async () => {
    const samples: RequestSample[] = [];
    const chain = bouncer(
      { timing: false, ipFilter: { deny: ['203.0.113.0/24'] } },
      { metrics: (s) => samples.push(s) },
    );
    (await runFake(chain, { peer: '203.0.113.9' })).finish();
    expect(samples).toMatchObject([{ outcome: 'rejected', status: 403, policy: 'ipFilter' }]);
  });

  it('refuses a missing or non-function record, and unknown options', () => {
    expect(() => metrics({} as never)).toThrow(ConfigError);
    expect(() => metrics({ record: 'x' } as never)).toThrow(/metrics: option `record` must be a function/);
    expect(() => metrics({ record() {}, recrd() {} } as never)).toThrow(/did you mean `record`/);
  });
});

describe('metrics: the sample and the options', () => {
  it('records a method that is not a token as -, and the duration in milliseconds', async () => {
    const samples: RequestSample[] = [];
    const r = await runFake(metrics({ record: (s) => samples.push(s) }), { method: 'GE T' });
    r.finish();
    expect(samples[0].method).toBe('-');
    expect(samples[0].durationMs).toBeGreaterThanOrEqual(0);
    expect(samples[0].durationMs).toBeLessThan(10_000);
  });

  it('names a bad options object and unknown keys, and its layer', () => {
    expect(() => metrics(null as never)).toThrow(
      'metrics: option `options` must be an options object, got null',
    );
    expect(() => metrics({ record: () => {}, recrd: 1 } as never)).toThrow(
      /^metrics: option `recrd` is not a known option/,
    );
    expect(metrics({ record: () => {} }).name).toBe('metrics');
  });
});

describe('metrics: the outcome', () => {
  it('counts a request whose head hook failed as failed, whatever its status', async () => {
    const samples: RequestSample[] = [];
    const r = await runFake(
      compose([
        metrics({ record: (s) => samples.push(s) }),
        (ctx, next) => {
          ctx.onHead(() => {
            throw new Error('hook broke');
          });
          return next();
        },
      ]),
    );
    r.finish();
    expect(samples[0]).toMatchObject({ status: 200, outcome: 'failed' });
  });
});

describe('metrics: the duration', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is rounded to the microsecond, and never negative', async () => {
    const samples: RequestSample[] = [];
    const mw = metrics({ record: (s) => samples.push(s) });
    const clock = vi.spyOn(performance, 'now').mockReturnValue(1000);
    const r = await runFake(mw);
    clock.mockReturnValue(1012.3456789);
    r.finish();
    const early = await runFake(mw);
    // A clock that steps back (it should not, but a sample must stay a duration).
    clock.mockReturnValue(999);
    early.finish();
    expect(samples.map((s) => s.durationMs)).toEqual([12.346, 0]);
  });
});
