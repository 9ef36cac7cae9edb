import { REASONS, UnguardedRoutesError } from '@bouncer/core/audit';
import { assertAllRoutesGuarded, auditRoutes } from '@bouncer/express';
import { expectAllRoutesGuarded } from '@bouncer/express/testing';
import { describe, expect, it } from 'vitest';
import { policyObject } from '../policy';
import { createApp } from './app';

// The policy's own public routes. (Until jwtAuth exposes `isPublic(method, path)`, the audit
// cannot read them off the chain.)
const isPublic = (method: string, path: string) =>
  policyObject.jwt.public.some((r) => r.method === method && r.path === path);

describe('the unguarded Express example (the seed mistake)', () => {
  it('the static audit reports exactly GET /export, registered before the bouncer', () => {
    const open = auditRoutes(createApp(), { isPublic }).filter((r) => !r.guarded && !r.public);
    expect(open).toEqual([
      { method: 'GET', path: '/export', guarded: false, reason: REASONS.before, source: 'app' },
    ]);
  });

  it('reports the policy’s public route as public, not as a leak', () => {
    const health = auditRoutes(createApp(), { isPublic }).find((r) => r.path === '/health');
    expect(health).toMatchObject({ public: true, reason: REASONS.public });
  });

  it('the probe gets the customer data back without a token, and the helper names only that route', async () => {
    const error = await expectAllRoutesGuarded(createApp(), { isPublic }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnguardedRoutesError);
    const routes = (error as UnguardedRoutesError).routes;
    expect(routes).toEqual([
      {
        method: 'GET',
        path: '/export',
        reason: REASONS.before,
        answer: '200 application/json; charset=utf-8',
      },
    ]);
    const probe = (error as UnguardedRoutesError).probes.find((p) => p.path === '/export');
    expect(probe).toMatchObject({ status: 200, rejected: false });
    expect((error as Error).message).toContain(
      'GET /export — audit: registered before app.use(bouncer); probe: answered 200',
    );
  });
});

describe('refusing to start with an unguarded route', () => {
  it('assertAllRoutesGuarded throws at startup, naming GET /export', () => {
    expect(() => assertAllRoutesGuarded(createApp(), { isPublic })).toThrow(UnguardedRoutesError);
    expect(() => assertAllRoutesGuarded(createApp(), { isPublic })).toThrow(
      /1 route\(s\) answer without the bouncer:\n {2}GET \/export — audit: registered before app.use\(bouncer\)/,
    );
  });

  it('passes for the guarded example app', async () => {
    const { createApp: guarded } = await import('../express/app');
    expect(assertAllRoutesGuarded(guarded(), { isPublic }).length).toBeGreaterThan(0);
  });
});
