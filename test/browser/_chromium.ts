// Debian's Chromium, driven by playwright-core. Nothing here may download a browser: playwright
// is given the system binary, and a missing binary is a failure, never a skipped suite.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';

const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

export interface Chromium {
  /** A browser context over a profile no other test file shares. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Chromium on a fresh user-data-dir. Throws, with the command that fixes it, when the
 * binary is missing (`scripts/system-tools.mjs` installs it before `pnpm test` when run as root).
 */
async function launchChromium(extraArgs: readonly string[] = []): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `browser tests need Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(the browser suite fails rather than skips without it)',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'bouncer-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: [...ARGS, ...extraArgs],
    headless: true,
    viewport: { width: 800, height: 500 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * One Chromium for the calling test file, started in `beforeAll` and closed in `afterAll`.
 * A launch failure is rethrown from `beforeEach`, so every test of the file is reported as
 * failed with the reason (a throwing `beforeAll` would only mark them skipped).
 */
export function useChromium(extraArgs: () => readonly string[] = () => []): () => Chromium {
  let browser: Chromium | undefined;
  let failure: unknown;
  beforeAll(async () => {
    try {
      browser = await launchChromium(extraArgs());
    } catch (error) {
      failure = error;
    }
  });
  beforeEach(() => {
    if (failure !== undefined) throw failure;
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (browser === undefined) throw failure ?? new Error('Chromium is used before beforeAll ran');
    return browser;
  };
}
