import { defineConfig } from 'vitest/config';

// The vitest run that the core half of mutation testing (stryker.config.mjs) drives: core's own
// in-process tests and nothing else, so a core mutant counts as killed only when core's tests
// notice it (the adapters' socket suites would hide weak unit tests, and cost seconds per mutant).
// The default `vitest.config.ts` is untouched and still runs everything.
export default defineConfig({
  test: {
    include: ['packages/core/src/**/*.test.ts', 'packages/core/test/**/*.test.ts'],
    // A test file that fails to load is a failed test (test/mutation/load-failures.ts).
    reporters: ['default', './test/mutation/load-failures.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
