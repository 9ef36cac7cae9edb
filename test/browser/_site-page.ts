// The page a web site (origin A or B) serves to call the API from inside the browser. Whatever the
// page reports is what the page's own script could see: the browser, not the test, applies CORS.
import type { Frame, Page } from 'playwright-core';

/** What page script got back from `fetch()`: the readable part of the answer, or the rejection. */
export type PageFetch =
  | { ok: true; status: number; headers: Record<string, string>; body: string }
  | { ok: false; name: string; message: string };

export const SITE_HTML = `<!doctype html>
<meta charset="utf-8">
<title>site</title>
<p>A site calling the API.</p>
<script>
  // Response headers iterate as the browser lets script see them: CORS-safelisted ones plus
  // those in Access-Control-Expose-Headers (Fetch standard, "CORS-unsafe response header").
  window.callApi = async (url, token) => {
    try {
      const headers = token ? { Authorization: 'Bearer ' + token } : {};
      const r = await fetch(url, { credentials: 'include', headers });
      return { ok: true, status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
    } catch (e) {
      return { ok: false, name: e.name, message: e.message };
    }
  };
  // Resolves on the frame's load event, which fires for a refused frame's error page too.
  window.frameUrl = (src) => new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.onload = () => resolve();
    frame.src = src;
    document.body.append(frame);
  });
</script>`;

/** Runs `fetch(url, { credentials: 'include' })` with a bearer token in the page's own script. */
export function fetchFromPage(page: Page, url: string, token?: string): Promise<PageFetch> {
  return page.evaluate(
    ([u, t]) => (window as unknown as { callApi(u: string, t?: string): Promise<PageFetch> }).callApi(u, t),
    [url, token] as const,
  );
}

/** Adds `<iframe src=url>` to the page and returns its frame once it has loaded (or failed to). */
export async function frameFromPage(page: Page, url: string): Promise<Frame> {
  await page.evaluate((u) => (window as unknown as { frameUrl(u: string): Promise<void> }).frameUrl(u), url);
  const child = page.mainFrame().childFrames();
  if (child.length !== 1) throw new Error(`expected one child frame, found ${child.length}`);
  return child[0];
}
