import type { Middleware } from '../types';
import type { IsPublic } from './types';

export interface ChainDescription {
  /** The middleware in run order, by function name (`<anonymous>` when unnamed). */
  names: string[];
  /** The policy's own public-route test, when one of its middleware exposes `isPublic(method, path)`. */
  isPublic: IsPublic | undefined;
}

/** Lists a chain's parts (a composed chain keeps them in `.middleware`) for reports and the audit. */
export function describeChain(chain: Middleware<any>): ChainDescription {
  const parts = (chain as { middleware?: readonly Middleware<any>[] }).middleware ?? [chain];
  const tests: IsPublic[] = [];
  for (const fn of [chain, ...parts]) {
    const test = (fn as { isPublic?: unknown }).isPublic;
    if (typeof test === 'function') tests.push(test as IsPublic);
  }
  return {
    names: parts.map((fn) => fn.name || '<anonymous>'),
    // Several authenticating layers: a route is public only if every one of them lets it pass.
    isPublic: tests.length === 0 ? undefined : (method, path) => tests.every((t) => t(method, path) === true),
  };
}

/** The public-route test to use: the caller's option first, else the one the chain exposes. */
export function publicTest(option: IsPublic | undefined, chains: readonly Middleware<any>[]): IsPublic {
  if (option) return option;
  for (const chain of chains) {
    const found = describeChain(chain).isPublic;
    if (found) return found;
  }
  return () => false;
}
