// What operators hang on the chain — metrics and reshaped rejection bodies — behaves the same on
// every adapter: same samples for the same traffic, same bodies byte for byte.
import { bouncer, type RequestSample } from '@bouncer/core';
import { deepEqual, equal, eventually } from '../assert';
import type { ChainBuilder, ConformanceCase } from '../types';

/** The samples of the server built last: one adapter's server runs its cases one after another. */
let current: RequestSample[] = [];

export const operatorsChain: ChainBuilder = {
  id: 'operators',
  build() {
    current = [];
    const seen = current;
    return bouncer(
      {
        trustProxy: 'loopback',
        timing: { log: false },
        ipFilter: { deny: ['203.0.113.0/24'] },
        rateLimit: { limit: 1, window: '60s' },
      },
      {
        metrics: (s) => seen.push(s),
        rejectionBody: (p) => ({
          contentType: 'application/vnd.api+json',
          body: JSON.stringify({ errors: [{ status: String(p.status), title: p.title, code: p.policy }] }),
        }),
      },
    );
  },
};

const from = (ip: string) => ({ 'x-forwarded-for': ip });

export const operatorCases: ConformanceCase[] = [
  {
    group: 'operators',
    name: 'rejection bodies reshaped by extras.rejectionBody; the application’s answers untouched',
    chain: operatorsChain,
    async run(t) {
      const denied = await t.request('GET', '/hello', { headers: from('203.0.113.5') });
      equal(denied.status, 403, 'status');
      equal(denied.headers['content-type'], 'application/vnd.api+json', 'content-type');
      deepEqual(
        JSON.parse(denied.body.toString()),
        {
          errors: [{ status: '403', title: 'Forbidden', code: 'ipFilter' }],
        },
        'reshaped body',
      );
      const served = await t.request('GET', '/hello', { headers: from('198.51.100.60') });
      equal(served.status, 200, 'status');
      equal(served.body.toString(), '{"hello":"world"}', 'the application’s body');
      return {
        status: denied.status,
        headers: { 'content-type': denied.headers['content-type'], body: denied.body.toString() },
      };
    },
  },
  {
    group: 'operators',
    name: 'extras.metrics gets one sample per request: outcome, refusing policy, status',
    chain: operatorsChain,
    async run(t) {
      const seen = current;
      const before = seen.length;
      await t.request('GET', '/hello', { headers: from('198.51.100.61') });
      await t.request('GET', '/hello', { headers: from('198.51.100.61') });
      await t.request('GET', '/no-such-route', { headers: from('198.51.100.62') });
      await eventually(() => seen.length >= before + 3, 'three samples');
      const got = seen
        .slice(before)
        .map(({ method, status, outcome, policy }) => `${method} ${status} ${outcome} ${policy ?? '-'}`);
      deepEqual(got, ['GET 200 ok -', 'GET 429 rejected rateLimit', 'GET 404 ok -'], 'samples');
      for (const s of seen.slice(before))
        equal(s.durationMs >= 0 && Number.isFinite(s.durationMs), true, 'duration');
      return { status: 0, headers: { samples: got.join('; ') } };
    },
  },
];
