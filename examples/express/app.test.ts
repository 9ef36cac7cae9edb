import { expectAllRoutesGuarded } from '@bouncer/express/testing';
import { describe, expect, it } from 'vitest';
import { policyObject } from '../policy';
import { createApp } from './app';

const isPublic = (method: string, path: string) =>
  policyObject.jwt.public.some((r) => r.method === method && r.path === path);

describe('Express example', () => {
  it('leaves no route outside the bouncer (static audit and unauthenticated probe)', async () => {
    const report = await expectAllRoutesGuarded(createApp(), { isPublic });
    expect(report.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /health',
      'GET /prices',
      'GET /users/:id',
      'POST /orders',
      'GET /inventory',
    ]);
  });

  it('rejects a denied client address on every route, /health included', async () => {
    await expectAllRoutesGuarded(createApp(), {
      headers: { 'x-forwarded-for': '203.0.113.7' },
      statuses: [403],
      isPublic: () => false,
    });
  });
});
