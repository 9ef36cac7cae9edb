// Per-request cost of the core chain alone, no network: ns and allocated bytes per request for
// the empty chain, the full policy, and the policy with JWT, each run through `runChain` over a
// minimal in-memory Host. Run with `--expose-gc` (the scripts do) for allocation figures.
//   node --expose-gc --max-semi-space-size=64 --conditions=@bouncer/source --import tsx bench/micro.ts [--quick] [--json]
import { type Chain, compose } from '@bouncer/core';
import { runChain } from '@bouncer/core/adapter';
import { app, MemoryHost } from './lib/memory-host';
import { PRICES_JSON } from './servers/_app';
import { benchPolicy } from './servers/_policy';
import { ORIGIN, signBenchToken } from './servers/_settings';

export interface MicroCase {
  name: string;
  nsPerRequest: number;
  /** Median over batches of heap growth per request between two full GCs; undefined without `--expose-gc`. */
  bytesPerRequest?: number;
  iterations: number;
}

export interface MicroResult {
  cases: MicroCase[];
  gcExposed: boolean;
}

const gc = (globalThis as { gc?: () => void }).gc;

function requestHeaders(token: string | undefined): Map<string, string> {
  const h = new Map([
    ['host', '127.0.0.1:8080'],
    ['user-agent', 'bench/1'],
    ['accept', '*/*'],
    ['origin', ORIGIN],
  ]);
  if (token) h.set('authorization', `Bearer ${token}`);
  return h;
}

async function once(chain: Chain<any>, headers: Map<string, string>): Promise<void> {
  const host = new MemoryHost('GET', '/prices', '127.0.0.1', headers);
  const ctx = await runChain(chain, host, {}, app(host, PRICES_JSON));
  host.finish(PRICES_JSON.length);
  if (ctx.response || host.errors.length > 0) {
    throw new Error(`micro: the chain answered ${ctx.res.status} instead of passing the request on`, {
      cause: host.errors[0],
    });
  }
}

async function measure(
  name: string,
  chain: Chain<any>,
  headers: Map<string, string>,
  iterations: number,
): Promise<MicroCase> {
  for (let i = 0; i < Math.min(iterations, 20_000); i++) await once(chain, headers);
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await once(chain, headers);
  const nsPerRequest = Number(process.hrtime.bigint() - start) / iterations;

  let bytesPerRequest: number | undefined;
  if (gc) {
    // Between two full collections the heap only grows by what the batch allocated, unless a
    // scavenge ran inside it (then the delta shrinks or goes negative): those batches are dropped.
    const batch = 1000;
    const deltas: number[] = [];
    for (let b = 0; b < 40 && deltas.length < 15; b++) {
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < batch; i++) await once(chain, headers);
      const after = process.memoryUsage().heapUsed;
      if (after > before) deltas.push((after - before) / batch);
    }
    deltas.sort((a, b) => a - b);
    bytesPerRequest = deltas.length > 0 ? deltas[deltas.length >> 1] : undefined;
  }
  return { name, nsPerRequest, bytesPerRequest, iterations };
}

export async function runMicro(quick: boolean): Promise<MicroResult> {
  const iterations = quick ? 30_000 : 200_000;
  const token = await signBenchToken();
  const withJwt = benchPolicy({ jwt: true });
  const cases = [
    await measure('empty chain', compose([]), requestHeaders(undefined), iterations),
    await measure('full policy, no JWT', benchPolicy({ jwt: false }), requestHeaders(undefined), iterations),
    await measure('full policy + JWT (one repeated token)', withJwt, requestHeaders(token), iterations),
  ];
  // Each layer alone (a fresh instance of the same policy, so no state is shared with the above),
  // to show where the policy's cost goes.
  const layers = benchPolicy({ jwt: true }).middleware;
  for (const layer of layers) {
    cases.push(
      await measure(
        `  layer: ${layer.name || 'anonymous'}`,
        compose([layer]),
        requestHeaders(token),
        Math.ceil(iterations / 2),
      ),
    );
  }
  return { cases, gcExposed: gc !== undefined };
}

export function microTable(result: MicroResult): string {
  const rows = result.cases.map(
    (c) =>
      `| ${c.name} | ${Math.round(c.nsPerRequest).toLocaleString('en')} | ${c.bytesPerRequest === undefined ? 'n/a' : Math.round(c.bytesPerRequest).toLocaleString('en')} | ${c.iterations.toLocaleString('en')} |`,
  );
  return [
    '| chain | ns/request | bytes allocated/request | iterations |',
    '|---|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runMicro(process.argv.includes('--quick'));
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else {
    if (!result.gcExposed) console.warn('micro: run with --expose-gc for allocation figures');
    console.log(microTable(result));
  }
}
