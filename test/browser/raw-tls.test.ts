// Chromium over HTTPS straight to `@bouncer/raw` (its `tls` option): the handshake agrees on
// http/1.1 by ALPN, the page and a same-origin fetch load, and HSTS goes out because the
// connection itself is TLS. The browser trusts the test's certificate by its SPKI hash only.
import { createHash, X509Certificate } from 'node:crypto';
import { bouncer, compose, type Middleware } from '@bouncer/core';
import { createServer, type RawServer, Router } from '@bouncer/raw';
import { makeCert } from '@bouncer/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './_chromium';

const cert = makeCert();
/** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's flag wants it. */
const spki = createHash('sha256')
  .update(new X509Certificate(cert.cert).publicKey.export({ type: 'spki', format: 'der' }))
  .digest('base64');
const browser = useChromium(() => [`--ignore-certificate-errors-spki-list=${spki}`]);

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>raw over TLS</title>
<h1>HTTPS from @bouncer/raw</h1><p id="out">waiting</p><script src="/app.js"></script></html>`;
const APP_JS = `fetch('/api').then((r) => r.json()).then((j) => {
  document.getElementById('out').textContent = j.scheme;
});`;

let server: RawServer<any>;
let origin: string;
const reported: unknown[] = [];

beforeAll(async () => {
  const router = new Router();
  router.get('/', (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(PAGE);
  });
  router.get('/app.js', (_req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.end(APP_JS);
  });
  router.get('/api', (_req, res, state) => res.json({ scheme: (state as { scheme?: string }).scheme }));
  // What the chain saw as the request's scheme, handed to the app.
  const schemeToState: Middleware<{ scheme?: string }> = (ctx, next) => {
    ctx.state.scheme = ctx.req.scheme;
    return next();
  };
  server = createServer({
    chain: compose<any>([
      bouncer({ securityHeaders: true, requestId: true }, { logger: false }),
      schemeToState,
    ]),
    handler: router.handle,
    tls: { key: cert.key, cert: cert.cert },
    onError: (error) => reported.push(error),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  origin = `https://localhost:${port}`;
});

afterAll(async () => {
  await server?.close({ deadline: 1000 });
  cert.remove();
  expect(reported).toEqual([]);
});

describe('Chromium over HTTPS to the raw server', () => {
  it('loads the page over http/1.1 with HSTS, and its same-origin script and fetch run', async () => {
    const page = await browser().context.newPage();
    try {
      const response = await page.goto(`${origin}/`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      const headers = response?.headers() ?? {};
      expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
      expect(headers['x-request-id']).toMatch(/\S/);
      expect(await page.title()).toBe('raw over TLS');
      await page.waitForFunction(() => document.getElementById('out')?.textContent !== 'waiting');
      expect(await page.textContent('#out')).toBe('https');
      const protocol = await page.evaluate(
        () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).nextHopProtocol,
      );
      expect(protocol).toBe('http/1.1');
      const security = await response?.securityDetails();
      expect(security?.subjectName).toBe('localhost');
    } finally {
      await page.close();
    }
  });
});
