import { describe, expect, it } from 'vitest';
import { runFake } from './_testing';
import { compose } from './compose';
import { phased, phasesOf } from './phases';
import type { Middleware } from './types';

type Step = 'sync' | 'async' | 'stop' | 'stopAsync' | 'throw' | 'reject' | 'none';

/** A phased policy that logs its phases; `before` behaves as `step` says. */
function policy(log: string[], name: string, step: Step = 'sync', after: 'log' | 'throw' | 'none' = 'log') {
  return phased(name, {
    before:
      step === 'none'
        ? undefined
        : (ctx) => {
            log.push(`${name}-in`);
            if (step === 'throw') throw new Error(`${name} broke`);
            if (step === 'stop') ctx.reject(403, 'stopped', name);
            if (step === 'async') return Promise.resolve();
            if (step === 'stopAsync') return Promise.resolve().then(() => ctx.reject(429, 'later', name));
            if (step === 'reject') return Promise.reject(new Error(`${name} failed later`));
          },
    head:
      after === 'none'
        ? undefined
        : (ctx) => {
            log.push(`${name}-out:${ctx.res.status}`);
            if (after === 'throw') throw new Error(`${name} after broke`);
          },
  });
}

const app = (log: string[]) => ({ run: () => void log.push('app') });

describe('phased middleware, fused by compose', () => {
  it('runs every before in order, the application once, and every after in reverse', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([policy(log, 'a'), policy(log, 'b', 'async'), policy(log, 'c')]),
      {},
      app(log),
    );
    expect(log).toEqual(['a-in', 'b-in', 'c-in', 'app', 'c-out:200', 'b-out:200', 'a-out:200']);
    expect(r.reached).toBe(true);
  });

  it('skips a policy without a before and one without an after', async () => {
    const log: string[] = [];
    await runFake(
      compose([policy(log, 'a', 'none'), policy(log, 'b', 'sync', 'none'), policy(log, 'c')]),
      {},
      app(log),
    );
    expect(log).toEqual(['b-in', 'c-in', 'app', 'c-out:200', 'a-out:200']);
  });

  it('stops at an asynchronous before that answers: the policies inside it and the app never run', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([policy(log, 'a'), policy(log, 'b', 'stopAsync'), policy(log, 'c')]),
      {},
      app(log),
    );
    expect(log).toEqual(['a-in', 'b-in', 'a-out:429']);
    expect(r.status).toBe(429);
    expect(r.reached).toBe(false);
  });

  it('continues after an asynchronous before with the next policies', async () => {
    const log: string[] = [];
    await runFake(
      compose([policy(log, 'a', 'async'), policy(log, 'b', 'async'), policy(log, 'c', 'stop')]),
      {},
      app(log),
    );
    expect(log).toEqual(['a-in', 'b-in', 'c-in', 'b-out:403', 'a-out:403']);
  });

  it('turns an asynchronous before that rejects into a 500, reported, with the outer afters run', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([policy(log, 'a'), policy(log, 'b', 'reject'), policy(log, 'c')]),
      {},
      app(log),
    );
    expect(log).toEqual(['a-in', 'b-in', 'a-out:500']);
    expect(r.status).toBe(500);
    expect(r.errors).toEqual([expect.objectContaining({ message: 'b failed later' })]);
  });

  it('turns a throwing before into a 500 and skips only its own after', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([policy(log, 'a'), policy(log, 'b', 'throw'), policy(log, 'c')]),
      {},
      app(log),
    );
    expect(log).toEqual(['a-in', 'b-in', 'a-out:500']);
    expect(r.reached).toBe(false);
  });

  it('reports a throwing head phase, leaves the answer as it is and still runs the ones outside it', async () => {
    const log: string[] = [];
    const r = await runFake(compose([policy(log, 'a'), policy(log, 'b', 'sync', 'throw')]), {}, app(log));
    expect(log).toEqual(['a-in', 'b-in', 'app', 'b-out:200', 'a-out:200']);
    expect(r.status).toBe(200);
    expect(r.errors).toHaveLength(1);
  });

  it('runs the afters outside a policy that answered synchronously, not its own', async () => {
    const log: string[] = [];
    await runFake(compose([policy(log, 'a'), policy(log, 'b'), policy(log, 'c', 'stop')]), {}, app(log));
    expect(log).toEqual(['a-in', 'b-in', 'c-in', 'b-out:403', 'a-out:403']);
  });

  it('runs a fused run of policies without any after straight through to the application', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([policy(log, 'a', 'sync', 'none'), policy(log, 'b', 'async', 'none')]),
      {},
      app(log),
    );
    expect(log).toEqual(['a-in', 'b-in', 'app']);
    expect(r.status).toBe(200);
    expect(r.errors).toEqual([]);
  });

  it('reaches past the policies without an after to stamp an answer with the ones further out', async () => {
    for (const stop of ['stop', 'stopAsync'] as const) {
      const log: string[] = [];
      const r = await runFake(
        compose([policy(log, 'a'), policy(log, 'b', 'sync', 'none'), policy(log, 'c', stop, 'none')]),
        {},
        app(log),
      );
      expect(log, stop).toEqual(['a-in', 'b-in', 'c-in', `a-out:${r.status}`]);
      expect(r.status, stop).toBe(stop === 'stop' ? 403 : 429);
      expect(r.errors, stop).toEqual([]);
    }
  });

  it('keeps fusing across plain middleware boundaries in order; head phases run at the head', async () => {
    const log: string[] = [];
    const plain: Middleware = async (_ctx, next) => {
      log.push('plain-in');
      await next();
      log.push('plain-out');
    };
    await runFake(compose([policy(log, 'a'), plain, policy(log, 'b'), policy(log, 'c')]), {}, app(log));
    expect(log).toEqual([
      'a-in',
      'plain-in',
      'b-in',
      'c-in',
      'app',
      // `await next()` resolves once the answer stands; the head is written after the chain here
      // (as on Koa, Hono and the raw server), so the head phases come last, innermost first.
      'plain-out',
      'c-out:200',
      'b-out:200',
      'a-out:200',
    ]);
  });
});

describe('phased', () => {
  it('names the middleware after the policy and exposes its phases', () => {
    const phases = { before() {} };
    const mw = phased('poweredBy', phases);
    expect(mw.name).toBe('poweredBy');
    expect(phasesOf(mw)).toBe(phases);
    expect(phasesOf(async () => {})).toBeUndefined();
  });

  it('treats a before returning something other than a promise as done, fused or alone', async () => {
    const log: string[] = [];
    const valued = phased('valued', {
      before: (() => {
        log.push('valued-in');
        return 42;
      }) as () => void,
      head: () => void log.push('valued-out'),
    });
    const fused = await runFake(compose([valued, policy(log, 'b')]), {}, app(log));
    expect(log).toEqual(['valued-in', 'b-in', 'app', 'b-out:200', 'valued-out']);
    expect(fused.status).toBe(200);
    expect(fused.errors).toEqual([]);
    log.length = 0;
    const alone = await runFake(valued, {}, app(log));
    expect(log).toEqual(['valued-in', 'app', 'valued-out']);
    expect(alone.errors).toEqual([]);
  });

  it('runs alone with a rejecting asynchronous before as a 500', async () => {
    const log: string[] = [];
    const r = await runFake(policy(log, 'solo', 'reject'), {}, app(log));
    expect(r.status).toBe(500);
    expect(log).toEqual(['solo-in']);
  });
});
