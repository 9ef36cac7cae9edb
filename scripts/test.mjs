// The one test command (README, CI): lint, type-check, unit + integration tests, conformance.
// Each suite's counts are summed into the closing line `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSystemTools } from './system-tools.mjs';

const bin = (name) => join('node_modules', '.bin', name);
const totals = { passed: 0, failed: 0 };
const rows = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${[cmd, ...args].join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function record(label, passed, failed) {
  totals.passed += passed;
  totals.failed += failed;
  rows.push(`${label.padEnd(12)} ${passed} passed, ${failed} failed`);
}

ensureSystemTools({ chromium: true });

const lint = run('lint', bin('biome'), ['check', '.']);
record('lint', lint === 0 ? 1 : 0, lint === 0 ? 0 : 1);

const types = run('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
record('typecheck', types === 0 ? 1 : 0, types === 0 ? 0 : 1);

const out = join(mkdtempSync(join(tmpdir(), 'bouncer-test-')), 'vitest.json');
const vitest = run('vitest', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
]);
if (existsSync(out)) {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  // A suite that failed to load has no tests: count it as a failure so it cannot pass silently.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  ).length;
  record('vitest', report.numPassedTests, report.numFailedTests + brokenFiles);
} else {
  record('vitest', 0, 1);
}
if (vitest !== 0 && totals.failed === 0) record('vitest-exit', 0, 1);

const confOut = join(mkdtempSync(join(tmpdir(), 'bouncer-conf-')), 'conformance.json');
const conformance = spawnSync(
  process.execPath,
  ['--conditions=@bouncer/source', '--import', 'tsx', 'packages/conformance/src/cli.ts'],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BOUNCER_CONFORMANCE_JSON: confOut } },
);
if (existsSync(confOut)) {
  const report = JSON.parse(readFileSync(confOut, 'utf8'));
  record('conformance', report.passed, report.failed);
} else {
  record('conformance', 0, 1);
}
if (conformance.status !== 0 && !existsSync(confOut)) console.error('conformance did not run');

console.log(`\n${rows.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
