export { expressApp } from './adapters/express';
export { honoApp } from './adapters/hono';
export { koaApp } from './adapters/koa';
export { rawApp } from './adapters/raw';
export { CaseFailure, deepEqual, equal, eventually, ok, pick } from './assert';
export { CASE_SECRET, token } from './cases/_tokens';
export { coreCases } from './cases/core';
export { inboundCases } from './cases/inbound';
export { operatorCases } from './cases/operators';
export { POLICY_HEADERS, policyCases } from './cases/policies';
export { routeCases } from './cases/routes';
export { wireCases } from './cases/wire';
export { coreChain, policyChain, routesChain } from './chains';
export { type RawResult, rawRequest, request } from './client';
export { type CaseResult, type ConformanceReport, formatMatrix, runConformance } from './run';
export type * from './types';

import { expressApp } from './adapters/express';
import { honoApp } from './adapters/hono';
import { koaApp } from './adapters/koa';
import { rawApp } from './adapters/raw';
import { coreCases } from './cases/core';
import { inboundCases } from './cases/inbound';
import { operatorCases } from './cases/operators';
import { policyCases } from './cases/policies';
import { routeCases } from './cases/routes';
import { wireCases } from './cases/wire';

/** The four adapters Bouncer ships. */
export const builtinApps = [expressApp, koaApp, honoApp, rawApp];
/** Every case of the kit. */
export const allCases = [
  ...coreCases,
  ...policyCases,
  ...inboundCases,
  ...routeCases,
  ...operatorCases,
  ...wireCases,
];
