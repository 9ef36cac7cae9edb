// @bouncer/conformance/hono: the Hono conformance app and the chains the cases run, without the
// Node-only adapters, so that a bundle for Bun, Deno or workerd can serve the same cases.
export { honoConformanceApp } from './adapters/hono-app';
export { operatorsChain } from './cases/operators';
export { coreChain, policyChain, routesChain } from './chains';
export type { AppProbe, ChainBuilder, FinishRecord } from './types';
