import { describe, expect, it } from 'vitest';
import { runFake } from '../../_testing';
import { compose } from '../../compose';
import { ConfigError } from '../../errors';
import type { Middleware } from '../../types';
import { dangerouslyDisableDefaultSrc, getDefaultDirectives, securityHeaders } from './index';

const HELMET_CSP =
  "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; " +
  "img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; " +
  "style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests";

const HELMET_HEADERS = {
  'content-security-policy': HELMET_CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

describe('securityHeaders: defaults', () => {
  it('sets helmet 8’s exact header set over HTTP, without HSTS or COEP', async () => {
    const r = await runFake(securityHeaders());
    expect(r.headers).toEqual(HELMET_HEADERS);
  });

  it('adds HSTS max-age=31536000; includeSubDomains over HTTPS', async () => {
    const r = await runFake(securityHeaders(), { scheme: 'https' });
    expect(r.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it('removes the X-Powered-By a framework set before the chain (OWASP HTTP Headers Cheat Sheet), unless told not to', async () => {
    const express: Middleware = (ctx, next) => {
      ctx.res.set('X-Powered-By', 'Express'); // what Express's init middleware does
      return next();
    };
    const r = await runFake(compose([express, securityHeaders()]));
    expect(r.headers['x-powered-by']).toBeUndefined();
    const kept = await runFake(compose([express, securityHeaders({ xPoweredBy: false })]));
    expect(kept.headers['x-powered-by']).toBe('Express');
  });

  it('lets the handler override a header it set itself (helmet precedence)', async () => {
    const r = await runFake(
      securityHeaders(),
      {},
      { headers: { 'Content-Security-Policy': "default-src 'none'" } },
    );
    expect(r.headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('keeps a value the application set itself (the application wins, as with helmet)', async () => {
    const r = await runFake(
      securityHeaders(),
      {},
      { run: (host) => host.setHeader('X-Frame-Options', 'DENY'), status: 404 },
    );
    expect(r.status).toBe(404);
    expect(r.headers['x-frame-options']).toBe('DENY');
    const { 'x-frame-options': _, ...rest } = HELMET_HEADERS;
    expect(r.headers).toMatchObject(rest);
  });

  it('stamps an answer whose host reset every header (an error page) at its head', async () => {
    const r = await runFake(securityHeaders(), {}, { run: (host) => host.resHeaders.clear(), status: 500 });
    expect(r.headers).toMatchObject(HELMET_HEADERS);
  });

  it('is present on the chain’s own 401/413/429 answers', async () => {
    for (const status of [401, 413, 429]) {
      const deny: Middleware = (ctx) => ctx.reject(status, 'no', 'test');
      const r = await runFake(compose([securityHeaders(), deny]));
      expect(r.status).toBe(status);
      expect(r.headers).toMatchObject(HELMET_HEADERS);
    }
  });

  it('switches each header off with false', async () => {
    const r = await runFake(
      securityHeaders({
        contentSecurityPolicy: false,
        crossOriginOpenerPolicy: false,
        crossOriginResourcePolicy: false,
        originAgentCluster: false,
        referrerPolicy: false,
        strictTransportSecurity: false,
        xContentTypeOptions: false,
        xDnsPrefetchControl: false,
        xDownloadOptions: false,
        xFrameOptions: false,
        xPermittedCrossDomainPolicies: false,
        xXssProtection: false,
      }),
      { scheme: 'https' },
    );
    expect(r.headers).toEqual({});
  });

  it('accepts helmet’s option values and legacy aliases', async () => {
    const r = await runFake(
      securityHeaders({
        crossOriginEmbedderPolicy: true,
        crossOriginOpenerPolicy: { policy: 'same-origin-allow-popups' },
        crossOriginResourcePolicy: { policy: 'cross-origin' },
        referrerPolicy: { policy: ['origin', 'strict-origin-when-cross-origin'] },
        hsts: { maxAge: 86400.9, includeSubDomains: false, preload: true },
        frameguard: { action: 'deny' },
        dnsPrefetchControl: { allow: true },
        permittedCrossDomainPolicies: { permittedPolicies: 'by-content-type' },
      }),
      { scheme: 'https' },
    );
    expect(r.headers).toMatchObject({
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-opener-policy': 'same-origin-allow-popups',
      'cross-origin-resource-policy': 'cross-origin',
      'referrer-policy': 'origin,strict-origin-when-cross-origin',
      'strict-transport-security': 'max-age=86400; preload',
      'x-frame-options': 'DENY',
      'x-dns-prefetch-control': 'on',
      'x-permitted-cross-domain-policies': 'by-content-type',
    });
  });
});

describe('securityHeaders: configuration errors', () => {
  it("throws for a CSP value containing ';' (CSP Level 3, policy serialization)", () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: ["'self'; object-src *"] } } }),
    ).toThrow(/contentSecurityPolicy\.directives\.scriptSrc.*";"/);
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { imgSrc: ['a.example, b.example'] } } }),
    ).toThrow(ConfigError);
  });

  it.each(['self', 'none', 'unsafe-inline', 'strict-dynamic', 'nonce-abc', 'sha256-xyz'])(
    'throws for the unquoted keyword %s (CSP Level 3, keyword-source)',
    (word) => {
      expect(() =>
        securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: [word] } } }),
      ).toThrow(/unquoted/);
      expect(() =>
        securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: [`https: ${word}`] } } }),
      ).toThrow(/unquoted/);
    },
  );

  it('throws for CR/LF in a CSP value (CWE-113)', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { imgSrc: ['https://cdn.example\r\n'] } } }),
    ).toThrow(/control characters/);
  });

  it('throws for a bad directive name, a duplicate, and a missing default-src', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { 'script src': ["'self'"] } } }),
    ).toThrow(/directive name/);
    expect(() =>
      securityHeaders({
        contentSecurityPolicy: { directives: { scriptSrc: ["'self'"], 'script-src': ["'none'"] } },
      }),
    ).toThrow(/twice/);
    expect(() =>
      securityHeaders({
        contentSecurityPolicy: { useDefaults: false, directives: { scriptSrc: ["'self'"] } },
      }),
    ).toThrow(/default-src/);
    expect(() => securityHeaders({ contentSecurityPolicy: { useDefaults: false } })).toThrow(ConfigError);
  });

  it('throws for an unknown option key with a did-you-mean hint (helmetjs/helmet#452)', () => {
    expect(() => securityHeaders({ contentSecurityPolicyy: {} } as never)).toThrow(
      /did you mean `contentSecurityPolicy`/,
    );
    expect(() => securityHeaders({ hsts: { maxage: 5 } } as never)).toThrow(/did you mean `hsts.maxAge`/);
    expect(() => securityHeaders({ strictTransportSecurity: { includeSubdomains: true } } as never)).toThrow(
      /did you mean `strictTransportSecurity.includeSubDomains`/,
    );
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '5'])(
    'throws for HSTS maxAge %s (RFC 6797 §6.1.1)',
    (maxAge) => {
      expect(() => securityHeaders({ strictTransportSecurity: { maxAge: maxAge as number } })).toThrow(
        /maxAge/,
      );
    },
  );

  it('throws for out-of-set values and for an option given with its alias', () => {
    expect(() => securityHeaders({ xFrameOptions: { action: 'allow-from' as never } })).toThrow(
      /DENY, SAMEORIGIN/,
    );
    expect(() => securityHeaders({ referrerPolicy: { policy: 'no-referrer\r\nX: y' } })).toThrow(
      /unknown policy/,
    );
    expect(() => securityHeaders({ referrerPolicy: { policy: ['origin', 'origin'] } })).toThrow(/twice/);
    expect(() => securityHeaders({ crossOriginResourcePolicy: { policy: 'everyone' as never } })).toThrow(
      ConfigError,
    );
    expect(() => securityHeaders({ hsts: false, strictTransportSecurity: {} })).toThrow(/alias `hsts`/);
  });
});

describe('securityHeaders: CSP', () => {
  it('merges user directives over the defaults; null removes one', async () => {
    const r = await runFake(
      securityHeaders({
        contentSecurityPolicy: {
          directives: {
            scriptSrc: ["'self'", 'https://cdn.example'],
            upgradeInsecureRequests: null,
            'report-uri': '/csp',
          },
        },
      }),
    );
    const csp = r.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self' https://cdn.example;");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(csp.endsWith('; report-uri /csp')).toBe(true);
  });

  it('uses only the given directives with useDefaults: false, and allows dropping default-src on purpose', async () => {
    const r = await runFake(
      securityHeaders({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: dangerouslyDisableDefaultSrc, frameAncestors: ["'none'"] },
        },
      }),
    );
    expect(r.headers['content-security-policy']).toBe("frame-ancestors 'none'");
  });

  it('sends Content-Security-Policy-Report-Only in report-only mode', async () => {
    const r = await runFake(securityHeaders({ contentSecurityPolicy: { reportOnly: true } }));
    expect(r.headers['content-security-policy']).toBeUndefined();
    expect(r.headers['content-security-policy-report-only']).toBe(HELMET_CSP);
  });

  it('returns a deep copy of the default directives', () => {
    const a = getDefaultDirectives();
    a['default-src'].push('https://evil.example');
    expect(getDefaultDirectives()['default-src']).toEqual(["'self'"]);
  });

  it('adds a fresh 128-bit nonce per request to script-src and style-src (CSP Level 3, nonces)', async () => {
    const mw = securityHeaders({ contentSecurityPolicy: { nonce: true } });
    const a = await runFake(mw);
    const b = await runFake(mw);
    const nonceA = a.state.cspNonce as string;
    const nonceB = b.state.cspNonce as string;
    expect(nonceA).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceA).not.toBe(nonceB);
    expect(a.headers['content-security-policy']).toContain(`script-src 'self' 'nonce-${nonceA}';`);
    expect(a.headers['content-security-policy']).toContain(
      `style-src 'self' https: 'unsafe-inline' 'nonce-${nonceA}';`,
    );
    expect(b.headers['content-security-policy']).toContain(`'nonce-${nonceB}'`);
  });

  it('calls function values per request with the context', async () => {
    const mw = securityHeaders({
      contentSecurityPolicy: {
        directives: { connectSrc: ["'self'", (ctx) => `https://${ctx.req.path.slice(1)}.example`] },
      },
    });
    const r = await runFake(mw, { target: '/tenant' });
    expect(r.headers['content-security-policy']).toContain("connect-src 'self' https://tenant.example");
  });

  it('turns an injecting function value into a 500 instead of a rewritten policy (CSP Level 3, nonce-source)', async () => {
    const mw = securityHeaders({
      contentSecurityPolicy: { directives: { scriptSrc: [() => `abc" ; script-src *`] } },
    });
    const r = await runFake(mw);
    expect(r.status).toBe(500);
    expect(r.reached).toBe(false);
    expect(r.headers['content-security-policy']).toBeUndefined();
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.errors).toHaveLength(1);
  });
});

describe('securityHeaders: per-request path', () => {
  it('writes nothing the application can see before the head, as without it', async () => {
    let seen: string | undefined = 'unset';
    const r = await runFake(
      securityHeaders(),
      {},
      {
        run: (host) => {
          seen = host.getHeader('x-frame-options');
        },
      },
    );
    expect(seen).toBeUndefined();
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('removes an X-Powered-By set before the chain at the head', async () => {
    const framework: Middleware = async (ctx, next) => {
      ctx.res.set('X-Powered-By', 'Express');
      await next();
    };
    const r = await runFake(compose([framework, securityHeaders()]));
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  it("sends the nonce-bearing CSP of this request, never another request's", async () => {
    const mw = securityHeaders({ contentSecurityPolicy: { nonce: true } });
    const r = await runFake(mw);
    const nonce = r.state.cspNonce as string;
    expect(r.headers['content-security-policy']).toContain(`'nonce-${nonce}'`);
    const other = await runFake(mw);
    expect(other.headers['content-security-policy']).not.toContain(nonce);
  });

  it('keeps a value the application gave to a CSP computed per request', async () => {
    const mw = securityHeaders({ contentSecurityPolicy: { nonce: true } });
    const r = await runFake(mw, {}, { headers: { 'Content-Security-Policy': "default-src 'none'" } });
    expect(r.headers['content-security-policy']).toBe("default-src 'none'");
  });

  it('sends HSTS on HTTPS, and never over HTTP', async () => {
    const secure = await runFake(securityHeaders(), { scheme: 'https' });
    expect(secure.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const plain = await runFake(securityHeaders());
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('securityHeaders: HSTS behind a TLS-terminating proxy', () => {
  const HSTS = 'max-age=31536000; includeSubDomains';
  const proxied = (peer: string, proto: string) => ({ peer, headers: { 'x-forwarded-proto': proto } });

  it('sends HSTS when a trusted proxy says X-Forwarded-Proto: https (its first value)', async () => {
    const mw = securityHeaders({ trustProxy: 'loopback' });
    for (const proto of ['https', 'HTTPS', 'https, http'])
      expect((await runFake(mw, proxied('127.0.0.1', proto))).headers['strict-transport-security']).toBe(
        HSTS,
      );
    expect(
      (await runFake(mw, proxied('::ffff:127.0.0.1', 'https'))).headers['strict-transport-security'],
    ).toBe(HSTS);
  });

  it('ignores the header from an untrusted peer, with no proxy trusted, and for http', async () => {
    const mw = securityHeaders({ trustProxy: 'loopback' });
    expect(
      (await runFake(mw, proxied('198.51.100.7', 'https'))).headers['strict-transport-security'],
    ).toBeUndefined();
    expect(
      (await runFake(mw, proxied('127.0.0.1', 'http, https'))).headers['strict-transport-security'],
    ).toBeUndefined();
    const none = securityHeaders();
    expect(
      (await runFake(none, proxied('127.0.0.1', 'https'))).headers['strict-transport-security'],
    ).toBeUndefined();
  });

  it('sends HSTS on every answer with force, and never when HSTS is off', async () => {
    const forced = securityHeaders({ strictTransportSecurity: { force: true, maxAge: 600 } });
    expect((await runFake(forced)).headers['strict-transport-security']).toBe(
      'max-age=600; includeSubDomains',
    );
    const off = securityHeaders({ hsts: false, trustProxy: 'loopback' });
    expect(
      (await runFake(off, proxied('127.0.0.1', 'https'))).headers['strict-transport-security'],
    ).toBeUndefined();
    expect(() => securityHeaders({ hsts: { force: 'yes' as never } })).toThrow(/hsts\.force/);
    expect(() => securityHeaders({ trustProxy: true as never })).toThrow(/securityHeaders.*trustProxy/);
  });
});
