import { describe, expect, it } from 'vitest';
import { FakeHost, runFake } from '../../_testing';
import { Context } from '../../context';
import { type JwtAuthOptions, jwtAuth } from './index';
import { compilePublic } from './public-routes';

// Which requests a `public` route list opens, and what the route audit is told about them.

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const auth = (o: Partial<JwtAuthOptions>) => jwtAuth({ algorithms: ['HS256'], secret: SECRET, ...o });
const opens = async (mw: ReturnType<typeof jwtAuth>, method: string, target: string) =>
  (await runFake(mw, { method, target })).reached;

interface Audited {
  isPublic?: (method: string, path: string) => boolean;
  authModeOf?: (method: string, path: string) => string;
}

describe('jwtAuth public routes: exact paths', () => {
  it('opens an exact path without a method for every method', async () => {
    const mw = auth({ public: [{ path: '/health' }] });
    for (const method of ['GET', 'POST', 'DELETE']) expect(await opens(mw, method, '/health')).toBe(true);
    expect(await opens(mw, 'GET', '/healthz')).toBe(false);
  });

  it('keeps a path open for every method once one route lists it without a method', async () => {
    for (const routes of [
      [{ path: '/x' }, { method: 'GET', path: '/x' }],
      [{ method: 'GET', path: '/x' }, { path: '/x' }],
    ]) {
      const mw = auth({ public: routes });
      expect(await opens(mw, 'POST', '/x')).toBe(true);
      expect(await opens(mw, 'GET', '/x')).toBe(true);
    }
  });

  it('collects the methods of several routes for one path', async () => {
    const mw = auth({
      public: [
        { method: 'get', path: '/x' },
        { method: 'PUT', path: '/x' },
      ],
    });
    expect(await opens(mw, 'GET', '/x')).toBe(true);
    expect(await opens(mw, 'PUT', '/x')).toBe(true);
    expect(await opens(mw, 'POST', '/x')).toBe(false);
  });
});

describe('jwtAuth public routes: what the route audit reads', () => {
  it('answers per method and path for a route list', () => {
    const mw = auth({ public: [{ method: 'GET', path: '/health' }, { path: '/docs/*' }] }) as Audited;
    expect(mw.isPublic?.('GET', '/health')).toBe(true);
    expect(mw.isPublic?.('HEAD', '/health')).toBe(true);
    expect(mw.isPublic?.('POST', '/health')).toBe(false);
    expect(mw.isPublic?.('DELETE', '/docs/a')).toBe(true);
    expect(mw.isPublic?.('GET', '/docs/../admin')).toBe(false);
    expect(mw.isPublic?.('GET', '/docs/%2e%2e/admin')).toBe(false);
    expect(mw.isPublic?.('GET', '/admin')).toBe(false);
    expect(mw.authModeOf?.('GET', '/health')).toBe('public');
    expect(mw.authModeOf?.('GET', '/admin')).toBe('required');
  });

  it('counts an optional route as passing without a token', () => {
    const mw = auth({ credentialsRequired: false }) as Audited;
    expect(mw.isPublic?.('GET', '/any')).toBe(true);
    expect(mw.authModeOf?.('GET', '/any')).toBe('optional');
    const none = auth({}) as Audited;
    expect(none.isPublic?.('GET', '/any')).toBe(false);
  });

  it('has nothing to say for a predicate, which needs a live request', () => {
    const mw = auth({ public: () => true });
    expect('isPublic' in mw).toBe(false);
    expect('authModeOf' in mw).toBe(false);
  });
});

describe('compilePublic: the compiled test itself', () => {
  const request = (method: string, target: string) => new Context(new FakeHost({ method, target }), {});

  it('opens nothing without a `public` option, per request and per route', () => {
    const compiled = compilePublic(undefined);
    expect(compiled(request('GET', '/health'))).toBe(false);
    expect(compiled.byRoute?.('GET', '/health')).toBe(false);
  });

  it('answers a live request of a route list from its method and path', () => {
    const compiled = compilePublic([{ method: 'GET', path: '/health' }]);
    expect(compiled(request('GET', '/health'))).toBe(true);
    expect(compiled(request('POST', '/health'))).toBe(false);
    expect(compiled(request('GET', '/admin'))).toBe(false);
  });
});
