// What a real browser makes of the bouncer's CORS, rejection and framing headers, on each stack:
// pages on an allowed origin (A) and a foreign one (B) call and frame the API from their own script.
import type { ConsoleMessage, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useChromium } from './_chromium';
import { type RunningServer, servePages } from './_page-server';
import { browserPolicy, mintToken, RATE_LIMIT } from './_policy';
import { fetchFromPage, frameFromPage, SITE_HTML } from './_site-page';
import { EMBED_MARKER, PUBLIC_PATHS, STACKS } from './_stacks';

const browser = useChromium();
let siteA: RunningServer;
let siteB: RunningServer;

beforeAll(async () => {
  [siteA, siteB] = await Promise.all([servePages({ '/': SITE_HTML }), servePages({ '/': SITE_HTML })]);
});

afterAll(async () => {
  await Promise.all([siteA?.close(), siteB?.close()]);
});

describe.each(STACKS)('$name API seen from Chromium', (stack) => {
  let api: RunningServer;
  const reported: unknown[] = [];
  let page: Page;
  let logs: string[];

  beforeAll(async () => {
    api = await stack.start(browserPolicy(siteA.origin, PUBLIC_PATHS), (error) => reported.push(error));
  });

  afterAll(async () => {
    await api?.close();
    // Every answer in this suite is a deliberate one: nothing may have reached the error channel.
    expect(reported).toEqual([]);
  });

  beforeEach(() => {
    logs = [];
  });

  afterEach(async () => {
    await page?.close();
  });

  async function openSite(site: RunningServer): Promise<Page> {
    page = await browser().context.newPage();
    page.on('console', (m: ConsoleMessage) => logs.push(m.text()));
    await page.goto(`${site.origin}/`);
    return page;
  }

  it('lets a page on the allowed origin read a credentialed, authorised answer', async () => {
    await openSite(siteA);
    const r = await fetchFromPage(page, `${api.origin}/me`, await mintToken('alice'));
    expect(r).toMatchObject({ ok: true, status: 200 });
    if (!r.ok) return;
    expect(JSON.parse(r.body)).toEqual({ sub: 'alice' });
    expect(r.headers.ratelimit).toMatch(/^"default";r=2;t=\d+$/);
    // Not in Access-Control-Expose-Headers: the browser keeps it from script.
    expect(r.headers['x-request-id']).toBeUndefined();
  });

  it('blocks the same call from a page on a foreign origin: fetch rejects inside the page', async () => {
    await openSite(siteB);
    const r = await fetchFromPage(page, `${api.origin}/me`, await mintToken('mallory'));
    expect(r).toMatchObject({ ok: false, name: 'TypeError' });
    expect(logs.join('\n')).toMatch(/blocked by CORS policy/);
  });

  it('lets the allowed page read a 401 problem+json, since CORS headers are on rejections too', async () => {
    await openSite(siteA);
    const r = await fetchFromPage(page, `${api.origin}/me`, 'not-a-jwt');
    expect(r).toMatchObject({ ok: true, status: 401 });
    if (!r.ok) return;
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(r.body)).toMatchObject({ type: 'about:blank', title: 'Unauthorized', status: 401 });
  });

  it('lets the allowed page read a 429 with its exposed Retry-After and problem+json body', async () => {
    await openSite(siteA);
    const token = await mintToken('greedy');
    const statuses: number[] = [];
    let last = await fetchFromPage(page, `${api.origin}/me`, token);
    for (let i = 0; i < RATE_LIMIT && last.ok; i++) {
      statuses.push(last.status);
      last = await fetchFromPage(page, `${api.origin}/me`, token);
    }
    expect(statuses).toEqual(Array(RATE_LIMIT).fill(200));
    expect(last).toMatchObject({ ok: true, status: 429 });
    if (!last.ok) return;
    const retryAfter = Number(last.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(last.headers.ratelimit).toBe(`"default";r=0;t=${retryAfter}`);
    expect(last.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(last.body)).toMatchObject({ title: 'Too Many Requests', status: 429 });
  });

  it('refuses to show the API inside a frame on another origin (X-Frame-Options / frame-ancestors)', async () => {
    await openSite(siteA);
    // Control: the same page frames an unprotected document from another origin just fine.
    const control = await frameFromPage(page, `${siteB.origin}/`);
    expect(await control.title()).toBe('site');

    await page.reload();
    const answer = page.waitForResponse(`${api.origin}/embed`);
    const frame = await frameFromPage(page, `${api.origin}/embed`);
    // The API did answer; it is the browser that refuses to show the answer in the frame.
    const headers = (await answer).headers();
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'self'");
    // Chromium swaps a refused frame's document for its own error page; the URL may be
    // reported a moment after the frame's load event.
    await expect.poll(() => frame.url()).toMatch(/^chrome-error:/);
    expect(await frame.content()).not.toContain(EMBED_MARKER);
    // CSP `frame-ancestors` takes precedence over X-Frame-Options where both are sent
    // (CSP Level 3, frame-ancestors, "Relation to X-Frame-Options"), so that is the directive Chromium names.
    expect(logs.join('\n')).toContain(
      `Framing '${api.origin}/' violates the following Content Security Policy directive: "frame-ancestors 'self'"`,
    );
  });
});
