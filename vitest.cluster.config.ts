import { defineConfig } from 'vitest/config';

// `pnpm test:cluster`: the rate limit on a real Redis Cluster (test/cluster/), started on loopback
// ports by the test itself. Kept out of the default run for its length; see the README.
export default defineConfig({
  resolve: { conditions: ['@bouncer/source'] },
  ssr: { resolve: { conditions: ['@bouncer/source'] } },
  test: {
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
