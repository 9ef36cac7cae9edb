import { describe, expect, it } from 'vitest';
import { compose } from './compose';
import { clientIp } from './middleware/client-ip';
import { cors } from './middleware/cors';
import { ipFilter } from './middleware/ip-filter';
import { rateLimit } from './middleware/rate-limit';
import { bouncer } from './policy';
import type { Middleware } from './types';
import { addressPolicies, usesAddress } from './uses-address';

// Which policies of a chain judge the client's address: what an adapter asks before it serves
// on a runtime whose connection info it cannot read.

describe('addressPolicies', () => {
  it('names each address policy once, nested chains included', () => {
    const chain = compose([
      clientIp({ trustProxy: 'loopback' }),
      compose([ipFilter({ deny: ['203.0.113.0/24'] }), cors()]),
      rateLimit({ limit: 5, windowMs: 60_000 }),
      ipFilter({ allow: ['loopback'] }),
    ]);
    expect(addressPolicies(chain)).toEqual(['trustProxy', 'ipFilter', 'rateLimit']);
  });

  it('leaves out a limiter keyed by the caller’s own function, and chains without such policies', () => {
    expect(addressPolicies(rateLimit({ limit: 5, windowMs: 60_000, key: () => 'k' }))).toEqual([]);
    expect(addressPolicies(compose([cors()]))).toEqual([]);
    const plain: Middleware = (_ctx, next) => next();
    expect(addressPolicies(plain)).toEqual([]);
  });

  it('reads the whole policy', () => {
    const chain = bouncer({
      timing: { log: false },
      trustProxy: 1,
      ipFilter: { deny: ['203.0.113.0/24'] },
      rateLimit: { limit: 5, window: '1m' },
    });
    expect(addressPolicies(chain)).toEqual(['trustProxy', 'ipFilter', 'rateLimit']);
  });

  it('reads a mark made by another copy of the core', () => {
    const fn: Middleware = (_ctx, next) => next();
    expect(usesAddress(fn, 'mine')).toBe(fn);
    const foreign: Middleware = (_ctx, next) => next();
    Object.defineProperty(foreign, Symbol.for('bouncer.uses-address'), { value: 'theirs' });
    expect(addressPolicies(compose([fn, foreign]))).toEqual(['mine', 'theirs']);
  });
});

describe('usesAddress', () => {
  it('adds no enumerable property: spreading or assigning a marked function copies no mark', () => {
    const fn = usesAddress(((_ctx, next) => next()) as Middleware, 'mine');
    expect(Object.getOwnPropertySymbols({ ...fn })).toEqual([]);
    const wrapper: Middleware = (_ctx, next) => next();
    expect(addressPolicies(Object.assign(wrapper, fn))).toEqual([]);
    expect(addressPolicies(fn)).toEqual(['mine']);
  });
});
