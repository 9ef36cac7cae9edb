import { describe, expect, it } from 'vitest';
import { FakeHost, runFake } from './_testing';
import { Context } from './context';
import { HttpError } from './errors';
import type { Middleware } from './types';

// The request and response as every middleware sees them, and the chain's own answers.

const ctxOf = (req: ConstructorParameters<typeof FakeHost>[0] = {}) => {
  const host = new FakeHost(req);
  return { host, ctx: new Context(host, {}) };
};
const problem = (body: string | undefined) => JSON.parse(body!) as { status: number; detail?: string };

describe('BouncerRequest', () => {
  it('reads an IPv4-mapped IPv6 peer as IPv4, and leaves every other peer as it is', () => {
    const peer = (p: string) => ctxOf({ peer: p }).ctx.req.peer;
    expect(peer('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(peer('::FFFF:10.200.30.140')).toBe('10.200.30.140');
    for (const p of [
      '192.0.2.1',
      '2001:db8::1',
      '::1',
      '::ffff:1.2.3',
      'x::ffff:1.2.3.4',
      ':::ffff:1.2.3.4',
      '::ffff:1.2.3.4x',
      '::ffff:1.2.3.4.5',
    ]) {
      expect(peer(p), p).toBe(p);
    }
  });

  it('parses the query once, and refuses it like the path for a refused target', () => {
    const { ctx } = ctxOf({ target: '/a?x=1&x=2' });
    expect(ctx.req.query).toBe(ctx.req.query);
    expect(ctx.req.query.getAll('x')).toEqual(['1', '2']);
    const refused = ctxOf({ target: 'http://x?/a' }).ctx;
    expect(() => refused.req.query).toThrow(HttpError);
    expect(() => refused.req.path).toThrow(HttpError);
  });

  it('answers a refused target 400 and a cut header section 431, saying why', async () => {
    const target = await runFake(async (_ctx, next) => next(), { target: 'http://x?/a' });
    expect(target.status).toBe(400);
    expect(target.reached).toBe(false);
    expect(problem(target.body).detail).toBe(
      'The request-target or Host is not one every reader parses alike',
    );
    expect(target.ctx.rejection?.policy).toBe('target');
    const cut = await runFake(async (_ctx, next) => next(), { headersCut: true });
    expect(cut.status).toBe(431);
    expect(problem(cut.body).detail).toBe('Too many header field lines: the server kept only part of them');
    expect(cut.ctx.rejection?.policy).toBe('headers');
  });
});

describe('BouncerResponse', () => {
  it('tells whether a header is set, by any case of its name', () => {
    const { ctx } = ctxOf();
    expect(ctx.res.has('X-A')).toBe(false);
    ctx.res.set('X-A', '1');
    expect(ctx.res.has('x-a')).toBe(true);
  });

  it('appends a Set-Cookie as a field line of its own, never splitting a cookie at a date', () => {
    const { ctx, host } = ctxOf();
    ctx.res.set('Set-Cookie', 'sid=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/');
    ctx.res.append('Set-Cookie', 'theme=dark');
    expect(host.resHeaders.get('set-cookie')?.value).toEqual([
      'sid=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/',
      'theme=dark',
    ]);
    const packed = ctxOf();
    packed.ctx.res.set('Set-Cookie', 'sid=1,theme=dark');
    packed.ctx.res.append('Set-Cookie', 'lang=en');
    expect(packed.host.resHeaders.get('set-cookie')?.value).toEqual(['sid=1', 'theme=dark', 'lang=en']);
    // Hosts that join field lines with ", " (Hono's Headers.get) must not leave a leading space.
    const joined = ctxOf();
    joined.ctx.res.set('Set-Cookie', 'a=1; Path=/, b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT');
    joined.ctx.res.append('Set-Cookie', 'c=3');
    expect(joined.host.resHeaders.get('set-cookie')?.value).toEqual([
      'a=1; Path=/',
      'b=2; Expires=Wed, 21 Oct 2026 07:28:00 GMT',
      'c=3',
    ]);
  });

  it('appends to other fields as a list, and sets an empty one', () => {
    const { ctx } = ctxOf();
    ctx.res.set('X-List', '');
    ctx.res.append('X-List', 'a');
    ctx.res.append('x-list', 'b');
    expect(ctx.res.get('X-List')).toBe('a, b');
  });

  it('keeps a list field one field line, and a single Set-Cookie a plain value', () => {
    const { ctx, host } = ctxOf();
    ctx.res.append('X-List', 'a');
    ctx.res.append('X-List', 'b');
    expect(host.resHeaders.get('x-list')?.value).toBe('a, b');
    ctx.res.append('Set-Cookie', 'sid=1');
    expect(host.resHeaders.get('set-cookie')?.value).toBe('sid=1');
  });

  it('fills in missing headers one by one on a host without its own setMissing, and only those', () => {
    const { ctx, host } = ctxOf();
    ctx.res.set('X-B', 'mine');
    ctx.res.setMissing(['X-A', 'X-B', 'X-C'], ['x-a', 'x-b', 'x-c'], ['1', '2', '3']);
    expect([...host.resHeaders.values()]).toEqual([
      { name: 'X-B', value: 'mine' },
      { name: 'X-A', value: '1' },
      { name: 'X-C', value: '3' },
    ]);
  });

  it('adds to Vary once, in any case and spacing, and never beside *', () => {
    const { ctx } = ctxOf();
    ctx.res.set('Vary', '');
    ctx.res.vary('Origin');
    expect(ctx.res.get('vary')).toBe('Origin');
    ctx.res.vary('Accept-Encoding');
    ctx.res.vary('origin');
    ctx.res.vary('ORIGIN');
    ctx.res.vary('accept-encoding');
    expect(ctx.res.get('vary')).toBe('Origin, Accept-Encoding');
    const star = ctxOf();
    star.ctx.res.set('Vary', 'Accept,*');
    star.ctx.res.vary('Origin');
    expect(star.ctx.res.get('vary')).toBe('Accept,*');
  });

  it('names the call that came too late', async () => {
    const late: Record<string, () => void> = {};
    await runFake(async (ctx, next) => {
      await next();
      late.append = () => ctx.res.append('X', '1');
      late.vary = () => ctx.res.vary('Origin');
      late.reject = () => ctx.reject(403);
      late.respond = () => ctx.respond(200);
      late.set = () => ctx.res.set('X', '1');
      late.delete = () => ctx.res.delete('X');
    });
    const tail =
      'the downstream has already answered; change the response head in a ctx.onHead() hook registered before next()';
    expect(late.append).toThrow(`ctx.res.append(): ${tail}`);
    expect(late.vary).toThrow(`ctx.res.vary(): ${tail}`);
    expect(late.set).toThrow(`ctx.res.set(): ${tail}`);
    expect(late.delete).toThrow(`ctx.res.delete(): ${tail}`);
    expect(late.respond).toThrow(
      'ctx.respond(): the downstream has already answered; answer on the way in, before next()',
    );
    expect(late.reject).toThrow(
      'ctx.reject(): the downstream has already answered; answer on the way in, before next()',
    );
  });
});

describe('Context: answers', () => {
  it('is answered once the downstream has answered, not before', async () => {
    const seen: boolean[] = [];
    await runFake(async (ctx, next) => {
      seen.push(ctx.answered);
      await next();
      seen.push(ctx.answered);
    });
    expect(seen).toEqual([false, true]);
  });

  it('sends a byte body as it is, with its length, and closes the connection only after a 413', async () => {
    const bytes = new Uint8Array([0, 255, 7]);
    const ok = await runFake((ctx) => ctx.respond(200, bytes));
    expect(ok.ctx.response?.body).toEqual(bytes);
    expect(ok.headers['content-length']).toBe('3');
    expect(ok.headers.connection).toBeUndefined();
    const big = await runFake((ctx) => ctx.reject(413));
    expect(big.headers.connection).toBe('close');
  });

  it('sends no length or type with a 204 or a 304', async () => {
    for (const status of [204, 304]) {
      const r = await runFake((ctx) => {
        ctx.res.set('Content-Type', 'text/plain');
        ctx.res.set('Content-Length', '5');
        ctx.respond(status, 'hello');
      });
      expect(r.status).toBe(status);
      expect(r.headers['content-length']).toBeUndefined();
      expect(r.headers['content-type']).toBeUndefined();
      expect(r.ctx.response?.body).toBeNull();
    }
  });

  it('gives a refused request no success from anyone: the refusal stands', async () => {
    const grant: Middleware = (ctx) => ctx.respond(204, null, { 'Access-Control-Allow-Origin': '*' });
    const r = await runFake(grant, { target: 'http://x?/a' });
    expect(r.status).toBe(400);
    expect(r.headers['access-control-allow-origin']).toBeUndefined();
    expect((await runFake(grant)).status).toBe(204);
  });

  it('records a rejection without detail with an empty reason', async () => {
    const r = await runFake((ctx) => ctx.reject(403, undefined, 'custom'));
    expect(r.ctx.rejection).toEqual({ policy: 'custom', reason: '' });
  });

  it('drops a Content-Encoding the failing layer set: a 500 body is never encoded', async () => {
    const r = await runFake((ctx) => {
      ctx.res.set('Content-Encoding', 'gzip');
      throw new Error('boom');
    });
    expect(r.status).toBe(500);
    expect(r.headers['content-encoding']).toBeUndefined();
  });

  it('never reaches the application once a middleware answered, even if it calls next()', async () => {
    const r = await runFake((ctx, next) => {
      ctx.reject(403);
      return next();
    });
    expect(r.status).toBe(403);
    expect(r.reached).toBe(false);
    expect(r.ctx.reachedDownstream).toBe(false);
    expect((await runFake((_ctx, next) => next())).ctx.reachedDownstream).toBe(true);
  });

  it('keeps the first error of the outbound path', async () => {
    const first = new Error('first');
    const r = await runFake((ctx, next) => {
      ctx.onHead(() => {
        throw new Error('second');
      });
      ctx.onHead(() => {
        throw first;
      });
      return next();
    });
    expect(r.ctx.error).toBe(first);
    expect(r.errors).toHaveLength(2);
  });
});

describe('Context: finish listeners', () => {
  it('runs every listener once, with the status', async () => {
    const seen: string[] = [];
    const r = await runFake((ctx, next) => {
      ctx.onFinish((info) => seen.push(`a${info.status}`));
      ctx.onFinish((info) => seen.push(`b${info.status}`));
      return next();
    });
    r.finish();
    expect(seen).toEqual(['a200', 'b200']);
  });
});

describe('Context: reading the request', () => {
  it('copies method, target and scheme from the host, and starts with ip equal to the peer', () => {
    const { ctx } = ctxOf({ method: 'PATCH', target: '/a?b=1', scheme: 'https', peer: '::ffff:192.0.2.9' });
    expect(ctx.req.method).toBe('PATCH');
    expect(ctx.req.target).toBe('/a?b=1');
    expect(ctx.req.scheme).toBe('https');
    expect(ctx.req.ip).toBe('192.0.2.9');
    expect(ctx.req.headersCut).toBe(false);
    expect(ctx.refusal).toBeUndefined();
  });

  it('refuses the target when the Host field is invalid, even with a clean path', () => {
    const bad = ctxOf({ target: '/a', headers: { host: 'a b' } }).ctx;
    expect(bad.req.targetOk).toBe(false);
    expect(() => bad.req.path).toThrow('The request-target or Host is not one every reader parses alike');
    expect(bad.refusal?.status).toBe(400);
    const good = ctxOf({ target: '/a', headers: { host: 'example.com:8080' } }).ctx;
    expect(good.req.targetOk).toBe(true);
    expect(good.req.path).toBe('/a');
  });

  it('refuses a cut header section with a 431 before any target check', () => {
    const { ctx } = ctxOf({ target: 'http://x?/a', headersCut: true });
    expect(ctx.req.headersCut).toBe(true);
    expect(ctx.refusal?.status).toBe(431);
    expect(ctx.refusal?.policy).toBe('headers');
  });

  it('reads request headers by any spelling of their name, the same on every read', () => {
    const { ctx } = ctxOf({ headers: { 'x-multi': ['a', 'b'] } });
    for (let i = 0; i < 2; i++) {
      expect(ctx.req.header('X-Multi')).toBe('a, b');
      expect(ctx.req.headerValues('X-MULTI')).toEqual(['a', 'b']);
    }
    expect(ctx.req.header('X-Absent')).toBeUndefined();
    expect(ctx.req.headerValues('X-Absent')).toEqual([]);
  });
});

describe('Context: the response status', () => {
  it("is the chain's own answer when it gave one, else the downstream's", () => {
    const { ctx, host } = ctxOf();
    host.statusCode = 404;
    expect(ctx.res.status).toBe(404);
    ctx.respond(201, 'made');
    expect(ctx.res.status).toBe(201);
  });
});

describe('Context: answering', () => {
  it('counts the Content-Length of a text body in UTF-8 bytes, and of no body as 0', async () => {
    const text = await runFake((ctx) => ctx.respond(200, 'grüße'));
    expect(text.headers['content-length']).toBe('7');
    expect(text.body).toBe('grüße');
    const empty = await runFake((ctx) => ctx.respond(200));
    expect(empty.headers['content-length']).toBe('0');
    expect(empty.ctx.response).toEqual({ status: 200, body: null });
  });

  it('sets the headers given with the answer', async () => {
    const r = await runFake((ctx) => ctx.respond(200, 'ok', { 'X-One': '1', 'X-Two': '2' }));
    expect(r.headers).toMatchObject({ 'x-one': '1', 'x-two': '2' });
  });

  it('answers a rejection as problem+json and records it, without a policy when none is named', async () => {
    const r = await runFake((ctx) => ctx.reject(429, 'Slow down', 'rateLimit', { 'Retry-After': '5' }));
    expect(r.status).toBe(429);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.headers['retry-after']).toBe('5');
    expect(problem(r.body)).toEqual({
      type: 'about:blank',
      title: 'Too Many Requests',
      status: 429,
      detail: 'Slow down',
    });
    expect(r.ctx.rejection).toEqual({ policy: 'rateLimit', reason: 'Slow down' });
    expect(r.ctx.problem).toEqual({ status: 429, detail: 'Slow down' });
    const anonymous = await runFake((ctx) => ctx.reject(403, 'No'));
    expect(anonymous.ctx.rejection).toBeUndefined();
    expect(anonymous.ctx.problem).toEqual({ status: 403, detail: 'No' });
  });

  it('keeps a refusal for a 4xx or 5xx answer, and lets a 400 through as given', async () => {
    const r = await runFake((ctx) => ctx.respond(404, 'gone'), { target: 'http://x?/a' });
    expect(r.status).toBe(404);
    expect(r.body).toBe('gone');
    const edge = await runFake((ctx) => ctx.respond(400, 'mine'), { target: 'http://x?/a' });
    expect(edge.body).toBe('mine');
    const below = await runFake((ctx) => ctx.respond(399, 'redirect'), { target: 'http://x?/a' });
    expect(below.status).toBe(400);
    expect(below.ctx.rejection?.policy).toBe('target');
  });

  it('gives an HttpError without a policy the policy that rejected before it', async () => {
    const r = await runFake((ctx) => {
      ctx.rejection = { policy: 'jwtAuth', reason: 'earlier' };
      throw new HttpError(401, { detail: 'Token expired' });
    });
    expect(r.status).toBe(401);
    expect(r.ctx.rejection).toEqual({ policy: 'jwtAuth', reason: 'Token expired' });
    expect(r.ctx.error).toBeUndefined();
    expect(r.errors).toEqual([]);
  });

  it('still answers 500 when the host fails to report the error', async () => {
    const boom = new Error('boom');
    const host = new FakeHost({});
    host.reportError = () => {
      throw new Error('reporter down');
    };
    const ctx = new Context(host, {});
    ctx.fail(boom);
    expect(ctx.error).toBe(boom);
    expect(ctx.response?.status).toBe(500);
    expect(host.resHeaders.get('content-type')?.value).toBe('application/problem+json');
  });

  it('only reports an error once the downstream has answered, even if the reporter fails', () => {
    const { ctx, host } = ctxOf();
    ctx.downstreamAnswered();
    const late = new Error('late');
    ctx.fail(late);
    expect(ctx.response).toBeUndefined();
    expect(ctx.error).toBe(late);
    expect(host.errors).toEqual([late]);
    host.reportError = () => {
      throw new Error('reporter down');
    };
    expect(() => ctx.fail(new Error('later'))).not.toThrow();
    expect(ctx.error).toBe(late);
  });
});

describe('Context: head hooks', () => {
  it('refuses a hook registered once the downstream has answered', async () => {
    let late: (() => void) | undefined;
    await runFake(async (ctx, next) => {
      await next();
      late = () => ctx.onHead(() => {});
    });
    expect(late).toThrow(
      new TypeError('ctx.onHead(): register head hooks on the way in, before `await next()` resolves'),
    );
  });

  it('lets a hook change the head, and refuses changes once the head is written', async () => {
    let after: (() => void) | undefined;
    const r = await runFake(
      (ctx, next) => {
        ctx.onHead((c) => {
          c.res.set('X-Stamp', 'yes');
          c.res.delete('X-Powered-By');
          after = () => c.res.set('X-Late', '1');
        });
        return next();
      },
      {},
      { headers: { 'X-Powered-By': 'host' } },
    );
    expect(r.headers['x-stamp']).toBe('yes');
    expect(r.headers['x-powered-by']).toBeUndefined();
    expect(after).toThrow('ctx.res.set(): the downstream has already answered');
  });

  it('runs the hooks once when one of them makes the host write the head again', () => {
    const { ctx, host } = ctxOf();
    let runs = 0;
    ctx.onHead(() => {
      runs++;
      host.headListener?.();
    });
    host.writeHead();
    expect(runs).toBe(1);
    expect(host.errors).toEqual([]);
  });

  it('runs the hooks once even when the host writes the head before the downstream settles and calls again', () => {
    const { ctx, host } = ctxOf();
    let runs = 0;
    ctx.onHead(() => void runs++);
    host.headListener?.();
    ctx.downstreamAnswered();
    host.headListener?.();
    expect(runs).toBe(1);
    expect(ctx.answered).toBe(true);
    expect(() => ctx.res.set('X', '1')).toThrow('ctx.res.set(): the downstream has already answered');
  });

  it('registers one host listener for all hooks, and runs them only once if the host calls it again', () => {
    const { ctx, host } = ctxOf();
    const seen: string[] = [];
    ctx.onHead(() => void seen.push('outer'));
    ctx.onHead(() => void seen.push('inner'));
    host.headListener?.();
    host.headListener?.();
    expect(seen).toEqual(['inner', 'outer']);
  });
});

describe('Context: finish listeners, reporting', () => {
  it('reports a throwing listener and still runs the next, with bytes, abort and duration', async () => {
    const seen: unknown[] = [];
    const before = performance.now();
    const r = await runFake((ctx, next) => {
      ctx.onFinish(() => {
        throw new Error('listener');
      });
      ctx.onFinish((info) => void seen.push(info));
      return next();
    });
    r.finish({ bytes: 5, aborted: true });
    const elapsed = performance.now() - before;
    expect(r.errors).toEqual([new Error('listener')]);
    expect(seen).toEqual([{ status: 200, bytes: 5, aborted: true, duration: expect.any(Number) }]);
    const { duration } = seen[0] as { duration: number };
    expect(duration).toBeGreaterThanOrEqual(0);
    expect(duration).toBeLessThanOrEqual(elapsed);
  });
});
