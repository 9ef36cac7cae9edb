import { configDefaults, defineConfig } from 'vitest/config';

// Tests run from source: the `@bouncer/source` export condition points every workspace
// package at its `src/index.ts`, so nothing has to be built first.
export default defineConfig({
  resolve: { conditions: ['@bouncer/source'] },
  ssr: { resolve: { conditions: ['@bouncer/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'bench/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    // The Redis Cluster test starts its own cluster and twelve processes and takes minutes on a
    // busy machine: its own command, `pnpm test:cluster` (vitest.cluster.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**'],
    // The examples' policy logs every request unless ACCESS_LOG=0: their tests assert on answers,
    // and a passing run prints no access-log lines.
    env: { ACCESS_LOG: '0' },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
