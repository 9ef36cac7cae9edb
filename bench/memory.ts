// Memory under an address flood: a million distinct client addresses go through the rate
// limiter in process (`ctx.req.ip` from the host's peer address, no network). The memory store
// must hold at most `maxKeys` keys, so RSS plateaus instead of growing with the flood.
//   node --expose-gc --conditions=@bouncer/source --import tsx bench/memory.ts [--quick] [--json]
import { compose, MemoryStore, rateLimit } from '@bouncer/core';
import { runChain } from '@bouncer/core/adapter';
import { app, MemoryHost } from './lib/memory-host';

export interface MemoryResult {
  addresses: number;
  maxKeys: number;
  storeKeys: number;
  /** Megabytes (2^20 bytes), after a full GC where `--expose-gc` allows. */
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  /** RSS after a GC once `maxKeys` addresses were seen (the store just full). */
  rssFullMiB: number;
  /**
   * Allowed growth of the live heap (after a full GC) over the whole flood: `maxKeys` × 256 B.
   * A bounded store holds ~180 B per key; an unbounded one would hold that for every address.
   * RSS is reported but not judged: V8 keeps the pages the flood's garbage needed (the peak)
   * instead of returning them, so RSS shows the allocation rate more than what is retained.
   */
  heapBudgetMiB: number;
  pass: boolean;
}

const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;
const headers = new Map([['host', '127.0.0.1']]);

/** The i-th distinct IPv4 address in 10.0.0.0/8 (2^24 of them). */
export function addressOf(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

export async function runMemory(addresses: number, maxKeys: number): Promise<MemoryResult> {
  const store = new MemoryStore({ maxKeys });
  const chain = compose([rateLimit({ limit: 100, windowMs: 60_000, store })]);
  gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  let full = before.rss;
  for (let i = 0; i < addresses; i++) {
    if (i === maxKeys) {
      gc?.();
      full = process.memoryUsage().rss;
    }
    const host = new MemoryHost('GET', '/prices', addressOf(i), headers);
    const ctx = await runChain(chain, host, {}, app(host, '[]'));
    if (ctx.response)
      throw new Error(`memory: address ${addressOf(i)} was refused (${ctx.res.status}) on its first request`);
    if (i % 50_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  gc?.();
  const after = process.memoryUsage();
  peak = Math.max(peak, after.rss);
  const budget = (maxKeys * 256) / MiB;
  const round = (n: number) => Math.round((n / MiB) * 10) / 10;
  return {
    addresses,
    maxKeys,
    storeKeys: store.size,
    rssBeforeMiB: round(before.rss),
    rssPeakMiB: round(peak),
    rssAfterMiB: round(after.rss),
    rssFullMiB: round(full),
    heapBeforeMiB: round(before.heapUsed),
    heapAfterMiB: round(after.heapUsed),
    heapBudgetMiB: Math.round(budget),
    pass: store.size <= maxKeys && addresses > maxKeys && (after.heapUsed - before.heapUsed) / MiB <= budget,
  };
}

export function memoryLines(r: MemoryResult): string[] {
  return [
    `${r.addresses.toLocaleString('en')} distinct addresses through rateLimit (MemoryStore maxKeys ${r.maxKeys.toLocaleString('en')})`,
    `store keys after: ${r.storeKeys.toLocaleString('en')}`,
    `RSS before ${r.rssBeforeMiB} MiB, once the store is full ${r.rssFullMiB} MiB, peak ${r.rssPeakMiB} MiB, after ${r.rssAfterMiB} MiB`,
    `live heap (after GC) before ${r.heapBeforeMiB} MiB, after ${r.heapAfterMiB} MiB (budget +${r.heapBudgetMiB} MiB)`,
    `${r.pass ? 'PASS' : 'MISS'}  rate-limit store stays within maxKeys and the live heap within budget`,
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const result = await runMemory(quick ? 300_000 : 1_000_000, 100_000);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
  else console.log(memoryLines(result).join('\n'));
}
