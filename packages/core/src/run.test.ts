import { describe, expect, it } from 'vitest';
import { FakeHost } from './_testing';
import { compose } from './compose';
import { phased } from './phases';
import { ANSWERED, runChain } from './run';

describe('runChain and a downstream that answered in place', () => {
  const chain = compose([phased('a', { before() {} }), phased('b', { before() {} })]);

  it('treats ANSWERED as an answer standing at once', () => {
    let answered: boolean | undefined;
    const seen = compose([
      (ctx, next) => {
        const p = next();
        answered = ctx.answered;
        return p;
      },
    ]);
    void runChain(seen, new FakeHost({ method: 'GET', target: '/' }), {}, () => ANSWERED);
    expect(answered).toBe(true);
  });

  it('waits for any other promise, even a settled one', async () => {
    let answered: boolean | undefined;
    const seen = compose([
      (ctx, next) => {
        const p = next();
        answered = ctx.answered;
        return p;
      },
    ]);
    const ctx = await runChain(seen, new FakeHost({ method: 'GET', target: '/' }), {}, () =>
      Promise.resolve(),
    );
    expect(answered).toBe(false);
    expect(ctx.answered).toBe(true);
  });

  it('settles a fused chain with the context either way', async () => {
    const ctx = await runChain(chain, new FakeHost({ method: 'GET', target: '/' }), {}, () => ANSWERED);
    expect(ctx.reachedDownstream).toBe(true);
    expect(ctx.answered).toBe(true);
    expect(ctx.response).toBeUndefined();
  });
});
