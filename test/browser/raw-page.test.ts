// A page rendered by Chromium straight from `@bouncer/raw`: the bouncer's security headers are on
// it, and the browser enforces its Content-Security-Policy (helmet's `script-src 'self'`).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BouncerState } from '@bouncer/core';
import { createServer, Router } from '@bouncer/raw';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useChromium } from './_chromium';
import type { RunningServer } from './_page-server';
import { browserPolicy } from './_policy';

const SCREENSHOTS = join(import.meta.dirname, '__screenshots__');

const PAGE_HTML = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Bouncer raw server</title>
<style>
  body { font: 18px/1.5 sans-serif; margin: 2em; background: #f4f6f8; color: #1d2733; }
  h1 { color: #0b5cad; }
  .ok { color: #1a7f37; } .blocked { color: #b42318; }
</style>
<h1>Served by @bouncer/raw</h1>
<p>Behind a Bouncer policy, rendered by headless Chromium.</p>
<p id="inline" class="blocked">inline script blocked by CSP</p>
<p id="external" class="blocked">external script has not run</p>
<script>
  document.getElementById('inline').textContent = 'inline script ran';
</script>
<script src="/app.js"></script>
</html>`;

const APP_JS = `const p = document.getElementById('external');
p.textContent = 'external same-origin script ran';
p.className = 'ok';
`;

const browser = useChromium();
let api: RunningServer;
const reported: unknown[] = [];

beforeAll(async () => {
  const router = new Router<BouncerState>();
  router.get('/', (_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(PAGE_HTML);
  });
  router.get('/app.js', (_req, res) => {
    // `nosniff` is on: a script only runs when served with a JavaScript MIME type (Fetch §3.5.1).
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.end(APP_JS);
  });
  // No page calls this server cross-origin here, so the allowed origin is a placeholder.
  const chain = browserPolicy('https://app.example', ['/', '/app.js']);
  const server = createServer({ chain, handler: router.handle, onError: (error) => reported.push(error) });
  const { port } = await server.listen(0, '127.0.0.1');
  api = { origin: `http://127.0.0.1:${port}`, close: () => server.close({ deadline: 1000 }) };
});

afterAll(async () => {
  await visit?.then((v) => v.page.close()).catch(() => {});
  await api?.close();
  expect(reported).toEqual([]);
});

interface Visit {
  page: Page;
  status: number | undefined;
  headers: Record<string, string>;
  scriptHeaders: Record<string, string>;
  logs: string[];
}

let visit: Promise<Visit> | undefined;

/** Opens the page once for the whole file (the tests read one rendering). */
function visitPage(): Promise<Visit> {
  visit ??= (async () => {
    const page = await browser().context.newPage();
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    const script = page.waitForResponse(`${api.origin}/app.js`);
    const response = await page.goto(`${api.origin}/`, { waitUntil: 'load' });
    return {
      page,
      status: response?.status(),
      headers: response?.headers() ?? {},
      scriptHeaders: (await script).headers(),
      logs,
    };
  })();
  return visit;
}

describe('an HTML page served by the raw server', () => {
  it('renders its title and text', async () => {
    const { page, status } = await visitPage();
    expect(status).toBe(200);
    expect(await page.title()).toBe('Bouncer raw server');
    expect(await page.textContent('h1')).toBe('Served by @bouncer/raw');
  });

  it("carries the policy's security headers", async () => {
    const { headers, scriptHeaders } = await visitPage();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-request-id']).toMatch(/\S/);
    // HSTS only ever goes on HTTPS answers (RFC 6797 §7.2); this connection is plain HTTP.
    expect(headers['strict-transport-security']).toBeUndefined();
    expect(scriptHeaders['x-content-type-options']).toBe('nosniff');
  });

  it("blocks the inline <script> (script-src 'self') and runs the same-origin /app.js", async () => {
    const { page, logs } = await visitPage();
    expect(await page.textContent('#inline')).toBe('inline script blocked by CSP');
    expect(await page.textContent('#external')).toBe('external same-origin script ran');
    expect(logs.join('\n')).toContain(
      "Executing inline script violates the following Content Security Policy directive 'script-src 'self''",
    );
  });

  it('is captured in a screenshot', async () => {
    const { page } = await visitPage();
    mkdirSync(SCREENSHOTS, { recursive: true });
    const png = await page.screenshot({ path: join(SCREENSHOTS, 'raw-page.png'), fullPage: true });
    // A PNG starts with its 8-byte signature (RFC 2083 §3.1).
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});
