import { expectAllRoutesGuarded } from '@bouncer/raw/testing';
import { describe, expect, it } from 'vitest';
import { policyObject } from '../policy';
import { createApp } from './app';

const isPublic = (method: string, path: string) =>
  policyObject.jwt.public.some((r) => r.method === method && r.path === path);

describe('raw server example', () => {
  // createApp() returns the server only: the audit sees the route table once the Router exposes
  // it from its bound handler (`router.handle.router`); until then it probes the server as a whole.
  it('runs the chain around every route (static audit and unauthenticated probe)', async () => {
    const report = await expectAllRoutesGuarded(createApp(), { isPublic });
    expect(report.length).toBeGreaterThan(0);
    expect(report.every((r) => r.guarded || r.public)).toBe(true);
  });

  it('rejects a denied client address', async () => {
    await expectAllRoutesGuarded(createApp(), {
      headers: { 'x-forwarded-for': '203.0.113.7' },
      statuses: [403],
      isPublic: () => false,
    });
  });
});
