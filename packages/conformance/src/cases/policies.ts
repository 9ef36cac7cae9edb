import { createHash, randomBytes } from 'node:crypto';
import { deepEqual, equal, ok } from '../assert';
import { policyChain } from '../chains';
import type { CaseContext, Comparable, ConformanceCase, HttpResult } from '../types';
import { token, unsignedToken } from './_tokens';

/** Every header a Bouncer policy may set; compared byte for byte across adapters. */
export const POLICY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
  'x-powered-by',
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'vary',
  'ratelimit',
  'ratelimit-policy',
  'retry-after',
  'www-authenticate',
  'x-request-id',
] as const;

const HELMET: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Express's final handler (its built-in 404 and error pages) sets its own, stricter
 * `Content-Security-Policy: default-src 'none'`. A header the application sets wins over the
 * policy's (helmet's precedence), and the final handler is part of the application.
 */
const FRAMEWORK_CSP = "default-src 'none'";

/**
 * Status plus every policy header; random request ids and reset times masked. For answers the
 * framework wrote (404 pages, error pages) the body and its Content-Type are the framework's own.
 */
export function policyComparable(r: HttpResult, withStatus = true, frameworkBody = false): Comparable {
  const headers: Record<string, string | undefined> = {};
  for (const name of POLICY_HEADERS) {
    let v = r.headers[name];
    if (frameworkBody && name === 'content-security-policy' && v === FRAMEWORK_CSP) v = HELMET[name];
    if (v !== undefined && name === 'x-request-id' && UUID.test(v)) v = '<uuid>';
    if (v !== undefined && (name === 'ratelimit' || name === 'retry-after'))
      v = v.replace(/t=\d+/, 't=<s>').replace(/^\d+$/, '<s>');
    headers[name] = v;
  }
  if (r.status >= 400 && !frameworkBody) headers['content-type'] = r.headers['content-type'];
  return { status: withStatus ? r.status : 0, headers };
}

export function expectHelmet(r: HttpResult, frameworkBody = false): void {
  for (const [name, value] of Object.entries(HELMET)) {
    if (frameworkBody && name === 'content-security-policy' && r.headers[name] === FRAMEWORK_CSP) continue;
    equal(r.headers[name], value, name);
  }
  equal(r.headers['x-powered-by'], undefined, 'x-powered-by removed');
  equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain http');
}

export function expectProblem(r: HttpResult, status: number): void {
  equal(r.status, status, 'status');
  equal(r.headers['content-type'], 'application/problem+json', 'content-type');
  const body = JSON.parse(r.body.toString()) as { status: number; type: string };
  equal(body.status, status, 'problem status');
  equal(body.type, 'about:blank', 'problem type');
}

export const from = (ip: string) => ({ 'x-forwarded-for': ip });
const auth = async (claims?: Parameters<typeof token>[0]) => ({
  authorization: `Bearer ${await token(claims)}`,
});

type Run = (t: CaseContext) => Promise<Comparable>;
const policyCase = (group: string, name: string, run: Run): ConformanceCase => ({
  name,
  group,
  chain: policyChain,
  run,
});

export const policyCases: ConformanceCase[] = [
  // securityHeaders
  policyCase(
    'headers',
    "helmet's header set on a 200, X-Powered-By removed, no HSTS over http",
    async (t) => {
      const r = await t.request('GET', '/hello', { headers: from('198.51.100.1') });
      equal(r.status, 200, 'status');
      expectHelmet(r);
      return policyComparable(r);
    },
  ),
  policyCase('headers', "security headers on the framework's 404", async (t) => {
    const r = await t.request('GET', '/no-such-route', {
      headers: { ...from('198.51.100.2'), ...(await auth()) },
    });
    equal(r.status, 404, 'status');
    expectHelmet(r, true);
    return policyComparable(r, true, true);
  }),
  policyCase('headers', "security headers on a throwing handler's 500", async (t) => {
    const r = await t.request('GET', '/boom', { headers: { ...from('198.51.100.3'), ...(await auth()) } });
    equal(r.status, 500, 'status');
    expectHelmet(r, true);
    return policyComparable(r, true, true);
  }),
  policyCase('headers', "security headers and CORS on the bouncer's own 401", async (t) => {
    const r = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.4'), origin: 'https://app.example' },
    });
    expectProblem(r, 401);
    expectHelmet(r);
    equal(r.headers['access-control-allow-origin'], 'https://app.example', 'ACAO on a rejection');
    equal(r.headers['access-control-allow-credentials'], 'true', 'ACAC on a rejection');
    return policyComparable(r);
  }),
  // jwtAuth
  policyCase('jwt', 'no token → 401 with RFC 6750 WWW-Authenticate, handler not run', async (t) => {
    const before = t.probe.hits.get('GET /state') ?? 0;
    const r = await t.request('GET', '/state', { headers: from('198.51.100.10') });
    expectProblem(r, 401);
    equal(r.headers['www-authenticate'], 'Bearer realm="api"', 'www-authenticate');
    equal(t.probe.hits.get('GET /state') ?? 0, before, 'handler runs');
    return policyComparable(r);
  }),
  policyCase('jwt', 'valid token → 200 and the handler reads the subject from state', async (t) => {
    const r = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.11'), ...(await auth({ sub: 'carol' })) },
    });
    equal(r.status, 200, 'status');
    equal((JSON.parse(r.body.toString()) as { sub?: string }).sub, 'carol', 'subject seen by the handler');
    return policyComparable(r);
  }),
  policyCase('jwt', 'expired token → 401 invalid_token', async (t) => {
    const r = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.12'), ...(await auth({ expIn: -120 })) },
    });
    expectProblem(r, 401);
    ok(
      r.headers['www-authenticate']?.includes('error="invalid_token"'),
      `www-authenticate: ${r.headers['www-authenticate']}`,
    );
    return policyComparable(r);
  }),
  policyCase('jwt', 'alg: none token → 401', async (t) => {
    const r = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.13'), authorization: `Bearer ${unsignedToken()}` },
    });
    expectProblem(r, 401);
    return policyComparable(r);
  }),
  policyCase('jwt', 'token signed with another secret → 401', async (t) => {
    const r = await t.request('GET', '/state', {
      headers: {
        ...from('198.51.100.14'),
        ...(await auth({ secret: 'an-attacker-secret-0123456789abcdef-0123' })),
      },
    });
    expectProblem(r, 401);
    return policyComparable(r);
  }),
  policyCase('jwt', 'wrong audience → 401; wrong issuer → 401', async (t) => {
    const a = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.15'), ...(await auth({ aud: 'other-api' })) },
    });
    const b = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.15'), ...(await auth({ iss: 'evil' })) },
    });
    expectProblem(a, 401);
    expectProblem(b, 401);
    return policyComparable(b);
  }),
  policyCase('jwt', 'malformed Authorization (two tokens, wrong scheme) → 401', async (t) => {
    const a = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.16'), authorization: 'Bearer a b' },
    });
    const b = await t.request('GET', '/state', {
      headers: { ...from('198.51.100.16'), authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expectProblem(a, 401);
    expectProblem(b, 401);
    return policyComparable(a);
  }),
  // clientIp + ipFilter
  policyCase('ip', 'denied client behind the trusted proxy → 403', async (t) => {
    const r = await t.request('GET', '/hello', { headers: from('203.0.113.7') });
    expectProblem(r, 403);
    return policyComparable(r);
  }),
  policyCase('ip', 'denied IPv4 written as IPv4-mapped IPv6 → 403', async (t) => {
    const r = await t.request('GET', '/hello', { headers: from('::ffff:203.0.113.9') });
    expectProblem(r, 403);
    return policyComparable(r);
  }),
  policyCase('ip', 'denied IPv6 in any textual form → 403', async (t) => {
    for (const ip of ['2001:db8:bad::1', '2001:DB8:BAD:0:0:0:0:1', '2001:db8:bad:ff::9']) {
      const r = await t.request('GET', '/hello', { headers: from(ip) });
      expectProblem(r, 403);
    }
    const r = await t.request('GET', '/hello', { headers: from('[2001:db8:bad::2]:443') });
    return policyComparable(r);
  }),
  policyCase('ip', 'spoofed X-Forwarded-For from an untrusted hop is ignored', async (t) => {
    // The trusted proxy (loopback) appended 198.51.100.20; the "203.0.113.7" before it was sent by the client.
    const r = await t.request('GET', '/hello', { headers: from('203.0.113.7, 198.51.100.20') });
    equal(r.status, 200, 'status');
    return policyComparable(r);
  }),
  policyCase('ip', 'garbage hops (unknown, hex, octal, ports) never become the client IP', async (t) => {
    for (const xff of [
      '203.0.113.7, unknown',
      '203.0.113.7, 0xcb.0.113.7',
      '203.0.113.7, 0313.0.0161.7',
      '203.0.113.7, ',
    ]) {
      const r = await t.request('GET', '/hello', { headers: from(xff) });
      equal(r.status, 200, `status for ${xff}`);
    }
    const r = await t.request('GET', '/hello', { headers: { forwarded: 'for=203.0.113.7' } });
    equal(r.status, 200, 'Forwarded is not the configured header');
    return policyComparable(r);
  }),
  // rateLimit
  policyCase('rate', 'RateLimit and RateLimit-Policy headers on an allowed response', async (t) => {
    const r = await t.request('GET', '/hello', { headers: from('198.51.100.30') });
    equal(r.status, 200, 'status');
    equal(r.headers['ratelimit-policy'], '"default";q=5;w=60', 'ratelimit-policy');
    ok(/^"default";r=4;t=\d+$/.test(r.headers.ratelimit ?? ''), `ratelimit: ${r.headers.ratelimit}`);
    return policyComparable(r);
  }),
  policyCase('rate', 'the 6th request in a minute → 429 with Retry-After, CORS readable', async (t) => {
    let r: HttpResult | undefined;
    for (let i = 0; i < 6; i++)
      r = await t.request('GET', '/hello', {
        headers: { ...from('198.51.100.31'), origin: 'https://app.example' },
      });
    expectProblem(r!, 429);
    ok(
      /^\d+$/.test(r!.headers['retry-after'] ?? '') && Number(r!.headers['retry-after']) >= 1,
      `retry-after ${r!.headers['retry-after']}`,
    );
    equal(r!.headers['access-control-allow-origin'], 'https://app.example', 'ACAO on 429');
    expectHelmet(r!);
    return policyComparable(r!);
  }),
  policyCase('rate', 'rotating IPv6 addresses inside one /56 share a bucket', async (t) => {
    let r: HttpResult | undefined;
    for (let i = 1; i <= 6; i++)
      r = await t.request('GET', '/hello', { headers: from(`2001:db8:1:${i}0::${i}`) });
    expectProblem(r!, 429);
    return policyComparable(r!);
  }),
  // cors
  policyCase('cors', 'preflight from the allowed origin → 204, the application never runs', async (t) => {
    const before = t.probe.hits.get('POST /echo') ?? 0;
    const r = await t.request('OPTIONS', '/echo', {
      headers: {
        ...from('198.51.100.40'),
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'Authorization, Content-Type',
      },
    });
    equal(r.status, 204, 'status');
    equal(r.headers['access-control-allow-origin'], 'https://app.example', 'ACAO');
    equal(r.headers['access-control-allow-credentials'], 'true', 'ACAC');
    ok(/POST/.test(r.headers['access-control-allow-methods'] ?? ''), 'allow methods');
    ok(/authorization/i.test(r.headers['access-control-allow-headers'] ?? ''), 'allow headers');
    equal(t.probe.hits.get('POST /echo') ?? 0, before, 'handler runs');
    return policyComparable(r);
  }),
  policyCase('cors', 'preflight from another origin → refused, no CORS grant', async (t) => {
    const r = await t.request('OPTIONS', '/echo', {
      headers: {
        ...from('198.51.100.41'),
        origin: 'https://evil.example',
        'access-control-request-method': 'POST',
      },
    });
    equal(r.headers['access-control-allow-origin'], undefined, 'no ACAO');
    ok(r.status === 403 || r.status === 204, `status ${r.status}`);
    return policyComparable(r);
  }),
  policyCase('cors', 'Origin: null and look-alike origins get no grant; Vary: Origin always', async (t) => {
    for (const origin of [
      'null',
      'https://app.example.evil.com',
      'https://evil-app.example',
      'https://app.example/',
    ]) {
      const r = await t.request('GET', '/hello', { headers: { ...from('198.51.100.42'), origin } });
      equal(r.headers['access-control-allow-origin'], undefined, `no ACAO for ${origin}`);
      ok((r.headers.vary ?? '').includes('Origin'), 'vary');
    }
    const r = await t.request('GET', '/hello', { headers: from('198.51.100.42') });
    equal(r.headers.vary, 'Origin', 'Vary: Origin without an Origin too');
    return policyComparable(r);
  }),
  policyCase('cors', "the request's own Vary is never copied into the response", async (t) => {
    const r = await t.request('GET', '/hello', {
      headers: { ...from('198.51.100.43'), origin: 'https://app.example', vary: 'User-Agent, *' },
    });
    equal(r.headers.vary, 'Origin', 'vary');
    return policyComparable(r);
  }),
  policyCase('cors', 'a plain OPTIONS is not a preflight and reaches the application', async (t) => {
    const before = t.probe.hits.get('OPTIONS /hello') ?? 0;
    const r = await t.request('OPTIONS', '/hello', {
      headers: { ...from('198.51.100.44'), origin: 'https://app.example', ...(await auth()) },
    });
    equal(r.status, 200, 'status');
    equal(t.probe.hits.get('OPTIONS /hello') ?? 0, before + 1, 'the OPTIONS handler ran');
    deepEqual(JSON.parse(r.body.toString()), { options: true }, 'body');
    equal(r.headers.allow, 'GET, HEAD, OPTIONS', "the application's Allow");
    equal(r.headers['access-control-allow-methods'], undefined, 'not answered as a preflight');
    equal(r.headers['access-control-allow-origin'], 'https://app.example', 'stamped as an actual request');
    return policyComparable(r);
  }),
  policyCase('cors', 'a huge Access-Control-Request-Headers list is handled in linear time', async (t) => {
    const started = performance.now();
    const r = await t.request('OPTIONS', '/echo', {
      headers: {
        ...from('198.51.100.45'),
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': `x${' '.repeat(8000)}x`,
      },
    });
    ok(performance.now() - started < 2000, 'answered promptly');
    ok(r.status === 204 || r.status === 403, `status ${r.status}`);
    return policyComparable(r);
  }),
  // bodyLimit
  policyCase('body', 'Content-Length over the limit → 413 before any byte is read', async (t) => {
    const before = t.probe.hits.get('POST /echo') ?? 0;
    const r = await t.request('POST', '/echo', {
      headers: { ...from('198.51.100.50'), ...(await auth()), 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    });
    expectProblem(r, 413);
    equal(t.probe.hits.get('POST /echo') ?? 0, before, 'handler runs');
    return policyComparable(r);
  }),
  policyCase('body', 'a chunked body over the limit → 413 from counted bytes', async (t) => {
    const r = await t.request('POST', '/bytes', {
      headers: {
        ...from('198.51.100.51'),
        ...(await auth()),
        'transfer-encoding': 'chunked',
        'content-type': 'application/octet-stream',
      },
      body: randomBytes(80 * 1024),
    });
    expectProblem(r, 413);
    return policyComparable(r);
  }),
  policyCase(
    'body',
    'a chunked body within the limit is counted, then reaches the handler intact',
    async (t) => {
      const body = randomBytes(60 * 1024);
      const r = await t.request('POST', '/bytes', {
        headers: {
          ...from('198.51.100.52'),
          ...(await auth()),
          'transfer-encoding': 'chunked',
          'content-type': 'application/octet-stream',
        },
        body,
      });
      equal(r.status, 200, 'status');
      deepEqual(
        JSON.parse(r.body.toString()),
        { length: body.length, sha256: createHash('sha256').update(body).digest('hex') },
        'handler received',
      );
      return policyComparable(r);
    },
  ),
  // requestId
  policyCase(
    'request-id',
    'a valid incoming X-Request-Id is echoed; a hostile one is replaced',
    async (t) => {
      const a = await t.request('GET', '/hello', {
        headers: { ...from('198.51.100.60'), 'x-request-id': 'req-42.abc' },
      });
      equal(a.headers['x-request-id'], 'req-42.abc', 'reused');
      // maxLength (128 by default) at its boundary: 128 characters kept, 129 replaced.
      const longest = 'r'.repeat(128);
      const kept = await t.request('GET', '/hello', {
        headers: { ...from('198.51.100.60'), 'x-request-id': longest },
      });
      equal(kept.headers['x-request-id'], longest, 'an id of exactly maxLength');
      for (const hostile of ['<script>alert(1)</script>', 'r'.repeat(129), 'id with spaces', 'é']) {
        const r = await t.request('GET', '/hello', {
          headers: { ...from('198.51.100.60'), 'x-request-id': hostile },
        });
        ok(
          UUID.test(r.headers['x-request-id'] ?? ''),
          `replaced ${JSON.stringify(hostile.slice(0, 20))}: ${r.headers['x-request-id']}`,
        );
      }
      return policyComparable(a);
    },
  ),
];
