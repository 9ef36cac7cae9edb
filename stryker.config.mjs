// Mutation testing: `pnpm mutation` (StrykerJS with its vitest runner). Not part of `pnpm test`.
// It plants small faults (mutants) in the sources below, one at a time, and runs the tests that
// cover each one; a mutant the tests do not notice "survives". `--incremental` (always on here)
// keeps the previous results in reports/mutation/ and re-tests only mutants whose code or tests
// changed. See the "Mutation testing" section of the root README for the score.
// pnpm's strict node_modules hides sibling packages from @stryker-mutator/core's plugin scan, so the
// runner is named by its resolved path.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: [import.meta.resolve('@stryker-mutator/vitest-runner')],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  // Per-test coverage: each mutant runs only the tests that execute it.
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/core/src/**/*.ts',
    'packages/node-http/src/**/*.ts',
    'packages/adapter-hono/src/hono-host.ts',
    '!**/*.test.ts',
    // Test helpers, not shipped behaviour.
    '!packages/core/src/_testing.ts',
    '!packages/core/src/audit/_test-chain.ts',
  ],
  // The shared 2-core machine: at most two test-runner workers.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  // Generous: a timed-out mutant counts as killed, but restarting a worker costs far more than waiting
  // on a machine shared with other jobs.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  ignorePatterns: ['reports', 'bench/results', 'coverage', 'dist'],
};
