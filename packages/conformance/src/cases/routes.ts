import { randomBytes } from 'node:crypto';
import { equal, ok } from '../assert';
import { routesChain } from '../chains';
import type { CaseContext, Comparable, ConformanceCase } from '../types';
import { token } from './_tokens';
import { policyComparable as comparable, expectProblem } from './policies';

const from = (ip: string, more: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...more });
const bearer = async (sub?: string) => ({ authorization: `Bearer ${await token({ sub })}` });
const json = { 'content-type': 'application/json' };

type Run = (t: CaseContext) => Promise<Comparable>;
const routesCase = (group: string, name: string, run: Run): ConformanceCase => ({
  name,
  group,
  chain: routesChain,
  run,
});

export const routeCases: ConformanceCase[] = [
  routesCase('routes', 'HEAD follows GET: HEAD /hello is public where GET /hello is', async (t) => {
    const r = await t.request('HEAD', '/hello', { headers: from('198.51.100.100') });
    equal(r.status, 200, 'status');
    const post = await t.request('POST', '/hello', { headers: from('198.51.100.100') });
    expectProblem(post, 401);
    return comparable(r);
  }),
  routesCase(
    'routes',
    'a route raises the body limit: 100 KiB to POST /bytes passes, 20 KiB elsewhere is 413',
    async (t) => {
      const auth = await bearer();
      const body = randomBytes(100 * 1024);
      const up = await t.request('POST', '/bytes', {
        headers: from('198.51.100.101', { ...auth, 'content-type': 'application/octet-stream' }),
        body,
      });
      equal(up.status, 200, 'upload status');
      equal((JSON.parse(up.body.toString()) as { length: number }).length, body.length, 'bytes received');
      const chunked = await t.request('POST', '/bytes', {
        headers: from('198.51.100.101', {
          ...auth,
          'content-type': 'application/octet-stream',
          'transfer-encoding': 'chunked',
        }),
        body: randomBytes(300 * 1024),
      });
      expectProblem(chunked, 413);
      const elsewhere = await t.request('POST', '/nowhere', {
        headers: from('198.51.100.101', { ...auth, 'content-type': 'application/octet-stream' }),
        body: randomBytes(20 * 1024),
      });
      expectProblem(elsewhere, 413);
      return comparable(up);
    },
  ),
  routesCase('routes', 'a route lowers the body limit: 2 KiB to POST /echo is 413', async (t) => {
    const r = await t.request('POST', '/echo', {
      headers: from('198.51.100.102', { ...(await bearer()), ...json }),
      body: JSON.stringify({ pad: 'x'.repeat(2048) }),
    });
    expectProblem(r, 413);
    return comparable(r);
  }),
  routesCase(
    'routes',
    'a strict limiter on POST /echo in one line; the rest keeps its own quota',
    async (t) => {
      const headers = from('198.51.100.103', { ...(await bearer()), ...json });
      const first = await t.request('POST', '/echo', { headers, body: '{"n":1}' });
      equal(first.status, 200, 'first');
      equal(first.headers['ratelimit-policy'], '"echo";q=2;w=60', 'route limiter named after its path');
      await t.request('POST', '/echo', { headers, body: '{"n":2}' });
      const third = await t.request('POST', '/echo', { headers, body: '{"n":3}' });
      expectProblem(third, 429);
      const other = await t.request('GET', '/hello', { headers: from('198.51.100.103') });
      equal(other.status, 200, 'other routes still served');
      equal(other.headers['ratelimit-policy'], '"default";q=50;w=60', 'policy-wide limiter');
      return comparable(third);
    },
  ),
  routesCase(
    'routes',
    'optional auth on GET /state: none passes, a valid token is read, a bad one is 401',
    async (t) => {
      const none = await t.request('GET', '/state', { headers: from('198.51.100.104') });
      equal(none.status, 200, 'without a token');
      equal((JSON.parse(none.body.toString()) as { sub?: string }).sub, undefined, 'no subject');
      const signed = await t.request('GET', '/state', {
        headers: from('198.51.100.104', await bearer('frank')),
      });
      equal((JSON.parse(signed.body.toString()) as { sub?: string }).sub, 'frank', 'subject');
      const bad = await t.request('GET', '/state', {
        headers: from('198.51.100.104', { authorization: `Bearer ${await token({ expIn: -60 })}` }),
      });
      expectProblem(bad, 401);
      ok(bad.headers['www-authenticate']?.includes('invalid_token'), 'invalid_token challenge');
      return comparable(bad);
    },
  ),
  routesCase(
    'csrf',
    'a cross-site form POST carrying the session cookie → 403, the handler never runs',
    async (t) => {
      const before = t.probe.hits.get('POST /echo') ?? 0;
      const cookie = `session=${await token({ sub: 'victim' })}`;
      const r = await t.request('POST', '/echo', {
        headers: from('198.51.100.105', {
          cookie,
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'https://evil.example',
          'sec-fetch-site': 'cross-site',
          'sec-fetch-mode': 'navigate',
        }),
        body: 'amount=1000',
      });
      expectProblem(r, 403);
      equal(t.probe.hits.get('POST /echo') ?? 0, before, 'handler runs');
      const oldBrowser = await t.request('POST', '/echo', {
        headers: from('198.51.100.105', { cookie, ...json, origin: 'https://evil.example' }),
        body: '{}',
      });
      expectProblem(oldBrowser, 403);
      return comparable(r);
    },
  ),
  routesCase('csrf', 'same-origin and the CORS-allowed origin pass with the cookie', async (t) => {
    const cookie = `session=${await token({ sub: 'grace' })}`;
    const same = await t.request('POST', '/echo', {
      headers: from('198.51.100.106', { cookie, ...json, 'sec-fetch-site': 'same-origin' }),
      body: '{"ok":1}',
    });
    equal(same.status, 200, 'same-origin');
    const app = await t.request('POST', '/echo', {
      headers: from('198.51.100.107', {
        cookie,
        ...json,
        'sec-fetch-site': 'cross-site',
        origin: 'https://app.example',
      }),
      body: '{"ok":2}',
    });
    equal(app.status, 200, 'trusted origin');
    return comparable(same);
  }),
  routesCase(
    'hsts',
    "HSTS when the trusted proxy's X-Forwarded-Proto says https, not otherwise",
    async (t) => {
      const tls = await t.request('GET', '/hello', {
        headers: from('198.51.100.108', { 'x-forwarded-proto': 'https' }),
      });
      equal(tls.headers['strict-transport-security'], 'max-age=600; includeSubDomains', 'HSTS');
      const plain = await t.request('GET', '/hello', {
        headers: from('198.51.100.108', { 'x-forwarded-proto': 'http' }),
      });
      equal(plain.headers['strict-transport-security'], undefined, 'no HSTS over http');
      return comparable(tls);
    },
  ),
];
