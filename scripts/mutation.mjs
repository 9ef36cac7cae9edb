// `pnpm mutation [stryker options]`: both halves of mutation testing, one after the other (core
// with core's own tests, then the Node glue, the Hono host and the route audit with the adapter
// suites), incrementally. Extra arguments go to both runs, e.g. `--force` for a full re-run or
// `--concurrency 1`. Reports: reports/mutation/{core,hosts}/mutation.html.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const stryker = join('node_modules', '.bin', 'stryker');
let failed = false;
for (const config of ['stryker.config.mjs', 'stryker.hosts.config.mjs']) {
  console.log(`\n▶ mutation: stryker run ${config}`);
  const r = spawnSync(stryker, ['run', config, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
