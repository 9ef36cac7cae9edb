// The conformance app as each runtime serves it: the chain is built in the runtime itself, and
// `GET /__probe` (registered before the chain, so the chain never sees it) reports what the app
// and the chain recorded, for the runner in Node to assert on.

import {
  type AppProbe,
  type ChainBuilder,
  coreChain,
  type FinishRecord,
  honoConformanceApp,
  operatorsChain,
  policyChain,
  routesChain,
} from '@bouncer/conformance/hono';

const CHAINS: Record<string, ChainBuilder> = {
  core: coreChain,
  policy: policyChain,
  routes: routesChain,
  operators: operatorsChain,
};

export function runtimeApp(chainId: string | undefined) {
  const builder = chainId === undefined ? undefined : CHAINS[chainId];
  if (!builder) throw new Error(`unknown conformance chain ${JSON.stringify(chainId)}`);
  const probe: AppProbe = { hits: new Map(), reported: [] };
  const finishes: FinishRecord[] = [];
  return honoConformanceApp(builder.build(finishes), probe, {}, (app) => {
    app.get('/__probe', (c) =>
      c.json({ hits: [...probe.hits], reported: probe.reported.map((e) => String(e)), finishes }),
    );
  });
}
