import { createHash, randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { deepEqual, equal, eventually, ok, pick } from '../assert';
import { coreChain } from '../chains';
import type { ConformanceCase } from '../types';

const STAMP = ['x-bouncer', 'x-downstream-status', 'x-layers', 'x-remove-me'] as const;
const PROBLEM = ['content-type', 'content-length', ...STAMP] as const;

const hits = (t: { probe: { hits: Map<string, number> } }, route: string) => t.probe.hits.get(route) ?? 0;

export const coreCases: ConformanceCase[] = [
  {
    name: 'short-circuit answers 403 and the handler never runs',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const before = hits(t, 'GET /hello');
      const r = await t.request('GET', '/hello', { headers: { 'x-test-ban': '1' } });
      equal(r.status, 403, 'status');
      equal(hits(t, 'GET /hello'), before, 'handler runs');
      deepEqual(
        JSON.parse(r.body.toString()),
        { type: 'about:blank', title: 'Forbidden', status: 403, detail: 'Banned' },
        'body',
      );
      equal(r.headers['content-type'], 'application/problem+json', 'content-type');
      equal(r.headers['x-layers'], 'a-in,b-in,b-head,a-head', 'outer head hooks still ran');
      return { status: r.status, headers: pick(r.headers, PROBLEM) };
    },
  },
  {
    name: 'a head hook sees and edits a JSON 200',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const r = await t.request('GET', '/hello');
      equal(r.status, 200, 'status');
      deepEqual(JSON.parse(r.body.toString()), { hello: 'world' }, 'body');
      equal(r.headers['x-bouncer'], 'on', 'x-bouncer');
      equal(r.headers['x-downstream-status'], '200', 'downstream status seen at the head');
      equal(r.headers['x-remove-me'], undefined, 'header removed at the head');
      return { status: r.status, headers: pick(r.headers, STAMP) };
    },
  },
  {
    name: "a head hook stamps the framework's own 404",
    group: 'core',
    chain: coreChain,
    async run(t) {
      const r = await t.request('GET', '/no-such-route');
      equal(r.status, 404, 'status');
      equal(r.headers['x-bouncer'], 'on', 'x-bouncer');
      equal(r.headers['x-downstream-status'], '404', 'downstream status');
      return { status: r.status, headers: pick(r.headers, STAMP) };
    },
  },
  {
    name: 'a head hook stamps the 500 of a throwing handler, with no stack on the wire',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const r = await t.request('GET', '/boom');
      equal(r.status, 500, 'status');
      equal(r.headers['x-bouncer'], 'on', 'x-bouncer');
      equal(r.headers['x-downstream-status'], '500', 'downstream status');
      ok(
        !/exploded|at .*\(/.test(r.body.toString()),
        `no error details or stack in body: ${r.body.toString().slice(0, 200)}`,
      );
      return { status: r.status, headers: pick(r.headers, STAMP) };
    },
  },
  {
    name: 'a head hook stamps a streamed (chunked) response without buffering it',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const r = await t.request('GET', '/stream');
      equal(r.status, 200, 'status');
      equal(r.body.toString(), 'abc', 'body');
      equal(r.headers['transfer-encoding'], 'chunked', 'transfer-encoding');
      equal(r.headers['x-bouncer'], 'on', 'x-bouncer');
      return { status: r.status, headers: pick(r.headers, [...STAMP, 'transfer-encoding']) };
    },
  },
  {
    name: 'a head hook stamps HEAD, which carries no body',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const r = await t.request('HEAD', '/hello');
      equal(r.status, 200, 'status');
      equal(r.body.length, 0, 'no body');
      equal(r.headers['x-bouncer'], 'on', 'x-bouncer');
      return { status: r.status, headers: pick(r.headers, STAMP) };
    },
  },
  {
    name: 'layers run in order: first listed is outermost, and the handler sees the state',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const r = await t.request('GET', '/state');
      equal(r.status, 200, 'status');
      deepEqual(
        JSON.parse(r.body.toString()),
        { user: 'alice', trace: ['a-in', 'b-in', 'handler'] },
        'state seen by the handler',
      );
      equal(r.headers['x-layers'], 'a-in,b-in,handler,b-head,a-head', 'layer order');
      return { status: r.status, headers: pick(r.headers, STAMP) };
    },
  },
  {
    name: 'a JSON body read in the chain still reaches the handler intact',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const sent = { order: 42, item: 'café ☕', nested: { ok: true, list: [1, 2, 3] } };
      const r = await t.request('POST', '/echo', {
        headers: { 'content-type': 'application/json', 'x-test-peek': 'json' },
        body: JSON.stringify(sent),
      });
      equal(r.status, 200, 'status');
      deepEqual(JSON.parse(r.body.toString()), { received: sent }, 'handler received');
      equal(r.headers['x-peeked'], '3', 'chain read the JSON');
      return { status: r.status, headers: pick(r.headers, [...STAMP, 'x-peeked']) };
    },
  },
  {
    name: 'a 1 MiB binary body read in the chain still reaches the handler intact',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const body = randomBytes(1024 * 1024);
      const r = await t.request('POST', '/bytes', {
        headers: { 'content-type': 'application/octet-stream', 'x-test-peek': 'bytes' },
        body,
      });
      equal(r.status, 200, 'status');
      deepEqual(
        JSON.parse(r.body.toString()),
        { length: body.length, sha256: createHash('sha256').update(body).digest('hex') },
        'handler received the same bytes',
      );
      equal(r.headers['x-peeked'], String(body.length), 'chain read the bytes');
      return { status: r.status, headers: pick(r.headers, [...STAMP, 'x-peeked']) };
    },
  },
  {
    name: 'a body over the chain limit is refused with 413 before the handler runs',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const before = hits(t, 'POST /bytes');
      const r = await t
        .request('POST', '/bytes', {
          headers: { 'content-type': 'application/octet-stream', 'x-test-peek': 'bytes' },
          body: randomBytes(3 * 1024 * 1024),
        })
        .catch((error: Error) => ({ status: -1, headers: {}, body: Buffer.from(error.message) }) as never);
      equal(r.status, 413, 'status');
      equal(hits(t, 'POST /bytes'), before, 'handler runs');
      return { status: r.status, headers: pick(r.headers, PROBLEM) };
    },
  },
  {
    name: 'an error thrown in a middleware becomes a plain 500, reported to the host',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const reported = t.probe.reported.length;
      const before = hits(t, 'GET /hello');
      const r = await t.request('GET', '/hello', { headers: { 'x-test-throw': '1' } });
      equal(r.status, 500, 'status');
      equal(r.body.toString(), '{"type":"about:blank","title":"Internal Server Error","status":500}', 'body');
      equal(hits(t, 'GET /hello'), before, 'handler runs');
      equal(t.probe.reported.length, reported + 1, 'errors reported to the host');
      return { status: r.status, headers: pick(r.headers, PROBLEM) };
    },
  },
  {
    name: 'calling next() twice is reported, and the answer already given stands',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const reported = t.probe.reported.length;
      const r = await t.request('GET', '/state', { headers: { 'x-test-double-next': '1' } });
      equal(r.status, 200, 'status');
      await eventually(() => t.probe.reported.length === reported + 1, 'the second next() reported');
      return { status: r.status, headers: pick(r.headers, STAMP) };
    },
  },
  {
    name: 'a header set after next() resolved is refused and reported; the answer is untouched',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const reported = t.probe.reported.length;
      const r = await t.request('GET', '/hello', { headers: { 'x-test-late-write': '1' } });
      equal(r.status, 200, 'status');
      deepEqual(JSON.parse(r.body.toString()), { hello: 'world' }, 'body');
      equal(r.headers['x-late'], undefined, 'late header');
      equal(r.headers['x-bouncer'], 'on', 'x-bouncer');
      await eventually(() => t.probe.reported.length === reported + 1, 'the late write reported');
      return { status: r.status, headers: pick(r.headers, [...STAMP, 'x-late']) };
    },
  },
  {
    name: 'the finish hook fires once with status, body bytes and duration',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const id = `finish-${Math.random()}`;
      const r = await t.request('GET', '/hello', { headers: { 'x-test-id': id } });
      await eventually(() => t.finishes.some((f) => f.id === id), 'finish hook fired');
      await new Promise((res) => setTimeout(res, 30));
      const mine = t.finishes.filter((f) => f.id === id);
      equal(mine.length, 1, 'finish hook fired once');
      equal(mine[0].status, 200, 'status');
      equal(mine[0].bytes, r.body.length, 'bytes');
      equal(mine[0].aborted, false, 'aborted');
      ok(mine[0].duration >= 0 && mine[0].duration < 5000, `duration ${mine[0].duration}`);
      return { status: r.status, headers: {} };
    },
  },
  {
    name: 'a client abort fires the finish hook with aborted: true',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const id = `abort-${Math.random()}`;
      await t.request('GET', '/slow', { headers: { 'x-test-id': id }, abortAfter: 80 });
      await eventually(() => t.finishes.some((f) => f.id === id), 'finish hook fired after abort', 3000);
      const mine = t.finishes.filter((f) => f.id === id);
      equal(mine.length, 1, 'finish hook fired once');
      equal(mine[0].aborted, true, 'aborted');
      return { status: 0, headers: {} };
    },
  },
  {
    name: 'keep-alive connections are reused across requests',
    group: 'core',
    chain: coreChain,
    async run(t) {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const a = await t.request('GET', '/hello', { agent });
        const b = await t.request('GET', '/hello', { agent });
        const c = await t.request('GET', '/no-such-route', { agent });
        equal(a.status, 200, 'first status');
        equal(b.reusedSocket, true, 'second request reused the socket');
        equal(c.reusedSocket, true, 'third request (a 404) reused the socket');
        return { status: b.status, headers: pick(b.headers, STAMP) };
      } finally {
        agent.destroy();
      }
    },
  },
];
