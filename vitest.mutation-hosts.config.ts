import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The vitest run that the hosts half of mutation testing (stryker.hosts.config.mjs) drives: the
// adapter and example suites, which exercise node-http, the Hono host and the route audit over real
// sockets. The browser, benchmark, multi-process integration and raw-server wire suites cover none
// of them and would only make every mutant slower. The default `vitest.config.ts` still runs all.
//
// Stryker copies the workspace into a sandbox and mutates the copy, but pnpm's workspace links
// (`node_modules/@bouncer/*`) still point at the original packages; the aliases below make every
// `@bouncer/*` import load the sandbox's own (mutated) sources instead.
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const sources: Record<string, string> = {
  '@bouncer/core/adapter': here('./packages/core/src/adapter.ts'),
  '@bouncer/core/address': here('./packages/core/src/address.ts'),
  '@bouncer/core/audit': here('./packages/core/src/audit/index.ts'),
  '@bouncer/core': here('./packages/core/src/index.ts'),
  '@bouncer/node-http': here('./packages/node-http/src/index.ts'),
  '@bouncer/express/testing': here('./packages/adapter-express/src/testing.ts'),
  '@bouncer/express': here('./packages/adapter-express/src/index.ts'),
  '@bouncer/koa/testing': here('./packages/adapter-koa/src/testing.ts'),
  '@bouncer/koa': here('./packages/adapter-koa/src/index.ts'),
  '@bouncer/hono/testing': here('./packages/adapter-hono/src/testing.ts'),
  '@bouncer/hono': here('./packages/adapter-hono/src/index.ts'),
  '@bouncer/raw/testing': here('./packages/adapter-raw/src/testing.ts'),
  '@bouncer/raw': here('./packages/adapter-raw/src/index.ts'),
};

export default defineConfig({
  resolve: {
    conditions: ['@bouncer/source'],
    alias: Object.entries(sources).map(([name, path]) => ({
      find: new RegExp(`^${name.replace('/', '\\/')}$`),
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
    ],
    // The examples' policy logs every request unless ACCESS_LOG=0: their tests assert on answers,
    // and a passing run prints no access-log lines.
    env: { ACCESS_LOG: '0' },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
