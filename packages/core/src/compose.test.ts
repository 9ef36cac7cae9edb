import { describe, expect, it } from 'vitest';
import { FakeHost, runFake } from './_testing';
import { compose } from './compose';
import { Context } from './context';
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
    expect(() => compose('nope' as never)).toThrow(new TypeError('compose(): middleware must be an array'));
  });

  it('should flatten nested chains', () => {
    const inner = compose([trace([], 'a'), trace([], 'b')]);
    expect(compose([inner, trace([], 'c')]).middleware).toHaveLength(3);
  });

  it('should answer 500 if next() is called twice before the downstream answered', async () => {
    const r = await runFake(
      compose([
        (_ctx, next) => {
          void next();
          return next();
        },
      ]),
      {},
      { run: () => new Promise((resolve) => setTimeout(resolve, 5)) },
    );
    expect(r.status).toBe(500);
    expect(r.errors).toEqual([new Error('next() called multiple times')]);
  });

  it('should report a second next() after the downstream answered, and keep the answer', async () => {
    const r = await runFake(
      compose([
        async (_ctx, next) => {
          await next();
          await next();
        },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.errors).toEqual([new Error('next() called multiple times')]);
  });

  it('should short-circuit: the application never runs and outer layers see and stamp the answer', async () => {
    let seen = 0;
    let atHead = 0;
    const r = await runFake(
      compose([
        async (ctx, next) => {
          ctx.onHead((c) => {
            atHead = c.res.status;
            c.res.set('X-Outer', 'yes');
          });
          await next();
          seen = ctx.res.status;
        },
        (ctx) => ctx.reject(403, 'Banned', 'ban'),
      ]),
    );
    expect(r.reached).toBe(false);
    expect(r.status).toBe(403);
    expect(seen).toBe(403);
    expect(atHead).toBe(403);
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

  it('should turn a rejecting downstream of a chain used on its own into a 500', async () => {
    const host = new FakeHost({});
    const ctx = new Context(host, {});
    const broke = new Error('downstream broke');
    await compose([])(ctx, () => Promise.reject(broke));
    expect(ctx.response?.status).toBe(500);
    expect(host.errors).toEqual([broke]);
  });

  it('should keep a rejecting downstream from an outer layer around fused policies, used on its own', async () => {
    const host = new FakeHost({});
    const ctx = new Context(host, {});
    const broke = new Error('downstream broke');
    const log: string[] = [];
    const outer: Middleware = async (_ctx, next) => {
      await next();
      log.push('after next');
    };
    const policy = phased('policy', { before: () => void log.push('policy') });
    await compose([outer, policy])(ctx, () => Promise.reject(broke));
    expect(log).toEqual(['policy', 'after next']);
    expect(ctx.response?.status).toBe(500);
    expect(host.errors).toEqual([broke]);
  });

  it('should answer, and still resolve, when a fused policy fails after waiting', async () => {
    const log: string[] = [];
    const outer: Middleware = async (_ctx, next) => {
      await next();
      log.push('after next');
    };
    const waits = phased('waits', {
      before: () => Promise.reject(new HttpError(429, { detail: 'later' })),
    });
    const r = await runFake(compose([outer, waits]));
    expect(r.reached).toBe(false);
    expect(r.ctx.response?.status).toBe(429);
    expect(log).toEqual(['after next']);
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
      { target: 'http://example.com/a/b?x=1' },
    );
    expect(path).toBe('/a/b');
    expect(q).toBe('1');
  });

  it('should answer 400, without entering the application, to a target the hosts could read differently', async () => {
    for (const target of ['http://x?/a', '/a#frag', '/a/../b', '*', 'HTTP://x/a']) {
      let threw: unknown;
      const r = await runFake(
        (ctx, next) => {
          try {
            void ctx.req.path;
          } catch (error) {
            threw = error;
          }
          return next();
        },
        { target },
      );
      expect(r.status, target).toBe(400);
      expect(r.reached, target).toBe(false);
      expect(r.ctx.rejection?.policy, target).toBe('target');
      expect((threw as { status?: number })?.status, target).toBe(400);
    }
  });

  it('should answer 400 to a request with two Host lines or an invalid one (RFC 9112 §3.2)', async () => {
    for (const host of [['a', 'b'], 'x?', 'a@b', 'x/y', '']) {
      const r = await runFake((_ctx, next) => next(), { headers: { host } });
      expect(r.status, String(host)).toBe(400);
      expect(r.reached, String(host)).toBe(false);
    }
    const ok = await runFake((_ctx, next) => next(), { headers: { host: '[::1]:8080' } });
    expect(ok.reached).toBe(true);
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
    expect(r.host.bodyReads).toBe(1);
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
    expect(r.host.bodyReads).toBe(0);
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

describe('ctx.res.setMissing', () => {
  const names = ['X-A', 'X-B'];
  const lower = ['x-a', 'x-b'];
  const values = ['1', '2'];
  const fill: Middleware = (ctx, next) => {
    ctx.onHead((c) => c.res.setMissing(names, lower, values));
    return next();
  };

  it('sets only the headers the answer does not carry, through getHeader/setHeader', async () => {
    const r = await runFake(compose([fill]), {}, { headers: { 'X-B': 'mine' } });
    expect(r.headers).toMatchObject({ 'x-a': '1', 'x-b': 'mine' });
  });

  it("hands the whole set to the host's own setMissing when it has one", async () => {
    const calls: unknown[][] = [];
    const r = await runFake(
      compose([fill]),
      {},
      {
        run(host) {
          (host as { setMissing?: unknown }).setMissing = (...args: unknown[]) => void calls.push(args);
        },
      },
    );
    expect(calls).toEqual([[names, lower, values]]);
    expect(r.headers['x-a']).toBeUndefined();
  });

  it('throws like ctx.res.set() once the downstream has answered, outside a head hook', async () => {
    let thrown: unknown;
    await runFake(
      compose([
        async (ctx, next) => {
          await next();
          try {
            ctx.res.setMissing(names, lower, values);
          } catch (error) {
            thrown = error;
          }
        },
      ]),
    );
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).toContain('ctx.res.setMissing()');
  });
});

describe('head hooks', () => {
  const stamp = (log: string[], name: string): Middleware =>
    function stamping(ctx, next) {
      log.push(`${name}-in`);
      ctx.onHead((c) => {
        log.push(`${name}-head:${c.res.status}`);
        c.res.append('X-Trail', name);
      });
      return next();
    };

  for (const head of ['after', 'inside'] as const) {
    it(`should run innermost first, once, on the downstream's answer (head written ${head} next())`, async () => {
      const log: string[] = [];
      const r = await runFake(
        compose([stamp(log, 'a'), trace(log, 't'), stamp(log, 'b')]),
        {},
        { status: 201, head, run: () => void log.push('app') },
      );
      const heads =
        head === 'inside' ? ['b-head:201', 'a-head:201', 't-out'] : ['t-out', 'b-head:201', 'a-head:201'];
      expect(log).toEqual(['a-in', 't-in', 'b-in', 'app', ...heads]);
      expect(r.headers['x-trail']).toBe('b, a');
    });
  }

  it("should stamp the chain's own answer with the hooks of the layers outside the one that answered", async () => {
    const log: string[] = [];
    const r = await runFake(compose([stamp(log, 'a'), (ctx) => ctx.reject(401), stamp(log, 'c')]));
    expect(log).toEqual(['a-in', 'a-head:401']);
    expect(r.headers['x-trail']).toBe('a');
  });

  it('should report a throwing hook, run the others and leave the answer as it is', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([
        stamp(log, 'a'),
        (ctx, next) => {
          ctx.onHead(() => {
            throw new Error('hook');
          });
          return next();
        },
      ]),
      {},
      { status: 200 },
    );
    expect(r.status).toBe(200);
    expect(r.body).toBeUndefined();
    expect(r.headers['x-trail']).toBe('a');
    expect(r.errors).toEqual([new Error('hook')]);
    expect(r.ctx.error).toEqual(new Error('hook'));
  });

  for (const head of ['after', 'inside'] as const) {
    it(`should refuse header writes and answers once next() resolved, reporting them (head ${head})`, async () => {
      const caught: string[] = [];
      const r = await runFake(
        compose([
          async (ctx, next) => {
            await next();
            for (const change of [
              () => ctx.res.set('X-Late', '1'),
              () => ctx.res.delete('X-App'),
              () => ctx.onHead(() => {}),
              () => ctx.respond(503),
            ]) {
              try {
                change();
              } catch (error) {
                caught.push((error as Error).message.split(':')[0]);
              }
            }
            throw new Error('late');
          },
        ]),
        {},
        { status: 200, head, headers: { 'X-App': 'kept' } },
      );
      expect(caught).toEqual(['ctx.res.set()', 'ctx.res.delete()', 'ctx.onHead()', 'ctx.respond()']);
      expect(r.status).toBe(200);
      expect(r.body).toBeUndefined();
      expect(r.headers['x-late']).toBeUndefined();
      expect(r.headers['x-app']).toBe('kept');
      expect(r.errors).toEqual([new Error('late')]);
    });
  }

  it('should still let a downstream error become the answer, stamped', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([stamp(log, 'a')]),
      {},
      {
        run: () => {
          throw new Error('handler');
        },
      },
    );
    expect(r.status).toBe(500);
    expect(log).toEqual(['a-in', 'a-head:500']);
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
      head() {
        log.push(`${name}-head`);
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
    expect(log).toEqual(['a-in', 'b-in', 'c-in', 'd-in', 'app', 'c-out', 'd-head', 'b-head', 'a-head']);
  });

  it('should skip the answering layer and everything inside it, but run the outer heads', async () => {
    const log: string[] = [];
    const r = await runFake(
      compose([phasedTrace(log, 'a'), phasedTrace(log, 'b', { stop: true }), phasedTrace(log, 'c')]),
    );
    expect(log).toEqual(['a-in', 'b-in', 'a-head']);
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
  });

  it('should turn a throwing before into a 500 and still run the outer heads', async () => {
    const log: string[] = [];
    const r = await runFake(compose([phasedTrace(log, 'a'), phasedTrace(log, 'b', { throwIn: true })]));
    expect(log).toEqual(['a-in', 'b-in', 'a-head']);
    expect(r.status).toBe(500);
  });

  it('should work on its own, outside compose', async () => {
    const log: string[] = [];
    await runFake(phasedTrace(log, 'solo'), {}, { run: () => void log.push('app') });
    expect(log).toEqual(['solo-in', 'app', 'solo-head']);
  });
});
