import { ConfigError } from '@bouncer/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type RawServer, type RawServerOptions } from '../src/index';
import { count, parseResponses, roundTrip, type WireResponse } from './_wire';

const servers: RawServer<any>[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ deadline: 50 })));
});

async function start(options: Partial<RawServerOptions<any>> = {}): Promise<number> {
  const server = createServer({ onError: () => {}, handler: (req, res) => res.end(req.path), ...options });
  servers.push(server);
  return (await server.listen(0, '127.0.0.1')).port;
}

async function ask(port: number, input: string): Promise<WireResponse> {
  const { data } = await roundTrip(port, input, { until: count(1) });
  return parseResponses(data)[0];
}

const BAD_LINE = 'GET /a b HTTP/1.1\r\nHost: a\r\n\r\n';

describe('errorHeaders on the answers the server writes itself', () => {
  it('puts nosniff and no-store on framing errors by default, and leaves the framing intact', async () => {
    const port = await start();
    const r = await ask(port, BAD_LINE);
    expect(r.status).toBe(400);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.headers['content-length']).toBe(String(r.body.length));
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.body.toString())).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400 });
  });

  it('replaces the default with the configured fields, on every canned status', async () => {
    const errorHeaders = { 'Strict-Transport-Security': 'max-age=63072000', 'X-Frame-Options': 'DENY' };
    const port = await start({ errorHeaders, maxHeaderSize: 256, headersTimeout: 60, requestTimeout: 60 });
    const answers = [
      await ask(port, BAD_LINE),
      await ask(port, `GET / HTTP/1.1\r\nHost: a\r\nX-Big: ${'x'.repeat(300)}\r\n\r\n`),
      await ask(port, 'GET / HTTP/2.0\r\nHost: a\r\n\r\n'),
      await ask(port, 'GET / HTTP/1.1\r\nHost: a\r\n'),
    ];
    expect(answers.map((r) => r.status)).toEqual([400, 431, 505, 408]);
    for (const r of answers) {
      expect(r.headers['strict-transport-security']).toBe('max-age=63072000');
      expect(r.headers['x-frame-options']).toBe('DENY');
      expect(r.headers['x-content-type-options']).toBeUndefined();
    }
  });

  it('adds nothing when given {}', async () => {
    const port = await start({ errorHeaders: {} });
    const r = await ask(port, BAD_LINE);
    expect(r.status).toBe(400);
    expect(r.headers['x-content-type-options']).toBeUndefined();
    expect(r.headers['cache-control']).toBeUndefined();
  });

  it('also decorates the 500 of a failing handler and a 413 for a body over maxBodySize', async () => {
    const port = await start({
      maxBodySize: 4,
      async handler(req, res) {
        if (req.path === '/boom') throw new Error('kaput');
        res.end(await req.text());
      },
    });
    const boom = await ask(port, 'GET /boom HTTP/1.1\r\nHost: a\r\n\r\n');
    const big = await ask(
      port,
      'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n',
    );
    expect([boom.status, big.status]).toEqual([500, 413]);
    for (const r of [boom, big]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  it("never touches the app's own answers", async () => {
    const port = await start();
    const r = await ask(port, 'GET /fine HTTP/1.1\r\nHost: a\r\n\r\n');
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBeUndefined();
    expect(r.headers['x-content-type-options']).toBeUndefined();
  });
});

describe('option validation', () => {
  const handler = () => {};
  const bad: [string, unknown][] = [
    ['not an object', 'nosniff'],
    ['an array', [['X-A', '1']]],
    ['a non-string value', { 'X-A': 1 }],
    ['CR/LF in a value', { 'X-A': 'ok\r\nSet-Cookie: a=b' }],
    ['a name that is not a token', { 'X A': '1' }],
    ['a framing field', { 'Content-Length': '0' }],
    ['the Connection field', { connection: 'keep-alive' }],
  ];
  for (const [what, errorHeaders] of bad) {
    it(`rejects errorHeaders with ${what} at startup`, () => {
      let error: unknown;
      try {
        createServer({ handler, errorHeaders: errorHeaders as Record<string, string> });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).option).toBe('errorHeaders');
    });
  }

  it('rejects a non-boolean allowHalfOpen', () => {
    expect(() => createServer({ handler, allowHalfOpen: 'yes' as never })).toThrow(/allowHalfOpen/);
    expect(() => createServer({ handler, allowHalfOpen: 1 as never })).toThrow(ConfigError);
  });
});
