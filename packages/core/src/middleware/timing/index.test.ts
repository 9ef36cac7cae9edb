import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeHost, runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import { runChain } from '../../run';
import type { Middleware } from '../../types';
import { bodyLimit } from '../body-limit/index';
import { cors } from '../cors/index';
import { jwtAuth } from '../jwt-auth/index';
import { securityHeaders } from '../security-headers/index';
import { type AccessLogRecord, timing } from './index';

function memoryLogger() {
  const lines: { obj: AccessLogRecord; msg?: string; level: string }[] = [];
  const at = (level: string) => (obj: object, msg?: string) =>
    lines.push({ obj: obj as AccessLogRecord, msg, level });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const deny: Middleware = (ctx) => ctx.reject(429, 'Too many requests', 'rateLimit');

describe('timing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('logs one record per request at finish with method, path, status, bytes, duration, ip, request id', async () => {
    const logger = memoryLogger();
    const setId: Middleware = async (ctx, next) => {
      ctx.state.requestId = 'req-1';
      await next();
    };
    const r = await runFake(compose([timing({ logger }), setId]), {
      method: 'POST',
      target: '/orders/42?token=secret',
      peer: '::ffff:192.0.2.7',
    });
    expect(logger.lines).toHaveLength(0);
    r.finish({ bytes: 123 });
    expect(logger.lines).toHaveLength(1);
    const { obj, msg } = logger.lines[0];
    expect(msg).toBe('request completed');
    expect(obj).toMatchObject({
      method: 'POST',
      path: '/orders/42',
      status: 200,
      bytes: 123,
      ip: '192.0.2.7',
      requestId: 'req-1',
      aborted: false,
    });
    expect(obj.rejectedBy).toBeUndefined();
  });

  it('measures durationMs from the chain start to the finish, in ms rounded to µs', async () => {
    const logger = memoryLogger();
    const slow: Middleware = async (_ctx, next) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      await next();
    };
    const started = performance.now();
    const r = await runFake(compose([timing({ logger }), slow]));
    await new Promise((resolve) => setTimeout(resolve, 20));
    r.finish();
    const upper = performance.now() - started;
    const { durationMs } = logger.lines[0].obj;
    // 30 ms in the chain and 20 ms until the last byte: both inside, nothing after counted.
    expect(durationMs).toBeGreaterThanOrEqual(49);
    expect(durationMs).toBeLessThanOrEqual(upper + 0.001);
    expect(Math.abs(durationMs * 1000 - Math.round(durationMs * 1000))).toBeLessThan(1e-6);
  });

  it('logs the time from the chain start to the finish, in milliseconds rounded to three decimals', async () => {
    const logger = memoryLogger();
    const clock = vi.spyOn(performance, 'now').mockReturnValue(1000);
    const r = await runFake(timing({ logger }));
    clock.mockReturnValue(1012.34567);
    r.finish();
    expect(logger.lines[0].obj.durationMs).toBe(12.346);
  });

  it('reports the Server-Timing duration from the chain start to the application’s answer', async () => {
    const clock = vi.spyOn(performance, 'now').mockReturnValue(50);
    const r = await runFake(
      timing({ logger: false, serverTiming: true }),
      {},
      { run: () => void clock.mockReturnValue(57.5) },
    );
    expect(r.headers['server-timing']).toBe('bouncer;dur=7.5');
  });

  it('logs a method that is not an RFC 9110 token as "-", never the raw bytes', async () => {
    const logger = memoryLogger();
    const r = await runFake(timing({ logger }), { method: 'GE T\r\n' });
    r.finish();
    expect(logger.lines[0].obj.method).toBe('-');
  });

  it('keeps a request id of up to 256 characters whole and cuts a longer one there', async () => {
    const logged = async (id: string) => {
      const logger = memoryLogger();
      const setId: Middleware = async (ctx, next) => {
        ctx.state.requestId = id;
        await next();
      };
      const r = await runFake(compose([timing({ logger }), setId]));
      r.finish();
      return logger.lines[0].obj.requestId;
    };
    expect(await logged('a'.repeat(256))).toBe('a'.repeat(256));
    expect(await logged(`${'b'.repeat(256)}tail`)).toBe('b'.repeat(256));
  });

  it('never logs a negative duration', async () => {
    const logger = memoryLogger();
    const clock = vi.spyOn(performance, 'now').mockReturnValue(1000);
    const r = await runFake(timing({ logger }));
    clock.mockReturnValue(999);
    r.finish();
    expect(logger.lines[0].obj.durationMs).toBe(0);
  });

  it('never logs the query string, Authorization or Cookie values (OWASP Logging Cheat Sheet)', async () => {
    const logger = memoryLogger();
    const r = await runFake(timing({ logger }), {
      target: '/a?access_token=qs-secret',
      headers: { authorization: 'Bearer hdr-secret', cookie: 'sid=cookie-secret' },
    });
    r.finish();
    const text = JSON.stringify(logger.lines);
    expect(text).not.toContain('secret');
  });

  it('logs a denied request with the policy and reason, client IP and duration (OWASP Logging Cheat Sheet)', async () => {
    const logger = memoryLogger();
    const r = await runFake(compose([timing({ logger }), deny]), { peer: '203.0.113.9' });
    r.finish({ bytes: 60 });
    expect(r.status).toBe(429);
    expect(logger.lines[0].msg).toBe('request rejected');
    expect(logger.lines[0].obj).toMatchObject({
      status: 429,
      rejectedBy: 'rateLimit',
      reason: 'Too many requests',
      ip: '203.0.113.9',
    });
  });

  it('flags aborted requests', async () => {
    const logger = memoryLogger();
    const r = await runFake(timing({ logger }));
    r.finish({ aborted: true });
    expect(logger.lines[0].msg).toBe('request aborted');
    expect(logger.lines[0].obj.aborted).toBe(true);
  });

  it('flags a 500 from an unexpected error without logging its message', async () => {
    const logger = memoryLogger();
    const boom: Middleware = () => {
      throw new Error('db password is hunter2');
    };
    const r = await runFake(compose([timing({ logger }), boom]));
    r.finish();
    expect(logger.lines[0].obj).toMatchObject({ status: 500, error: true });
    expect(JSON.stringify(logger.lines)).not.toContain('hunter2');
  });

  it('writes one escaped JSON line to console.log by default, whatever the path holds (CWE-117)', async () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    const r = await runFake(timing(), { target: '/x%0A\x1b[31m\n127.0.0.1 - admin "GET /admin" 200' });
    r.finish();
    expect(spy).toHaveBeenCalledTimes(1);
    const line = String(spy.mock.calls[0][0]);
    expect(line).not.toMatch(/[\n\r\x1b]/);
    const parsed = JSON.parse(line);
    expect(parsed.level).toBe(40); // pino's number for warn: a rejection
    // Refused as a target (400), and logged as received, escaped.
    expect(parsed.msg).toBe('request rejected');
    expect(parsed.rejectedBy).toBe('target');
    expect(parsed.path).toContain('\x1b[31m\n127.0.0.1');
  });

  it('bounds a huge path in the record', async () => {
    const logger = memoryLogger();
    const r = await runFake(timing({ logger }), { target: `/${'a'.repeat(10_000)}` });
    r.finish();
    expect(logger.lines[0].obj.path.length).toBeLessThanOrEqual(2049);
  });

  it('logs by outcome: the rest at info, rejections at warn, 5xx at error', async () => {
    const logger = memoryLogger();
    const ok = await runFake(timing({ logger }));
    ok.finish();
    const refused = await runFake(compose([timing({ logger }), deny]));
    refused.finish();
    const crash = await runFake(
      compose([
        timing({ logger }),
        () => {
          throw new Error('boom');
        },
      ]),
    );
    crash.finish();
    const outage = await runFake(
      compose([timing({ logger }), (ctx) => ctx.reject(503, 'down', 'rateLimit')]),
    );
    outage.finish();
    const app500 = await runFake(timing({ logger }), {}, { status: 500 });
    app500.finish();
    expect(logger.lines.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'request completed'],
      ['warn', 'request rejected'],
      ['error', 'request failed'],
      ['error', 'request failed'],
      ['error', 'request failed'],
    ]);
  });

  it('writes pino numeric levels by default: 30, 40, 50', async () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    (await runFake(timing())).finish();
    (await runFake(compose([timing(), deny]))).finish();
    (await runFake(timing(), {}, { status: 503 })).finish();
    expect(spy.mock.calls.map((c) => JSON.parse(String(c[0])).level)).toEqual([30, 40, 50]);
  });

  it('uses the configured logger method per outcome', async () => {
    const lines: string[] = [];
    const logger = { debug: () => lines.push('debug'), notice: () => lines.push('notice') };
    const r = await runFake(
      compose([
        timing({ logger: logger as never, levels: { ok: 'debug', rejected: 'notice', failed: 'notice' } }),
        deny,
      ]),
    );
    r.finish();
    (
      await runFake(
        timing({ logger: logger as never, levels: { ok: 'debug', rejected: 'notice', failed: 'notice' } }),
      )
    ).finish();
    expect(lines).toEqual(['notice', 'debug']);
  });

  it('can be turned off with logger: false', async () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    const r = await runFake(timing({ logger: false }));
    r.finish();
    expect(spy).not.toHaveBeenCalled();
  });

  it('does not send Server-Timing unless enabled (W3C Server Timing, privacy and security)', async () => {
    const r = await runFake(timing({ logger: false }));
    expect(r.headers['server-timing']).toBeUndefined();
  });

  it('adds Server-Timing bouncer;dur after next(), keeping the application’s own metrics', async () => {
    const r = await runFake(
      timing({ logger: false, serverTiming: true }),
      {},
      { headers: { 'Server-Timing': 'db;dur=5' } },
    );
    expect(r.headers['server-timing']).toMatch(/^db;dur=5, bouncer;dur=\d+(\.\d{1,3})?$/);
  });

  it('adds Server-Timing to the chain’s own rejections too', async () => {
    const r = await runFake(compose([timing({ logger: false, serverTiming: true }), deny]));
    expect(r.status).toBe(429);
    expect(r.headers['server-timing']).toMatch(/^bouncer;dur=/);
  });

  it('throws ConfigError for a logger without the level method or a non-boolean serverTiming', () => {
    expect(() => timing({ logger: {} as never })).toThrow(ConfigError);
    expect(() => timing({ logger: { info() {} } as never })).toThrow(
      /`warn\(obj, msg\)` method .* `levels\.rejected`/,
    );
    expect(() => timing({ levels: { okay: 'info' } as never })).toThrow(
      /`levels\.okay` is not a known option: did you mean `levels\.ok`/,
    );
    expect(() => timing({ serverTiming: 'yes' as never })).toThrow(/serverTiming/);
    expect(() => timing({ servertiming: true } as never)).toThrow(
      /^timing: option `servertiming` .*did you mean `serverTiming`/,
    );
    expect(() => timing({ serverTiming: 'yes' as never })).toThrow(
      'timing: option `serverTiming` must be a boolean, got "yes"',
    );
    expect(() => timing({ logger: null as never })).toThrow(
      /^timing: option `logger` must be false or an object with a `info\(obj, msg\)` method/,
    );
    expect(() => timing({ logger: 'console' as never })).toThrow(ConfigError);
    // The name is what the route audit lists for this layer.
    expect(timing().name).toBe('timing');
  });
});

describe('timing with the other policies', () => {
  const stack = (logger: ReturnType<typeof memoryLogger>) =>
    compose([
      timing({ logger }),
      securityHeaders(),
      cors({ origin: ['https://app.example'], credentials: true, allowHeaders: ['authorization'] }),
      bodyLimit({ limit: '1kb' }),
      jwtAuth({ algorithms: ['HS256'], secret: 'a-test-secret-of-at-least-32-bytes!!' }),
    ]);

  it('stamps security and CORS headers on a 401 and logs the reason, never the token', async () => {
    const logger = memoryLogger();
    const r = await runFake(stack(logger), {
      target: '/orders',
      headers: { origin: 'https://app.example', authorization: 'Bearer not.a.jwt' },
    });
    r.finish({ bytes: 80 });
    expect(r.status).toBe(401);
    expect(r.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['www-authenticate']).toContain('invalid_token');
    expect(logger.lines[0].obj).toMatchObject({
      status: 401,
      rejectedBy: 'jwtAuth',
      reason: 'malformed token',
    });
    expect(JSON.stringify(logger.lines)).not.toContain('not.a.jwt');
  });

  it('answers a preflight before authentication and a large body before verifying a token', async () => {
    const logger = memoryLogger();
    const pre = await runFake(stack(logger), {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['x-content-type-options']).toBe('nosniff');
    const big = await runFake(stack(logger), { method: 'POST', headers: { 'content-length': '5000' } });
    big.finish();
    expect(big.status).toBe(413);
    expect(big.headers['content-security-policy']).toContain("default-src 'self'");
    expect(logger.lines.at(-1)?.obj).toMatchObject({ status: 413, rejectedBy: 'bodyLimit' });
  });
});

describe('timing: per-request path', () => {
  it('registers no finish listener and does nothing when the log and Server-Timing are off', async () => {
    const host = new FakeHost({});
    const ctx = await runChain(timing({ logger: false }), host, {}, async () => {});
    expect(host.finishListener).toBeUndefined();
    expect(ctx.response).toBeUndefined();
    expect([...host.resHeaders.keys()]).toEqual([]);
  });

  it('registers its listener on the way in when logging, so an inner rejection is logged too', async () => {
    const logger = memoryLogger();
    const r = await runFake(compose([timing({ logger }), deny]));
    r.finish();
    expect(logger.lines).toHaveLength(1);
  });
});

describe('timing: the record’s bounds and the options’ errors', () => {
  const recordOf = async (req: Parameters<typeof runFake>[1], state = {}) => {
    const records: AccessLogRecord[] = [];
    const logger = { info: (r: AccessLogRecord) => records.push(r), warn: () => {}, error: () => {} };
    const r = await runFake(timing({ logger }), req, {}, state);
    r.finish();
    return records[0];
  };

  it('keeps a path of 2048 characters whole and cuts a longer one', async () => {
    const exact = `/${'a'.repeat(2047)}`;
    expect((await recordOf({ target: exact })).path).toBe(exact);
    const long = `/${'a'.repeat(3000)}`;
    expect((await recordOf({ target: long })).path).toBe(`${long.slice(0, 2048)}…`);
  });

  it('marks error only when the request failed', async () => {
    expect(await recordOf({})).not.toHaveProperty('error');
  });

  it('names a bad levels option and a logger without the methods', () => {
    expect(() => timing({ levels: 5 as never })).toThrow(
      'timing: option `levels` must be an options object, got 5',
    );
    expect(() => timing({ levels: { okk: 'info' } as never })).toThrow(
      /^timing: option `levels.okk` is not a known option: did you mean `levels.ok`\?/,
    );
    const fn = Object.assign(() => {}, { info() {}, warn() {}, error() {} });
    expect(() => timing({ logger: fn as never })).toThrow(ConfigError);
    const numbered = { info() {}, warn() {}, error() {}, 5() {} };
    expect(() => timing({ logger: numbered, levels: { ok: 5 as never } })).toThrow(
      'timing: option `logger` must be false or an object with a `5(obj, msg)` method (pino-compatible) for `levels.ok`',
    );
  });
});
