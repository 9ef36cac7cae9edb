import { allCases, builtinApps, formatMatrix, runConformance } from './index';

// `pnpm conformance [adapter…]`: the matrix of cases × adapters, then `N passed, N failed`.
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const apps = only.length ? builtinApps.filter((a) => only.includes(a.name)) : builtinApps;
const json = process.argv.includes('--json');
const report = await runConformance(apps, allCases);
if (json) {
  process.stdout.write(
    `${JSON.stringify({ passed: report.passed, failed: report.failed, results: report.results.map(({ comparable: _, ...r }) => r) }, null, 2)}\n`,
  );
} else {
  console.log(formatMatrix(report, process.stdout.isTTY === true));
  console.log(`\nconformance: ${report.passed} passed, ${report.failed} failed`);
}
if (process.env.BOUNCER_CONFORMANCE_JSON) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    process.env.BOUNCER_CONFORMANCE_JSON,
    JSON.stringify({ passed: report.passed, failed: report.failed }),
  );
}
process.exitCode = report.failed > 0 ? 1 : 0;
