import { describe, expect, it } from 'vitest';
import { runFake } from './_testing';
import { compose } from './compose';
import { HttpError } from './errors';
import { phased } from './phases';
import type { Middleware } from './types';

const trace = (log: string[], name: string): Middleware =>
  async function traced(_ctx, next) {
    log.push(`${name}-in`);
    await next();
    log.push(`${name}-out`);
  };

describe('compose', () => {
  it('should run the first listed middleware outermost', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([trace(log, 'a'), trace(log, 'b')]),
      {},
      { run: () => void log.push('app') },
    );
    expect(log).toEqual(['a-in', 'b-in', 'app', 'b-out', 'a-out']);
    expect(r.reached).toBe(true);
  });

  it('should throw if a middleware is not a function', () => {
    expect(() => compose([trace([], 'a'), 42 as never])).toThrow(
      /middleware\[1\] must be a function, got number/,
    );
    expect(() => compose('nope' as never)).toThrow(TypeError);
  });

  it('should flatten nested chains', () => {
    const inner = compose([trace([], 'a'), trace([], 'b')]);
    expect(compose([inner, trace([], 'c')]).middleware).toHaveLength(3);
  });

  it('should answer 500 if next() is called multiple times', async () => {
    const r = await runFake(
      compose([
        async (_ctx, next) => {
          await next();
          await next();
        },
      ]),
    );
    expect(r.status).toBe(500);
  });

  it('should short-circuit: the application never runs and outer layers see the answer', async () => {
    let seen = 0;
    const r = await runFake(
      compose([
        async (ctx, next) => {
          await next();
          seen = ctx.res.status;
          ctx.res.set('X-Outer', 'yes');
        },
        (ctx) => ctx.reject(403, 'Banned', 'ban'),
      ]),
    );
    expect(r.reached).toBe(false);
    expect(r.status).toBe(403);
    expect(seen).toBe(403);
    expect(r.headers['x-outer']).toBe('yes');
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(r.body!)).toEqual({
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
      detail: 'Banned',
    });
    expect(r.ctx.rejection).toEqual({ policy: 'ban', reason: 'Banned' });
  });

  it('should turn a thrown error into a 500 without internals, report it, and still run outer layers', async () => {
    let outer = 0;
    const r = await runFake(
      compose([
        async (ctx, next) => {
          await next();
          outer = ctx.res.status;
        },
        () => {
          throw new Error('db password is hunter2');
        },
      ]),
    );
    expect(r.status).toBe(500);
    expect(outer).toBe(500);
    expect(r.body).toBe('{"type":"about:blank","title":"Internal Server Error","status":500}');
    expect(r.errors).toHaveLength(1);
  });

  it('should turn a synchronous throw into a 500 as well', async () => {
    const r = await runFake(
      compose([
        () => {
          throw new TypeError('sync');
        },
      ]),
    );
    expect(r.status).toBe(500);
  });

  it('should answer an HttpError with its status, detail and headers', async () => {
    const r = await runFake(
      compose([
        () => {
          throw new HttpError(429, {
            detail: 'Slow down',
            headers: { 'Retry-After': '3' },
            policy: 'rateLimit',
          });
        },
      ]),
    );
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('3');
    expect(JSON.parse(r.body!).detail).toBe('Slow down');
    expect(r.ctx.rejection?.policy).toBe('rateLimit');
    expect(r.errors).toHaveLength(0);
  });

  it('should turn a downstream error into a 500 at the innermost layer', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([trace(log, 'a')]),
      {},
      {
        run: () => {
          throw new Error('handler');
        },
      },
    );
    expect(r.status).toBe(500);
    expect(log).toEqual(['a-in', 'a-out']);
  });

  it('should give 204 answers no Content-Length or body', async () => {
    const r = await runFake(compose([(ctx) => ctx.respond(204, 'ignored')]));
    expect(r.status).toBe(204);
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.body).toBeUndefined();
  });

  it('should close the connection after a 413', async () => {
    const r = await runFake(compose([(ctx) => ctx.reject(413)]));
    expect(r.headers.connection).toBe('close');
  });

  it('should turn a rejected promise from a middleware into a 500 and still run the outer layers', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([
        trace(log, 'outer'),
        async () => {
          await Promise.resolve();
          throw new Error('later');
        },
        trace(log, 'never'),
      ]),
    );
    expect(r.status).toBe(500);
    expect(log).toEqual(['outer-in', 'outer-out']);
    expect(r.errors).toEqual([expect.objectContaining({ message: 'later' })]);
  });

  it('should treat a middleware returning a non-promise value as done', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([trace(log, 'a'), ((_ctx: unknown) => 42) as unknown as Middleware]),
      {},
      { run: () => void log.push('app') },
    );
    expect(log).toEqual(['a-in', 'a-out']);
    expect(r.reached).toBe(false);
    expect(r.status).toBe(0);
  });

  it('should call the downstream application after the last layer, and run an empty chain straight to it', async () => {
    expect((await runFake(compose([]))).reached).toBe(true);
    const log: string[] = [];
    await runFake(compose([trace(log, 'a'), trace(log, 'b')]), {}, { run: () => void log.push('app') });
    expect(log.filter((e) => e === 'app')).toHaveLength(1);
  });

  it('should keep the flattened parts, in order and frozen, for inspection', () => {
    const a = trace([], 'a');
    const b = trace([], 'b');
    const c = trace([], 'c');
    const chain = compose([compose([a, b]), c]);
    expect(chain.middleware).toEqual([a, b, c]);
    expect(Object.isFrozen(chain.middleware)).toBe(true);
    expect(Object.keys(chain)).toContain('middleware');
    expect(chain.name).toBe('chain');
  });
});

describe('request view', () => {
  it('should parse path and query lazily from origin-form and absolute-form targets', async () => {
    let path = '';
    let q: string | null = null;
    await runFake(
      (ctx, next) => {
        path = ctx.req.path;
        q = ctx.req.query.get('x');
        return next();
      },
      { target: 'http://example.com/a/b?x=1#frag' },
    );
    expect(path).toBe('/a/b');
    expect(q).toBe('1');
  });

  it('should read headers case-insensitively and keep field lines apart', async () => {
    let joined: string | undefined;
    let lines: readonly string[] = [];
    await runFake(
      (ctx, next) => {
        joined = ctx.req.header('X-Forwarded-For');
        lines = ctx.req.headerValues('x-forwarded-for');
        return next();
      },
      { headers: { 'x-forwarded-for': ['1.1.1.1', '2.2.2.2'] } },
    );
    expect(joined).toBe('1.1.1.1, 2.2.2.2');
    expect(lines).toEqual(['1.1.1.1', '2.2.2.2']);
  });

  it('should normalise an IPv4-mapped peer and start with ip equal to the peer', async () => {
    let peer = '';
    let ip = '';
    await runFake(
      (ctx, next) => {
        peer = ctx.req.peer;
        ip = ctx.req.ip;
        return next();
      },
      { peer: '::ffff:192.0.2.7' },
    );
    expect(peer).toBe('192.0.2.7');
    expect(ip).toBe('192.0.2.7');
  });
});

describe('body', () => {
  it('should read the body once and share it between middleware', async () => {
    let a: unknown;
    let b = '';
    const r = await runFake(
      compose([
        async (ctx, next) => {
          a = await ctx.req.body.json();
          await next();
        },
        async (ctx, next) => {
          b = await ctx.req.body.text();
          await next();
        },
      ]),
      { method: 'POST', body: '{"a":1}' },
    );
    expect(a).toEqual({ a: 1 });
    expect(b).toBe('{"a":1}');
    expect((r.ctx.host as unknown as { bodyReads: number }).bodyReads).toBe(1);
  });

  it('should refuse a declared length over the limit without reading', async () => {
    const r = await runFake(
      async (ctx, next) => {
        ctx.req.body.limit = 4;
        await ctx.req.body.bytes();
        await next();
      },
      { method: 'POST', body: 'too long' },
    );
    expect(r.status).toBe(413);
    expect((r.ctx.host as unknown as { bodyReads: number }).bodyReads).toBe(0);
  });

  it('should answer 400 for malformed JSON', async () => {
    const r = await runFake(
      async (ctx, next) => {
        await ctx.req.body.json();
        await next();
      },
      { method: 'POST', body: '{nope' },
    );
    expect(r.status).toBe(400);
  });
});

describe('finish hook', () => {
  it('should fire once with status, bytes and duration', async () => {
    const seen: unknown[] = [];
    const r = await runFake((ctx, next) => {
      ctx.onFinish((info) => seen.push(info));
      return next();
    });
    r.finish({ bytes: 12 });
    expect(seen).toEqual([expect.objectContaining({ status: 200, bytes: 12, aborted: false })]);
  });
});

describe('phased middleware', () => {
  const phasedTrace = (
    log: string[],
    name: string,
    opts: { stop?: boolean; throwIn?: boolean; async?: boolean } = {},
  ) =>
    phased(name, {
      before(ctx) {
        log.push(`${name}-in`);
        if (opts.throwIn) throw new Error('boom');
        if (opts.stop) ctx.reject(403, 'stop', name);
        if (opts.async) return Promise.resolve();
      },
      after() {
        log.push(`${name}-out`);
      },
    });

  it('should keep the onion order when fused, mixed with plain middleware', async () => {
    const log: string[] = [];
    await runFake(
      compose([
        phasedTrace(log, 'a'),
        phasedTrace(log, 'b', { async: true }),
        trace(log, 'c'),
        phasedTrace(log, 'd'),
      ]),
      {},
      { run: () => void log.push('app') },
    );
    expect(log).toEqual(['a-in', 'b-in', 'c-in', 'd-in', 'app', 'd-out', 'c-out', 'b-out', 'a-out']);
  });

  it('should skip the answering layer and everything inside it, but run the outer afters', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([phasedTrace(log, 'a'), phasedTrace(log, 'b', { stop: true }), phasedTrace(log, 'c')]),
    );
    expect(log).toEqual(['a-in', 'b-in', 'a-out']);
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
  });

  it('should turn a throwing before into a 500 and still run the outer afters', async () => {
    const log: string[] = [];
    const r = await runFake(compose([phasedTrace(log, 'a'), phasedTrace(log, 'b', { throwIn: true })]));
    expect(log).toEqual(['a-in', 'b-in', 'a-out']);
    expect(r.status).toBe(500);
  });

  it('should work on its own, outside compose', async () => {
    const log: string[] = [];
    await runFake(phasedTrace(log, 'solo'), {}, { run: () => void log.push('app') });
    expect(log).toEqual(['solo-in', 'app', 'solo-out']);
  });
});
