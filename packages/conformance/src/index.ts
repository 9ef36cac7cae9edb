export type * from './types';
export { runConformance, formatMatrix, type CaseResult, type ConformanceReport } from './run';
export { request } from './client';
export { coreCases } from './cases/core';
export { policyCases, POLICY_HEADERS } from './cases/policies';
export { coreChain, policyChain } from './chains';
export { expressApp } from './adapters/express';
export { koaApp } from './adapters/koa';
export { honoApp } from './adapters/hono';
export { rawApp } from './adapters/raw';
export { CaseFailure, equal, deepEqual, ok, pick, eventually } from './assert';

import { expressApp } from './adapters/express';
import { honoApp } from './adapters/hono';
import { koaApp } from './adapters/koa';
import { rawApp } from './adapters/raw';
import { coreCases } from './cases/core';
import { policyCases } from './cases/policies';

/** The four adapters Bouncer ships. */
export const builtinApps = [expressApp, koaApp, honoApp, rawApp];
/** Every case of the kit. */
export const allCases = [...coreCases, ...policyCases];
