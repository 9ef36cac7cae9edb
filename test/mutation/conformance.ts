// The conformance matrix as vitest tests, for the hosts half of mutation testing only
// (vitest.mutation-hosts.config.ts): one test per case and adapter, so that StrykerJS's per-test
// coverage runs only the cases that reach a mutant. `pnpm test` runs the same matrix through the
// conformance CLI, which also checks that the adapters agree with each other.

import type { AppProbe } from '@bouncer/conformance';
import {
  allCases,
  builtinApps,
  type ConformanceCase,
  type FinishRecord,
  type RunningApp,
  request,
} from '@bouncer/conformance';
import { afterAll, beforeAll, describe, it } from 'vitest';

const byChain = new Map<string, ConformanceCase[]>();
for (const c of allCases) byChain.set(c.chain.id, [...(byChain.get(c.chain.id) ?? []), c]);

for (const adapter of builtinApps) {
  describe(adapter.name, () => {
    for (const [chainId, cases] of byChain) {
      describe(chainId, () => {
        const probe: AppProbe = { hits: new Map(), reported: [] };
        const finishes: FinishRecord[] = [];
        let app: RunningApp;
        beforeAll(async () => {
          app = adapter.startBuilder
            ? await adapter.startBuilder(cases[0].chain, probe, finishes)
            : await adapter.start(cases[0].chain.build(finishes), probe);
        });
        afterAll(() => app?.close());
        for (const c of cases) {
          it(`[${c.group}] ${c.name}`, async () => {
            await c.run({
              url: app.url,
              probe,
              finishes,
              request: async (method, path, init) => {
                const result = await request(app.url, method, path, init);
                await app.sync?.();
                return result;
              },
            });
          });
        }
      });
    }
  });
}
