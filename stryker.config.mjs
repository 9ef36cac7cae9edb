// Mutation testing, core half: `pnpm mutation` runs this and stryker.hosts.config.mjs (see
// scripts/mutation.mjs). StrykerJS plants small faults (mutants) in the sources below, one at a
// time, and runs the tests that cover each one; a mutant no test notices "survives". Incremental:
// results are kept in reports/mutation/ and only mutants whose code or tests changed are re-run.
// Not part of `pnpm test`. The score is quoted in the root README ("Mutation testing").

// pnpm's strict node_modules hides sibling packages from @stryker-mutator/core's plugin scan, so the
// runner is named by its resolved path.
const vitestRunner = import.meta.resolve('@stryker-mutator/vitest-runner');

/** Settings both halves share. */
export const base = {
  testRunner: 'vitest',
  plugins: [vitestRunner],
  // Per-test coverage: each mutant runs only the tests that execute it.
  coverageAnalysis: 'perTest',
  // The shared 2-core machine: at most two test-runner workers.
  concurrency: 2,
  incremental: true,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  // Generous: a timed-out mutant counts as killed, but restarting a worker costs far more than
  // waiting on a machine shared with other jobs.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  cleanTempDir: 'always',
  ignorePatterns: ['reports', 'bench/results', 'coverage', 'dist'],
};

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'packages/core/src/**/*.ts',
    '!**/*.test.ts',
    // Test helpers, not shipped behaviour.
    '!packages/core/src/_testing.ts',
    // The route audit runs against real hosts: it is the hosts half's.
    '!packages/core/src/audit/**',
  ],
  tempDirName: '.stryker-tmp/core',
  incrementalFile: 'reports/mutation/core/stryker-incremental.json',
  htmlReporter: { fileName: 'reports/mutation/core/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/core/mutation.json' },
};
