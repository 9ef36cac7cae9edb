// The scripted scenario `pnpm demo` plays against every stack. Each step is one or more real
// HTTP requests; what it returns is what the table shows and what must agree across stacks.
import { SignJWT } from 'jose';
import { DEV_JWT_SECRET } from './policy';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Send = (
  method: string,
  path: string,
  init?: { headers?: Record<string, string>; body?: string; chunked?: boolean },
) => Promise<Reply>;

export interface Step {
  title: string;
  /** Expected status: a step whose status differs is marked even when all stacks agree. */
  expect: number;
  /** The header shown in the table cell beside the status. */
  show?: string;
  run(send: Send, tokens: Tokens): Promise<Reply>;
}

export interface Tokens {
  alice: string;
  expired: string;
  none: string;
}

const secret = new TextEncoder().encode(process.env.JWT_SECRET ?? DEV_JWT_SECRET);

export async function mintTokens(): Promise<Tokens> {
  const now = Math.floor(Date.now() / 1000);
  const sign = (sub: string, exp: number) =>
    new SignJWT({ scope: 'prices:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer('bouncer-demo')
      .setAudience('pricing-api')
      .setIssuedAt(exp - 3600)
      .setExpirationTime(exp)
      .sign(secret);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return {
    alice: await sign('alice', now + 3600),
    expired: await sign('alice', now - 600),
    // An unsigned token: the classic `alg: none` downgrade.
    none: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', iss: 'bouncer-demo', aud: 'pricing-api', exp: now + 3600 })}.`,
  };
}

/** Every step comes from its own client address (via the trusted loopback proxy), so rate-limit buckets never mix. */
const from = (n: number) => ({ 'x-forwarded-for': `198.51.100.${n}` });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const steps: Step[] = [
  {
    title: 'public health check',
    expect: 200,
    show: 'x-frame-options',
    run: (send) => send('GET', '/health', { headers: from(1) }),
  },
  {
    title: 'no token',
    expect: 401,
    show: 'www-authenticate',
    run: (send) => send('GET', '/prices', { headers: from(2) }),
  },
  {
    title: 'valid token',
    expect: 200,
    show: 'ratelimit',
    run: (send, t) => send('GET', '/prices', { headers: { ...from(3), ...bearer(t.alice) } }),
  },
  {
    title: 'expired token',
    expect: 401,
    show: 'www-authenticate',
    run: (send, t) => send('GET', '/prices', { headers: { ...from(4), ...bearer(t.expired) } }),
  },
  {
    title: 'token signed with alg: none',
    expect: 401,
    show: 'www-authenticate',
    run: (send, t) => send('GET', '/prices', { headers: { ...from(5), ...bearer(t.none) } }),
  },
  {
    title: 'unknown route: a problem+json 404, stamped',
    expect: 404,
    show: 'content-security-policy',
    run: (send, t) => send('GET', '/no-such-route', { headers: { ...from(16), ...bearer(t.alice) } }),
  },
  {
    title: 'handler that throws: a 500, stamped, no stack on the wire',
    expect: 500,
    show: 'x-content-type-options',
    async run(send, t) {
      const r = await send('GET', '/inventory', { headers: { ...from(17), ...bearer(t.alice) } });
      const leaked = /ECONNREFUSED|10\.0\.0\.7|at .*\.ts/.test(r.body);
      return { ...r, headers: { ...r.headers, 'x-echo': leaked ? 'LEAKED' : 'clean' } };
    },
  },
  {
    title: "user reading another user's record",
    expect: 403,
    run: (send, t) => send('GET', '/users/bob', { headers: { ...from(6), ...bearer(t.alice) } }),
  },
  {
    title: 'user reading their own record',
    expect: 200,
    run: (send, t) => send('GET', '/users/alice', { headers: { ...from(7), ...bearer(t.alice) } }),
  },
  {
    title: 'banned client behind the trusted proxy',
    expect: 403,
    show: 'content-type',
    run: (send, t) =>
      send('GET', '/prices', { headers: { 'x-forwarded-for': '203.0.113.7', ...bearer(t.alice) } }),
  },
  {
    title: 'spoofed X-Forwarded-For from an untrusted hop',
    expect: 200,
    run: (send, t) =>
      send('GET', '/prices', {
        headers: { 'x-forwarded-for': '203.0.113.7, 198.51.100.9', ...bearer(t.alice) },
      }),
  },
  {
    title: 'burst past the rate limit',
    expect: 429,
    show: 'retry-after',
    async run(send, t) {
      // The bucket refills one request every window/limit (600 ms here), so a burst that takes
      // longer than that on a busy machine would win a refilled slot back. Sending in waves until
      // the first refusal makes the step independent of the machine's speed: the bucket empties
      // far faster than it refills, and the cap only bounds a limiter that never refuses.
      const limit = Number(process.env.RATE_LIMIT ?? 100);
      const wave = 25;
      const headers = { ...from(10), ...bearer(t.alice) };
      let last: Reply | undefined;
      for (let sent = 0; sent <= 10 * limit; sent += wave) {
        const replies = await Promise.all(
          Array.from({ length: wave }, () => send('GET', '/prices', { headers })),
        );
        last = replies.find((r) => r.status === 429) ?? replies.at(-1);
        if (last?.status === 429) break;
      }
      return last!;
    },
  },
  {
    title: 'CORS preflight from the allowed origin',
    expect: 204,
    show: 'access-control-allow-origin',
    run: (send) =>
      send('OPTIONS', '/orders', {
        headers: {
          ...from(11),
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      }),
  },
  {
    title: 'CORS preflight from another origin',
    expect: 403,
    show: 'access-control-allow-origin',
    run: (send) =>
      send('OPTIONS', '/orders', {
        headers: { ...from(12), origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      }),
  },
  {
    title: 'oversized body (100 KiB, limit 64 KiB)',
    expect: 413,
    show: 'connection',
    run: (send, t) =>
      send('POST', '/orders', {
        headers: { ...from(13), ...bearer(t.alice), 'content-type': 'application/json' },
        body: JSON.stringify({ sku: 'team', note: 'x'.repeat(100 * 1024) }),
      }),
  },
  {
    title: 'oversized chunked body, counted by the bouncer',
    expect: 413,
    run: (send, t) =>
      send('POST', '/orders', {
        headers: { ...from(14), ...bearer(t.alice), 'content-type': 'application/json' },
        body: JSON.stringify({ sku: 'team', note: 'x'.repeat(100 * 1024) }),
        chunked: true,
      }),
  },
  {
    title: 'JSON order inspected by the bouncer, received by the handler',
    expect: 201,
    show: 'x-echo',
    async run(send, t) {
      const order = { sku: 'team', seats: 12, note: 'chunked, so the bouncer counts it byte by byte' };
      const r = await send('POST', '/orders', {
        headers: { ...from(15), ...bearer(t.alice), 'content-type': 'application/json' },
        body: JSON.stringify(order),
        chunked: true,
      });
      const same = r.status === 201 && JSON.stringify(JSON.parse(r.body).order) === JSON.stringify(order);
      return { ...r, headers: { ...r.headers, 'x-echo': same ? 'intact' : 'CHANGED' } };
    },
  },
];
