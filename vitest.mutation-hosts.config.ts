import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The vitest run that the hosts half of mutation testing (stryker.hosts.config.mjs) drives: the
// adapter and example suites, the conformance matrix (test/mutation/conformance.ts, one test per
// case and adapter) and the single-process integration suites, which exercise node-http, the Hono
// host and the route audit over real sockets. The browser, benchmark, Redis, multi-process and
// raw-server wire suites cover none of them and would only make every mutant slower. The default
// `vitest.config.ts` still runs all.
//
// Stryker copies the workspace into a sandbox and mutates the copy, but pnpm's workspace links
// (`node_modules/@bouncer/*`) still point at the original packages; the aliases below make every
// `@bouncer/*` import (every entry point a package exports) load the sandbox's own, mutated sources.
const root = fileURLToPath(new URL('.', import.meta.url));

/** Every `@bouncer/*` entry point (each package's `exports` with a `@bouncer/source` path), by name. */
function sandboxSources(): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = join(root, 'packages', dir, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, exports = {} } = JSON.parse(readFileSync(manifest, 'utf8'));
    for (const [subpath, target] of Object.entries<Record<string, unknown>>(exports)) {
      const source = typeof target === 'object' ? target['@bouncer/source'] : undefined;
      if (typeof source === 'string') sources[name + subpath.slice(1)] = join(root, 'packages', dir, source);
    }
  }
  return sources;
}

export default defineConfig({
  resolve: {
    conditions: ['@bouncer/source'],
    alias: Object.entries(sandboxSources()).map(([name, path]) => ({
      find: new RegExp(`^${name.replaceAll('/', '\\/')}$`),
      replacement: path,
    })),
  },
  ssr: { resolve: { conditions: ['@bouncer/source'] } },
  test: {
    include: [
      'packages/core/src/audit/**/*.test.ts',
      'packages/node-http/src/**/*.test.ts',
      'packages/adapter-express/src/**/*.test.ts',
      'packages/adapter-koa/src/**/*.test.ts',
      'packages/adapter-hono/src/**/*.test.ts',
      'examples/*/app.test.ts',
      'test/mutation/conformance.ts',
      'test/integration/{adapter-options,hostile-targets,upgrade-guard}.test.ts',
    ],
    // The examples' policy logs every request unless ACCESS_LOG=0: their tests assert on answers,
    // and a passing run prints no access-log lines.
    env: { ACCESS_LOG: '0' },
    reporters: ['default', './test/mutation/load-failures.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
