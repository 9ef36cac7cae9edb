// `pnpm bench`: every server in its own process, wrk in another, interleaved rounds, medians,
// then latest.json / latest.md / ratios.svg in bench/results/. See bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startCluster, type TestCluster } from '../scripts/redis-cluster';
// @ts-expect-error: a plain .mjs helper shared with the test scripts, without type declarations.
import { ensureSystemTools, which } from '../scripts/system-tools.mjs';
import { parseArgs } from './lib/args';
import { cpuSeconds } from './lib/cpu-time';
import { machine } from './lib/machine';
import { probe } from './lib/probe';
import { killChildrenOnExit, type RunningServer, runCommand, startServer, track } from './lib/processes';
import { ceilingLine, type Results, throughputTable, toMarkdown } from './lib/report';
import { ceiling, type Measurement, microPolicyNs, summarise, targetLine, targets } from './lib/results';
import { roundOrder } from './lib/stats';
import { ratioChart } from './lib/svg';
import { selectVariants, type Variant } from './lib/variants';
import { runWrk } from './lib/wrk';
import { PRICES_JSON } from './servers/_app';
import { ORIGIN, signBenchToken } from './servers/_settings';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
// A --quick smoke run says little about speed: it never replaces the committed results.
const QUICK_RESULTS = fileURLToPath(new URL('./results/quick/', import.meta.url));
const BENCH = fileURLToPath(new URL('./', import.meta.url));

/** Runs micro.ts or memory.ts in a fresh process (own heap, `--expose-gc`) and reads its JSON line. */
async function inProcessBench<T>(
  script: string,
  quick: boolean,
  flags: string[],
): Promise<T | { error: string }> {
  const args = [...flags, '--expose-gc', '--import', 'tsx', BENCH + script, '--json'];
  if (quick) args.push('--quick');
  const { code, stdout, stderr } = await runCommand(process.execPath, args);
  if (code !== 0)
    return { error: `${script} exited with ${code}: ${stderr.trim().split('\n').slice(0, 5).join(' ')}` };
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  killChildrenOnExit();
  const variants = selectVariants(args.only);

  // Measure what users run: the packages as tsup builds them (JavaScript only, no .d.ts).
  console.log('bench: building the packages (tsup, no declarations)…');
  const build = await runCommand('npx', ['-y', 'pnpm@10.34.8', '-r', '--filter', './packages/**', 'build'], {
    env: { ...process.env, BOUNCER_NO_DTS: '1' },
  });
  if (build.code !== 0) throw new Error(`bench: the build failed:\n${build.stderr.slice(-2000)}`);
  process.env.BOUNCER_BENCH_BUILT = '1';

  const hadWrk = which('wrk') !== null;
  if (!hadWrk) console.log('bench: wrk not found, installing it with apt-get');
  if (!ensureSystemTools({ wrk: true }))
    throw new Error('wrk is required (apt-get install wrk) and could not be installed');
  const wrk = which('wrk') as string;
  if (!hadWrk) console.log(`bench: installed wrk at ${wrk}`);

  const results: Results = {
    date: new Date().toISOString(),
    machine: machine(),
    config: { ...args, wrk, rounds: args.rounds, seconds: args.seconds, warmupSeconds: args.warmupSeconds },
    variants: [],
    ceiling: {},
    targets: [],
  };
  const m = results.machine;
  console.log(`bench: ${m.cpu}, ${m.cores} cores, Node ${m.node}${args.quick ? ' — --quick smoke run' : ''}`);

  if (args.micro) {
    console.log('bench: core chain micro-benchmark…');
    results.micro = await inProcessBench('micro.ts', args.quick, [
      '--min-semi-space-size=64',
      '--max-semi-space-size=64',
    ]);
  }
  if (args.memory) {
    console.log('bench: rate-limit memory under an address flood…');
    results.memory = await inProcessBench('memory.ts', args.quick, []);
  }

  const token = await signBenchToken();
  const headersOf = (v: Variant): Record<string, string> =>
    v.jwt ? { Origin: ORIGIN, Authorization: `Bearer ${token}` } : { Origin: ORIGIN };
  const problems = new Map<string, string[]>();
  const servers = new Map<string, RunningServer>();
  const measurements: Measurement[] = [];
  // The cluster-backed variants get a Redis Cluster of their own (6 nodes on loopback ports),
  // stopped by PID when the run ends, whatever happens.
  let cluster: TestCluster | undefined;
  if (variants.some((v) => v.kind === 'bouncer-cluster')) {
    console.log('bench: starting a Redis Cluster (3 masters, 3 replicas) on loopback…');
    cluster = await startCluster();
    for (const node of cluster.nodes) track(node.child); // killed with the harness on a signal too
    process.env.REDIS_CLUSTER = cluster.spec;
  }
  try {
    for (const v of variants) {
      try {
        const server = await startServer(v.script, v.args);
        servers.set(v.id, server);
        const url = `http://127.0.0.1:${server.port}/prices`;
        const issues = await probe(url, { variant: v, headers: headersOf(v), expectedBody: PRICES_JSON });
        if (issues.length > 0) {
          // Measured all the same (the numbers say what the variant does), but flagged and kept out of the targets.
          problems.set(v.id, issues);
          console.log(`bench: ${v.id} does not serve what it claims: ${issues.join('; ')}`);
        }
        await runWrk(wrk, {
          url,
          seconds: args.warmupSeconds,
          connections: args.connections,
          headers: header(headersOf(v)),
        });
        console.log(`bench: ${v.id} up on port ${server.port}, warmed up`);
      } catch (error) {
        problems.set(v.id, [`not measured: ${(error as Error).message.split('\n')[0]}`]);
        console.log(`bench: ${v.id} skipped — ${(error as Error).message}`);
      }
    }
    const live = variants.filter((v) => servers.has(v.id));
    for (let round = 0; round < args.rounds; round++) {
      for (const v of roundOrder(live, round)) {
        const server = servers.get(v.id)!;
        const url = `http://127.0.0.1:${server.port}/prices`;
        try {
          const cpuBefore = cpuSeconds(server.pid);
          const result = await runWrk(wrk, {
            url,
            seconds: args.seconds,
            connections: args.connections,
            headers: header(headersOf(v)),
          });
          const cpuAfter = cpuSeconds(server.pid);
          const serverCpuSeconds =
            cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
          measurements.push({ variant: v.id, round, result, serverCpuSeconds });
          console.log(
            `round ${round + 1}/${args.rounds}  ${v.id.padEnd(20)} ${Math.round(result.requestsPerSec).toLocaleString('en').padStart(8)} req/s  p99 ${result.p99Ms.toFixed(2)} ms`,
          );
        } catch (error) {
          problems.set(v.id, [
            ...(problems.get(v.id) ?? []),
            `round ${round + 1} failed: ${(error as Error).message.split('\n')[0]}`,
          ]);
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await cluster?.stop();
  }

  results.variants = summarise(variants, measurements, problems);
  results.ceiling = ceiling(results.variants);
  results.targets = targets(results.variants, microPolicyNs(results.micro));

  const dir = args.quick ? QUICK_RESULTS : RESULTS;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${dir}latest.md`, toMarkdown(results));
  const subtitle = `${results.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpu}, ${m.cores} cores · Node ${m.node} · ${args.rounds}×${args.seconds}s wrk -c${args.connections}${args.quick ? ' · --quick' : ''}`;
  writeFileSync(
    `${dir}ratios.svg`,
    ratioChart(results.variants, {
      title: 'Bouncer throughput as a multiple of bare and native stacks',
      subtitle,
    }),
  );

  console.log(`\n${throughputTable(results.variants)}\n\n${ceilingLine(results.ceiling)}\n`);
  for (const t of results.targets) console.log(targetLine(t));
  if (results.memory && !('error' in results.memory)) {
    console.log(
      `${results.memory.pass ? 'PASS' : 'MISS'}  rate-limit memory: ${results.memory.storeKeys} keys ≤ ${results.memory.maxKeys}, live heap ${results.memory.heapBeforeMiB} → ${results.memory.heapAfterMiB} MiB`,
    );
  }
  for (const [name, r] of [
    ['micro', results.micro],
    ['memory', results.memory],
  ] as const) {
    if (r && 'error' in r) console.log(`bench: ${name} failed: ${r.error}`);
  }
  console.log(`\nwritten: bench/results/${args.quick ? 'quick/' : ''}latest.json, latest.md, ratios.svg`);
}

function header(h: Record<string, string>): string[] {
  return Object.entries(h).map(([k, v]) => `${k}: ${v}`);
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).stack ?? error}`);
  process.exitCode = 1;
});
