import { describe, expect, it } from 'vitest';
import { configErrorMessage as message, runFake } from '../../_testing';
import { phasesOf } from '../../phases';
import { dangerouslyDisableDefaultSrc } from './csp';
import { securityHeaders } from './index';

// securityHeaders' startup errors, word for word, and the CSP details they guard.

const csp = (contentSecurityPolicy: object) => () => securityHeaders({ contentSecurityPolicy } as never);
const cspOf = async (contentSecurityPolicy: object) =>
  (await runFake(securityHeaders({ contentSecurityPolicy } as never))).headers['content-security-policy'];

describe('securityHeaders options: the errors they teach', () => {
  it('needs an options object', () => {
    for (const [options, shown] of [
      [null, 'null'],
      [5, '5'],
    ] as const) {
      expect(message(() => securityHeaders(options as never))).toBe(
        `securityHeaders: option \`options\` must be an object, got ${shown}`,
      );
    }
    expect(message(() => securityHeaders({ xFrameOption: true } as never))).toMatch(
      /^securityHeaders: option `xFrameOption` is not a known option: did you mean `xFrameOptions`\?/,
    );
  });

  it('refuses an option and its legacy alias together', () => {
    expect(message(() => securityHeaders({ strictTransportSecurity: true, hsts: true }))).toBe(
      'securityHeaders: option `strictTransportSecurity` and its alias `hsts` are both given: keep `strictTransportSecurity`',
    );
  });

  it('names each header option by its own name', () => {
    const names = [
      'crossOriginEmbedderPolicy',
      'crossOriginOpenerPolicy',
      'crossOriginResourcePolicy',
      'referrerPolicy',
    ];
    for (const name of names) {
      expect(
        message(() => securityHeaders({ [name]: { policy: 'bogus' } } as never)),
        name,
      ).toMatch(
        new RegExp(`^securityHeaders: option \`${name}.policy\` (must be one of|has unknown policy) `),
      );
    }
    expect(message(() => securityHeaders({ originAgentCluster: 'yes' } as never))).toBe(
      'securityHeaders: option `originAgentCluster` must be a boolean, got "yes"',
    );
  });

  it('takes contentSecurityPolicy true as the defaults, and refuses other scalars', async () => {
    expect(await cspOf(true as never)).toBe(await cspOf({}));
    for (const [value, shown] of [
      [null, 'null'],
      [5, '5'],
    ] as const) {
      expect(message(csp(value as never))).toBe(
        `securityHeaders: option \`contentSecurityPolicy\` must be a boolean or an object, got ${shown}`,
      );
    }
    expect(message(csp({ nonces: true }))).toBe(
      'securityHeaders: option `contentSecurityPolicy.nonces` is not a known option: did you mean `contentSecurityPolicy.nonce`? (known: useDefaults, directives, reportOnly, nonce)',
    );
  });

  it('names each bad directive', () => {
    const at = (key: string, rest: string) =>
      `securityHeaders: option \`contentSecurityPolicy.directives.${key}\` ${rest}`;
    expect(message(csp({ directives: 5 }))).toBe(
      'securityHeaders: option `contentSecurityPolicy.directives` must be an object, got 5',
    );
    expect(message(csp({ directives: { script_src: ["'self'"] } }))).toBe(
      at('script_src', 'is not a valid directive name'),
    );
    expect(message(csp({ directives: { scriptSrc: ["'self'"], 'script-src': ["'self'"] } }))).toBe(
      at('script-src', 'is given twice (as camelCase and dashed)'),
    );
    expect(message(csp({ directives: { scriptSrc: dangerouslyDisableDefaultSrc } }))).toBe(
      at('scriptSrc', 'dangerouslyDisableDefaultSrc only applies to default-src'),
    );
    expect(message(csp({ directives: { scriptSrc: 5 } }))).toBe(
      at('scriptSrc', 'must be a string or an array, got 5'),
    );
    expect(message(csp({ directives: { scriptSrc: [5] } }))).toBe(
      at('scriptSrc', 'values must be strings or functions, got 5'),
    );
    expect(message(csp({ directives: { scriptSrc: ['self'] } }))).toBe(
      at('scriptSrc', `value "self" has the keyword self unquoted: write "'self'"`),
    );
  });

  it('needs a default-src and at least one directive, and booleans for nonce and reportOnly', () => {
    expect(message(csp({ useDefaults: false, directives: { scriptSrc: ["'self'"] } }))).toBe(
      'securityHeaders: option `contentSecurityPolicy.directives` needs a default-src (or `dangerouslyDisableDefaultSrc` to leave it out on purpose)',
    );
    expect(
      message(csp({ useDefaults: false, directives: { defaultSrc: dangerouslyDisableDefaultSrc } })),
    ).toBe('securityHeaders: option `contentSecurityPolicy.directives` leaves no directive at all');
    expect(message(csp({ nonce: 'yes' }))).toBe(
      'securityHeaders: option `contentSecurityPolicy.nonce` must be a boolean, got "yes"',
    );
    expect(message(csp({ reportOnly: 1 }))).toBe(
      'securityHeaders: option `contentSecurityPolicy.reportOnly` must be a boolean, got 1',
    );
  });
});

describe('securityHeaders: CSP values', () => {
  const only = (directives: object) =>
    cspOf({ useDefaults: false, directives: { defaultSrc: ["'self'"], ...directives } });

  it('takes host names that merely contain a keyword', async () => {
    expect(await only({ imgSrc: ['https://myself.example', 'selfish.example'] })).toBe(
      "default-src 'self'; img-src https://myself.example selfish.example",
    );
  });

  it('trims values and drops empty ones', async () => {
    expect(await only({ imgSrc: ['  https://a.example  ', '   ', ''] })).toBe(
      "default-src 'self'; img-src https://a.example",
    );
  });

  it('refuses a function value that returns no string, saying which directive', async () => {
    const r = await runFake(
      securityHeaders({ contentSecurityPolicy: { directives: { scriptSrc: [() => 5 as never] } } }),
    );
    expect(r.status).toBe(500);
    expect((r.errors[0] as Error).message).toBe(
      "securityHeaders: the script-src value function's result must return a string",
    );
  });

  it('adds the nonce to script-src and style-src only, and makes none without nonce: true', async () => {
    const r = await runFake(
      securityHeaders({
        contentSecurityPolicy: {
          useDefaults: false,
          nonce: true,
          directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"] },
        },
      }),
    );
    const nonce = r.state.cspNonce as string;
    expect(r.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self' 'nonce-${nonce}'`,
    );
    const fn = await runFake(
      securityHeaders({
        contentSecurityPolicy: {
          useDefaults: false,
          directives: { defaultSrc: [() => "'self'"], scriptSrc: ["'self'"] },
        },
      }),
    );
    expect(fn.state.cspNonce).toBeUndefined();
    expect(fn.headers['content-security-policy']).toBe("default-src 'self'; script-src 'self'");
  });

  it('names its layer', () => {
    expect(securityHeaders().name).toBe('securityHeaders');
    expect(securityHeaders({ contentSecurityPolicy: { nonce: true } }).name).toBe('securityHeaders');
  });
});

describe('securityHeaders: HTTPS behind a trusted proxy', () => {
  const hsts = async (headers: Record<string, string>, peer = '127.0.0.1') =>
    (await runFake(securityHeaders({ trustProxy: 'loopback' }), { peer, headers })).headers[
      'strict-transport-security'
    ];

  it('reads the first X-Forwarded-Proto value, in any case and spacing', async () => {
    expect(await hsts({ 'x-forwarded-proto': ' HTTPS , http' })).toBeDefined();
    expect(await hsts({ 'x-forwarded-proto': 'http, https' })).toBeUndefined();
  });

  it('sends no HSTS without the header, or from a peer that is not an address', async () => {
    expect(await hsts({})).toBeUndefined();
    expect(await hsts({ 'x-forwarded-proto': 'https' }, 'garbage')).toBeUndefined();
  });
});

describe('securityHeaders: CSP values that end in a keyword', () => {
  it('takes a host or a path that only ends with a keyword', async () => {
    expect(
      await cspOf({
        useDefaults: false,
        directives: { defaultSrc: ["'self'"], imgSrc: ['myself', 'https://cdn.example/none'] },
      }),
    ).toBe("default-src 'self'; img-src myself https://cdn.example/none");
  });
});

describe('securityHeaders: per-request work only when the CSP needs it', () => {
  // A CSP of strings is rendered once and stamped with the fixed headers at the head; only a
  // nonce or a function value is computed on the way in, before the application renders.
  const inbound = (contentSecurityPolicy: object | boolean) =>
    phasesOf(securityHeaders({ contentSecurityPolicy } as never))?.before;

  it('does nothing on the way in for the defaults, a CSP of strings, or no CSP', () => {
    expect(inbound(true)).toBeUndefined();
    expect(inbound(false)).toBeUndefined();
    expect(
      inbound({ useDefaults: false, directives: { defaultSrc: ["'self'"], upgradeInsecureRequests: [] } }),
    ).toBeUndefined();
  });

  it('decides the CSP on the way in for a nonce, or a function among strings', () => {
    expect(inbound({ nonce: true })).toBeTypeOf('function');
    expect(inbound({ directives: { connectSrc: ["'self'", () => 'https://api.example'] } })).toBeTypeOf(
      'function',
    );
  });
});

describe('securityHeaders: a trusted proxy that says nothing usable', () => {
  it('stamps the plain headers without the header, or from a peer that is not an address', async () => {
    const mw = securityHeaders({ trustProxy: 'loopback' });
    for (const req of [
      { peer: '127.0.0.1' },
      { peer: '/run/app.sock', headers: { 'x-forwarded-proto': 'https' } },
    ]) {
      const r = await runFake(mw, req);
      expect(r.errors).toEqual([]);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['strict-transport-security']).toBeUndefined();
    }
  });
});
