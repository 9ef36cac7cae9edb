// Mutation testing, hosts half (see stryker.config.mjs): the Node glue, the Hono host and the
// route audit, killed by the adapter and example suites over real sockets.
import { base } from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  vitest: { configFile: 'vitest.mutation-hosts.config.ts', related: true },
  mutate: [
    'packages/node-http/src/**/*.ts',
    'packages/adapter-hono/src/hono-host.ts',
    'packages/core/src/audit/**/*.ts',
    '!**/*.test.ts',
    // Test helpers (a loopback server and a raw exchange), not shipped behaviour: like core's
    // `_testing.ts`, they are left out.
    '!packages/node-http/src/_raw.ts',
  ],
  tempDirName: '.stryker-tmp/hosts',
  incrementalFile: 'reports/mutation/hosts/stryker-incremental.json',
  htmlReporter: { fileName: 'reports/mutation/hosts/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/hosts/mutation.json' },
};
