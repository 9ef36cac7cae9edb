import { describe, expect, it } from 'vitest';
import { joinPath, probePath } from './fill-path';
import { formatRouteReport } from './format';

describe('probePath', () => {
  it.each([
    ['/users/:id', '/users/audit-probe'],
    ['/files/*splat', '/files/audit-probe'],
    ['/files/*', '/files/audit-probe'],
    ['/a{/:page}', '/a/audit-probe'],
    ['/n/:id{[0-9]+}', '/n/1'],
    ['/x/:id?', '/x/audit-probe'],
    ['/legacy/(.*)', '/legacy/audit-probe'],
    ['/lit\\(1\\)', '/lit(1)'],
    ['/x/:id*', '/x/audit-probe'],
    ['/x/:id{/:more}', '/x/audit-probe/audit-probe'],
    ['/s/:slug{[a-z-]+}', '/s/audit-probe'],
    ['', '/'],
  ])('fills %s as %s', (pattern, path) => {
    expect(probePath(pattern)).toBe(path);
  });

  it('gives up on regular-expression routes and unsatisfiable constraints', () => {
    expect(probePath(/^\/x/)).toBeUndefined();
    expect(probePath('/n/:id{[A-Z]{3}}')).toBeUndefined();
  });

  it('joins mount paths without doubling slashes', () => {
    expect(joinPath('/api/', '/users')).toBe('/api/users');
    expect(joinPath('', '/users')).toBe('/users');
    expect(joinPath('/api', '/')).toBe('/api');
  });
});

describe('formatRouteReport', () => {
  it('lists unguarded routes first, then public, then guarded, with a summary', () => {
    const text = formatRouteReport([
      { method: 'GET', path: '/prices', guarded: true },
      {
        method: 'GET',
        path: '/health',
        guarded: false,
        public: true,
        reason: 'excluded as public by the policy',
      },
      {
        method: 'GET',
        path: '/export',
        guarded: false,
        reason: 'registered before app.use(bouncer)',
        source: 'app',
      },
    ]);
    expect(text.split('\n')).toEqual([
      'METHOD  PATH     GUARDED  REASON',
      'GET     /export  NO       registered before app.use(bouncer) (app)',
      'GET     /health  public   excluded as public by the policy',
      'GET     /prices  yes',
      '3 route(s), 1 unguarded',
    ]);
  });
});
