import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors';
import {
  crossOriginEmbedderPolicy,
  crossOriginOpenerPolicy,
  crossOriginResourcePolicy,
  fixed,
  referrerPolicy,
  strictTransportSecurity,
  xDnsPrefetchControl,
  xFrameOptions,
  xPermittedCrossDomainPolicies,
} from './headers';

// Each builder turns one helmet-style option into the header it sends (or none), validating it.

describe('policy headers with a value set', () => {
  const cases = [
    {
      build: crossOriginEmbedderPolicy,
      header: 'Cross-Origin-Embedder-Policy',
      fallback: 'require-corp',
      values: ['require-corp', 'credentialless', 'unsafe-none'],
      key: 'policy',
    },
    {
      build: crossOriginOpenerPolicy,
      header: 'Cross-Origin-Opener-Policy',
      fallback: 'same-origin',
      values: ['same-origin', 'same-origin-allow-popups', 'unsafe-none', 'noopener-allow-popups'],
      key: 'policy',
    },
    {
      build: crossOriginResourcePolicy,
      header: 'Cross-Origin-Resource-Policy',
      fallback: 'same-origin',
      values: ['same-origin', 'same-site', 'cross-origin'],
      key: 'policy',
    },
    {
      build: xPermittedCrossDomainPolicies,
      header: 'X-Permitted-Cross-Domain-Policies',
      fallback: 'none',
      values: ['none', 'master-only', 'by-content-type', 'all'],
      key: 'permittedPolicies',
    },
  ] as const;

  for (const { build, header, fallback, values, key } of cases) {
    it(`${header}: each allowed value, case-folded, and its default`, () => {
      const b = build as (option: string, value: unknown) => readonly [string, string] | undefined;
      for (const v of values) {
        expect(b('opt', { [key]: v })).toEqual([header, v]);
        expect(b('opt', { [key]: v.toUpperCase() })).toEqual([header, v]);
      }
      expect(b('opt', true)).toEqual([header, fallback]);
      expect(b('opt', {})).toEqual([header, fallback]);
      expect(b('opt', false)).toBeUndefined();
      expect(() => b('opt', { [key]: 'bogus' })).toThrow(
        `securityHeaders: option \`opt.${key}\` must be one of ${values.join(', ')}, got "bogus"`,
      );
      expect(() => b('opt', { [key]: 1 })).toThrow(ConfigError);
      expect(() => b('opt', 'yes')).toThrow(
        'securityHeaders: option `opt` must be a boolean or an object, got "yes"',
      );
      expect(() => b('opt', null)).toThrow(ConfigError);
      expect(() => b('opt', { polcy: 'x' })).toThrow(
        /^securityHeaders: option `opt\.polcy` is not a known option/,
      );
    });
  }

  it('Cross-Origin-Embedder-Policy is off unless asked for (helmet 7)', () => {
    expect(crossOriginEmbedderPolicy('coep', undefined)).toBeUndefined();
    expect(crossOriginOpenerPolicy('coop', undefined)).toEqual(['Cross-Origin-Opener-Policy', 'same-origin']);
    expect(crossOriginResourcePolicy('corp', undefined)).toEqual([
      'Cross-Origin-Resource-Policy',
      'same-origin',
    ]);
  });
});

describe('Referrer-Policy', () => {
  it('defaults to no-referrer and sends a fallback list comma-joined, in order', () => {
    expect(referrerPolicy('rp', undefined)).toEqual(['Referrer-Policy', 'no-referrer']);
    expect(referrerPolicy('rp', {})).toEqual(['Referrer-Policy', 'no-referrer']);
    expect(referrerPolicy('rp', { policy: 'origin' })).toEqual(['Referrer-Policy', 'origin']);
    expect(referrerPolicy('rp', { policy: ['no-referrer', 'strict-origin-when-cross-origin'] })).toEqual([
      'Referrer-Policy',
      'no-referrer,strict-origin-when-cross-origin',
    ]);
    expect(referrerPolicy('rp', false)).toBeUndefined();
  });

  it('accepts every W3C policy and the empty string', () => {
    for (const p of [
      'no-referrer',
      'no-referrer-when-downgrade',
      'same-origin',
      'origin',
      'strict-origin',
      'origin-when-cross-origin',
      'strict-origin-when-cross-origin',
      'unsafe-url',
      '',
    ]) {
      expect(referrerPolicy('rp', { policy: p })).toEqual(['Referrer-Policy', p]);
    }
  });

  it('refuses unknown, duplicate and empty policy lists', () => {
    expect(() => referrerPolicy('rp', { policy: 'nope' })).toThrow(
      'securityHeaders: option `rp.policy` has unknown policy "nope" (known: no-referrer, no-referrer-when-downgrade, same-origin, origin, strict-origin, origin-when-cross-origin, strict-origin-when-cross-origin, unsafe-url)',
    );
    expect(() => referrerPolicy('rp', { policy: ['origin', 'origin'] })).toThrow(
      'securityHeaders: option `rp.policy` lists "origin" twice',
    );
    expect(() => referrerPolicy('rp', { policy: [] })).toThrow(
      'securityHeaders: option `rp.policy` must be a policy or a non-empty array, got []',
    );
    expect(() => referrerPolicy('rp', { policy: 5 as never })).toThrow(/non-empty array, got 5/);
  });
});

describe('Strict-Transport-Security', () => {
  it('defaults to a year with includeSubDomains and no preload', () => {
    expect(strictTransportSecurity('hsts', undefined)).toEqual([
      'Strict-Transport-Security',
      'max-age=31536000; includeSubDomains',
    ]);
    expect(strictTransportSecurity('hsts', false)).toBeUndefined();
  });

  it('takes maxAge in whole seconds (0 allowed), includeSubDomains and preload', () => {
    expect(strictTransportSecurity('hsts', { maxAge: 0, includeSubDomains: false })).toEqual([
      'Strict-Transport-Security',
      'max-age=0',
    ]);
    expect(strictTransportSecurity('hsts', { maxAge: 86400.9, preload: true })).toEqual([
      'Strict-Transport-Security',
      'max-age=86400; includeSubDomains; preload',
    ]);
  });

  it('refuses a negative, infinite or non-number maxAge and non-boolean flags', () => {
    for (const maxAge of [-1, Number.POSITIVE_INFINITY, Number.NaN, '60']) {
      expect(() => strictTransportSecurity('hsts', { maxAge: maxAge as number }), String(maxAge)).toThrow(
        /option `hsts.maxAge` must be a non-negative number of seconds/,
      );
    }
    expect(() => strictTransportSecurity('hsts', { preload: 'yes' as never })).toThrow(
      'securityHeaders: option `hsts.preload` must be a boolean, got "yes"',
    );
    expect(() => strictTransportSecurity('hsts', { includeSubDomains: 1 as never })).toThrow(
      /hsts.includeSubDomains/,
    );
  });
});

describe('switch-like headers', () => {
  it('X-DNS-Prefetch-Control is off unless allowed', () => {
    expect(xDnsPrefetchControl('dns', undefined)).toEqual(['X-DNS-Prefetch-Control', 'off']);
    expect(xDnsPrefetchControl('dns', { allow: true })).toEqual(['X-DNS-Prefetch-Control', 'on']);
    expect(xDnsPrefetchControl('dns', { allow: false })).toEqual(['X-DNS-Prefetch-Control', 'off']);
    expect(xDnsPrefetchControl('dns', false)).toBeUndefined();
    expect(() => xDnsPrefetchControl('dns', { allow: 'on' as never })).toThrow(/dns.allow/);
  });

  it('X-Frame-Options is SAMEORIGIN or DENY, in upper case whatever the spelling', () => {
    expect(xFrameOptions('xfo', undefined)).toEqual(['X-Frame-Options', 'SAMEORIGIN']);
    expect(xFrameOptions('xfo', { action: 'deny' })).toEqual(['X-Frame-Options', 'DENY']);
    expect(xFrameOptions('xfo', { action: 'sameOrigin' as never })).toEqual([
      'X-Frame-Options',
      'SAMEORIGIN',
    ]);
    expect(xFrameOptions('xfo', false)).toBeUndefined();
    expect(() => xFrameOptions('xfo', { action: 'allow-from' as never })).toThrow(
      'securityHeaders: option `xfo.action` must be one of DENY, SAMEORIGIN, got "allow-from"',
    );
  });

  it('a fixed header is on by default and off with false', () => {
    const h = ['X-Content-Type-Options', 'nosniff'] as const;
    expect(fixed('noSniff', undefined, h)).toBe(h);
    expect(fixed('noSniff', true, h)).toBe(h);
    expect(fixed('noSniff', false, h)).toBeUndefined();
    expect(() => fixed('noSniff', 'no' as never, h)).toThrow(
      'securityHeaders: option `noSniff` must be a boolean, got "no"',
    );
  });
});
