import { equal, ok } from '../assert';
import { policyChain } from '../chains';
import { rawRequest } from '../client';
import type { CaseContext, Comparable, ConformanceCase, HttpResult } from '../types';
import { token } from './_tokens';
import { expectHelmet, from, policyComparable } from './policies';

// The request as the host reads it: header lines the host drops, bodies on GET, bodies counted as
// they arrive, answers the framework fails to write, preflights and the gates before them.

type Run = (t: CaseContext) => Promise<Comparable>;
const inboundCase = (group: string, name: string, run: Run): ConformanceCase => ({
  name,
  group,
  chain: policyChain,
  run,
});

const bearer = async () => `Authorization: Bearer ${await token()}\r\n`;
const hits = (t: CaseContext, route: string) => t.probe.hits.get(route) ?? 0;

/** A request head written by hand: `fields` is a block of `Name: value\r\n` lines. */
const head = (method: string, path: string, fields: string) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${fields}\r\n`;

const filler = (n: number) => Array.from({ length: n }, (_, i) => `X-Fill-${i}: 1\r\n`).join('');

function chunk(bytes: number): string {
  return `${bytes.toString(16)}\r\n${'x'.repeat(bytes)}\r\n`;
}

const asHttp = (r: { status: number; headers: Record<string, string>; body: Buffer }): HttpResult => ({
  ...r,
  reusedSocket: false,
});

export const inboundCases: ConformanceCase[] = [
  inboundCase(
    'headers',
    "a request at Node's 1000-line cap → 431, so a proxy's X-Forwarded-For cannot be pushed out",
    async (t) => {
      const before = hits(t, 'GET /hello');
      // Host + 999 fillers + the proxy's line: 1001 lines, and Node keeps only the first 1000,
      // so without the 431 the denied client would pass as the proxy itself.
      const r = await rawRequest(t.url, [
        head('GET', '/hello', `${filler(999)}X-Forwarded-For: 203.0.113.20\r\n`),
      ]);
      equal(r.status, 431, 'status');
      equal(hits(t, 'GET /hello'), before, 'handler runs');
      // Well below every cap the deny list applies as usual.
      const small = await rawRequest(t.url, [
        head('GET', '/hello', `${filler(40)}X-Forwarded-For: 203.0.113.20\r\n`),
      ]);
      equal(small.status, 403, 'status below the cap');
      // The raw server answers its own (lower) cap in its parser, before any chain: status only.
      return { status: r.status, headers: {} };
    },
  ),
  inboundCase(
    'ip',
    'several X-Forwarded-For lines: the one the proxy appended counts, also once the resolver is warm',
    async (t) => {
      const first = await t.request('GET', '/hello', { headers: from('198.51.100.81') });
      equal(first.status, 200, 'single line');
      const r = await rawRequest(t.url, [
        head('GET', '/hello', 'X-Forwarded-For: 198.51.100.81\r\nX-Forwarded-For: 203.0.113.81\r\n'),
      ]);
      equal(r.status, 403, 'the appended (denied) hop is the client');
      return policyComparable(asHttp(r));
    },
  ),
  inboundCase(
    'body',
    'a GET with a chunked body is read and counted like any body, never a 500',
    async (t) => {
      const fields = `X-Forwarded-For: 198.51.100.82\r\nTransfer-Encoding: chunked\r\n`;
      const r = await rawRequest(t.url, [`${head('GET', '/hello', fields)}5\r\nhello\r\n0\r\n\r\n`]);
      equal(r.status, 200, 'status');
      equal(JSON.parse(r.body.toString()).hello, 'world', 'body');
      equal(
        r.headers.ratelimit?.replace(/t=\d+/, 't=<s>'),
        '"default";r=4;t=<s>',
        'counted by the rate limit',
      );
      const big = await rawRequest(t.url, [
        `${head('GET', '/hello', fields)}${chunk(40 * 1024)}${chunk(40 * 1024)}0\r\n\r\n`,
      ]);
      equal(big.status, 413, 'over the limit');
      const hd = await rawRequest(t.url, [`${head('HEAD', '/hello', fields)}5\r\nhello\r\n0\r\n\r\n`]);
      equal(hd.status, 200, 'HEAD status');
      return policyComparable(asHttp(r));
    },
  ),
  inboundCase(
    'body',
    'a chunked body is counted as it arrives: 413 while the client is still sending',
    async (t) => {
      for (const [method, path] of [
        ['POST', '/bytes'],
        ['GET', '/hello'],
      ] as const) {
        const fields = `X-Forwarded-For: 198.51.100.83\r\n${await bearer()}Transfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n`;
        // 72 KiB in 8 KiB chunks past the 64 KiB limit, and never the last chunk: an answer can
        // only come from bytes counted on the way, not from a total taken at the end.
        const parts = [head(method, path, fields), ...Array.from({ length: 9 }, () => chunk(8 * 1024))];
        const r = await rawRequest(t.url, parts, { gap: 5, deadline: 4000 });
        equal(r.status, 413, `${method} status (0: no answer before the body ended)`);
      }
      return { status: 413, headers: {} };
    },
  ),
  inboundCase(
    'errors',
    'a JSON body the framework cannot serialise → 500 with the chain’s headers',
    async (t) => {
      const r = await t.request('GET', '/cyclic', {
        headers: { ...from('198.51.100.84'), authorization: `Bearer ${await token()}` },
      });
      equal(r.status, 500, 'status');
      ok(/^[0-9a-f-]{36}$/.test(r.headers['x-request-id'] ?? ''), 'x-request-id');
      expectHelmet(r, true);
      ok(!/self|cycl|circular/i.test(r.body.toString()), 'no error details on the wire');
      return policyComparable(r, true, true);
    },
  ),
  inboundCase(
    'errors',
    'a body whose Content-Encoding does not decode is answered with the chain’s headers',
    async (t) => {
      const r = await t.request('POST', '/echo', {
        headers: {
          ...from('198.51.100.85'),
          authorization: `Bearer ${await token()}`,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        },
        body: '{"a":1}',
      });
      // Express's and Koa's body parsers inflate (Koa: 400; the test app's Express error
      // handler: 500); Hono's and the raw server's do not decode and parse the bytes as sent.
      ok([200, 400, 500].includes(r.status), `status ${r.status}`);
      ok(/^[0-9a-f-]{36}$/.test(r.headers['x-request-id'] ?? ''), 'x-request-id');
      expectHelmet(r, true);
      const c = policyComparable(r, false, true);
      delete c.headers['content-type'];
      return c;
    },
  ),
  inboundCase('cors', 'a preflight from a denied address → 403, no CORS grant', async (t) => {
    const before = hits(t, 'POST /echo');
    const r = await t.request('OPTIONS', '/echo', {
      headers: {
        ...from('203.0.113.86'),
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
      },
    });
    equal(r.status, 403, 'status');
    equal(r.headers['access-control-allow-origin'], undefined, 'no ACAO');
    equal(r.headers['access-control-allow-methods'], undefined, 'no ACAM');
    equal(hits(t, 'POST /echo'), before, 'handler runs');
    return policyComparable(r);
  }),
  inboundCase('cors', "preflights count against the client's rate limit", async (t) => {
    const preflight = () =>
      t.request('OPTIONS', '/echo', {
        headers: {
          ...from('198.51.100.87'),
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
        },
      });
    for (let i = 0; i < 5; i++) equal((await preflight()).status, 204, `preflight ${i + 1}`);
    const r = await preflight();
    equal(r.status, 429, 'sixth preflight');
    equal(r.headers['access-control-allow-methods'], undefined, 'no grant over quota');
    return policyComparable(r);
  }),
  inboundCase('cors', 'a preflight answer varies on Origin and on the headers it reflects', async (t) => {
    const r = await t.request('OPTIONS', '/echo', {
      headers: {
        ...from('198.51.100.88'),
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    equal(r.status, 204, 'status');
    equal(r.headers.vary, 'Origin, Access-Control-Request-Headers', 'vary');
    const refused = await t.request('OPTIONS', '/echo', {
      headers: {
        ...from('198.51.100.88'),
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    equal(refused.status, 403, 'other origin');
    equal(refused.headers.vary, 'Origin', 'vary on the refusal');
    return policyComparable(r);
  }),
];
