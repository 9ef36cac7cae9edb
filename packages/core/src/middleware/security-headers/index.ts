import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { assertKnownKeys, show } from '../../utils/policy-options';
import type { TrustProxy } from '../client-ip';
import { type CompiledCsp, type ContentSecurityPolicyOptions, compileCsp } from './csp';
import { forwardedHttps } from './forwarded-proto';
import {
  crossOriginEmbedderPolicy,
  crossOriginOpenerPolicy,
  crossOriginResourcePolicy,
  fixed,
  type Header,
  type PolicyOption,
  referrerPolicy,
  type StrictTransportSecurityOptions,
  strictTransportSecurity,
  xDnsPrefetchControl,
  xFrameOptions,
  xPermittedCrossDomainPolicies,
} from './headers';
import { FixedHeaders, PerRequestCsp } from './stamp';

export {
  type ContentSecurityPolicyOptions,
  type CspDirectiveValue,
  type CspDynamicValue,
  dangerouslyDisableDefaultSrc,
  getDefaultDirectives,
} from './csp';
export type { StrictTransportSecurityOptions } from './headers';

/** helmet 8's option names and values; every part can be switched off with `false`. */
export interface SecurityHeadersOptions {
  /** `Content-Security-Policy`. @default helmet's default directives */
  contentSecurityPolicy?: ContentSecurityPolicyOptions | boolean;
  /** `Cross-Origin-Embedder-Policy`; `true` means `require-corp`. @default false */
  crossOriginEmbedderPolicy?: PolicyOption<'require-corp' | 'credentialless' | 'unsafe-none'>;
  /** `Cross-Origin-Opener-Policy`. @default { policy: 'same-origin' } */
  crossOriginOpenerPolicy?: PolicyOption<
    'same-origin' | 'same-origin-allow-popups' | 'unsafe-none' | 'noopener-allow-popups'
  >;
  /** `Cross-Origin-Resource-Policy`; `same-site`/`cross-origin` for assets other sites embed. @default { policy: 'same-origin' } */
  crossOriginResourcePolicy?: PolicyOption<'same-origin' | 'same-site' | 'cross-origin'>;
  /** `Origin-Agent-Cluster: ?1`. @default true */
  originAgentCluster?: boolean;
  /** `Referrer-Policy`; an array is a fallback list. @default { policy: 'no-referrer' } */
  referrerPolicy?: { policy?: string | readonly string[] } | boolean;
  /** `Strict-Transport-Security`, sent only on HTTPS requests (RFC 6797 §7.2). @default { maxAge: 31536000, includeSubDomains: true } */
  strictTransportSecurity?: StrictTransportSecurityOptions | boolean;
  /** `X-Content-Type-Options: nosniff`. @default true */
  xContentTypeOptions?: boolean;
  /** `X-DNS-Prefetch-Control`. @default { allow: false } */
  xDnsPrefetchControl?: { allow?: boolean } | boolean;
  /** `X-Download-Options: noopen` (IE8). @default true */
  xDownloadOptions?: boolean;
  /** `X-Frame-Options`. @default { action: 'sameorigin' } */
  xFrameOptions?: { action?: 'deny' | 'sameorigin' } | boolean;
  /** `X-Permitted-Cross-Domain-Policies`. @default { permittedPolicies: 'none' } */
  xPermittedCrossDomainPolicies?:
    | { permittedPolicies?: 'none' | 'master-only' | 'by-content-type' | 'all' }
    | boolean;
  /** Removes `X-Powered-By`. @default true */
  xPoweredBy?: boolean;
  /** `X-XSS-Protection: 0`, turning off the old browsers' exploitable filter (helmetjs/helmet #230). @default true */
  xXssProtection?: boolean;

  /**
   * Proxies whose `X-Forwarded-Proto: https` counts as HTTPS for `Strict-Transport-Security` (the
   * same values as `clientIp`'s; the policy passes its own `trustProxy`). @default false
   */
  trustProxy?: TrustProxy;

  /** helmet's legacy alias of `strictTransportSecurity`. */
  hsts?: StrictTransportSecurityOptions | boolean;
  /** helmet's legacy alias of `xContentTypeOptions`. */
  noSniff?: boolean;
  /** helmet's legacy alias of `xDnsPrefetchControl`. */
  dnsPrefetchControl?: { allow?: boolean } | boolean;
  /** helmet's legacy alias of `xDownloadOptions`. */
  ieNoOpen?: boolean;
  /** helmet's legacy alias of `xFrameOptions`. */
  frameguard?: { action?: 'deny' | 'sameorigin' } | boolean;
  /** helmet's legacy alias of `xPermittedCrossDomainPolicies`. */
  permittedCrossDomainPolicies?:
    | { permittedPolicies?: 'none' | 'master-only' | 'by-content-type' | 'all' }
    | boolean;
  /** helmet's legacy alias of `xPoweredBy`. */
  hidePoweredBy?: boolean;
  /** helmet's legacy alias of `xXssProtection`. */
  xssFilter?: boolean;
}

const ALIASES = {
  strictTransportSecurity: 'hsts',
  xContentTypeOptions: 'noSniff',
  xDnsPrefetchControl: 'dnsPrefetchControl',
  xDownloadOptions: 'ieNoOpen',
  xFrameOptions: 'frameguard',
  xPermittedCrossDomainPolicies: 'permittedCrossDomainPolicies',
  xPoweredBy: 'hidePoweredBy',
  xXssProtection: 'xssFilter',
} as const;

const KNOWN = [
  'contentSecurityPolicy',
  'crossOriginEmbedderPolicy',
  'crossOriginOpenerPolicy',
  'crossOriginResourcePolicy',
  'originAgentCluster',
  'referrerPolicy',
  'trustProxy',
  ...Object.keys(ALIASES),
  ...Object.values(ALIASES),
];

/** The option under its current name or its legacy alias (never both), with the name to report. */
function pick<K extends keyof typeof ALIASES>(options: SecurityHeadersOptions, key: K): [string, any] {
  const alias = ALIASES[key];
  if (options[key] !== undefined && options[alias] !== undefined) {
    throw new ConfigError(
      'securityHeaders',
      key,
      `and its alias \`${alias}\` are both given: keep \`${key}\``,
    );
  }
  return options[alias] !== undefined ? [alias, options[alias]] : [key, options[key]];
}

function compileCspOption(
  value: ContentSecurityPolicyOptions | boolean | undefined,
): CompiledCsp | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return compileCsp({});
  if (value === null || typeof value !== 'object') {
    throw new ConfigError(
      'securityHeaders',
      'contentSecurityPolicy',
      `must be a boolean or an object, got ${show(value)}`,
    );
  }
  assertKnownKeys(
    'securityHeaders',
    value,
    ['useDefaults', 'directives', 'reportOnly', 'nonce'],
    'contentSecurityPolicy.',
  );
  return compileCsp(value);
}

/**
 * helmet 8's response headers, validated and rendered once at construction. They are set before
 * `next()`, so the application may override any of them (as with helmet) and the other policies'
 * rejections carry them. `X-Powered-By`, which Express sets before any middleware runs, is
 * removed on the way in.
 *
 * @example
 * compose([securityHeaders({ contentSecurityPolicy: { nonce: true }, crossOriginResourcePolicy: { policy: 'same-site' } })]);
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('securityHeaders', 'options', `must be an object, got ${show(options)}`);
  }
  assertKnownKeys('securityHeaders', options, KNOWN);
  const csp = compileCspOption(options.contentSecurityPolicy);
  const hstsOption = pick(options, 'strictTransportSecurity');
  const hsts = strictTransportSecurity(...hstsOption);
  const force = hsts !== undefined && (hstsOption[1] as StrictTransportSecurityOptions)?.force === true;
  const viaProxy = forwardedHttps(options.trustProxy);
  const removePoweredBy = fixed(...pick(options, 'xPoweredBy'), ['X-Powered-By', '']) !== undefined;
  const headers: Header[] = [
    crossOriginEmbedderPolicy('crossOriginEmbedderPolicy', options.crossOriginEmbedderPolicy),
    crossOriginOpenerPolicy('crossOriginOpenerPolicy', options.crossOriginOpenerPolicy),
    crossOriginResourcePolicy('crossOriginResourcePolicy', options.crossOriginResourcePolicy),
    fixed('originAgentCluster', options.originAgentCluster, ['Origin-Agent-Cluster', '?1']),
    referrerPolicy('referrerPolicy', options.referrerPolicy),
    fixed(...pick(options, 'xContentTypeOptions'), ['X-Content-Type-Options', 'nosniff']),
    xDnsPrefetchControl(...pick(options, 'xDnsPrefetchControl')),
    fixed(...pick(options, 'xDownloadOptions'), ['X-Download-Options', 'noopen']),
    xFrameOptions(...pick(options, 'xFrameOptions')),
    xPermittedCrossDomainPolicies(...pick(options, 'xPermittedCrossDomainPolicies')),
    fixed(...pick(options, 'xXssProtection'), ['X-XSS-Protection', '0']),
  ].filter((h): h is Header => h !== undefined);
  // A static CSP is one more fixed header; only a nonce or a function value needs per-request work.
  const staticCsp: Header[] = csp?.static === undefined ? [] : [[csp.header, csp.static]];
  const dynamicCsp = csp && csp.static === undefined ? new PerRequestCsp(csp) : undefined;
  // RFC 6797 §7.2: HSTS over plain HTTP is ignored by browsers and only invites confusion.
  const plain = new FixedHeaders([...headers, ...staticCsp]);
  const secure = hsts ? new FixedHeaders([...headers, hsts, ...staticCsp]) : plain;
  const always = force ? secure : undefined;

  // Stamped at the head, so every answer carries them — the host's own 404 and error pages
  // too, whatever they reset. As with helmet, a header the application set itself wins.
  const stamp = (ctx: Context<any>) => {
    (always ?? (ctx.req.scheme === 'https' || viaProxy?.(ctx) ? secure : plain)).setMissing(ctx);
    if (removePoweredBy) ctx.res.delete('X-Powered-By');
  };
  if (!dynamicCsp) return phased('securityHeaders', { head: stamp });
  return phased('securityHeaders', {
    // A nonce must exist before the application renders, so the CSP is decided on the way in;
    // the fixed headers are registered first, so that a CSP function that throws still leaves
    // them on its 500.
    before(ctx) {
      ctx.onHead(stamp);
      dynamicCsp.decide(ctx);
    },
  });
}
