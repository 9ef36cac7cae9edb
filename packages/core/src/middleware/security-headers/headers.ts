import { ConfigError } from '../../errors';
import { assertKnownKeys, show } from '../../utils/policy-options';

export type Header = readonly [name: string, value: string];

function fail(option: string, message: string): never {
  throw new ConfigError('securityHeaders', option, message);
}

/** `true`/`undefined` → defaults, `false` → off, an object → checked for unknown keys. */
function objectOption<T extends object>(
  option: string,
  value: T | boolean | undefined,
  known: string[],
): T | undefined {
  if (value === false) return undefined;
  if (value === undefined || value === true) return {} as T;
  if (value === null || typeof value !== 'object')
    fail(option, `must be a boolean or an object, got ${show(value)}`);
  assertKnownKeys('securityHeaders', value, known, `${option}.`);
  return value;
}

function oneOf(
  option: string,
  value: unknown,
  allowed: readonly string[],
  fallback: string,
  upper = false,
): string {
  if (value === undefined) return fallback;
  const v = typeof value === 'string' ? (upper ? value.toUpperCase() : value.toLowerCase()) : undefined;
  const hit = allowed.find((a) => a === v);
  if (hit === undefined) fail(option, `must be one of ${allowed.join(', ')}, got ${show(value)}`);
  return hit;
}

function bool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(option, `must be a boolean, got ${show(value)}`);
  return value;
}

export type PolicyOption<P extends string> = { policy?: P } | boolean;

export function crossOriginEmbedderPolicy(
  option: string,
  value: PolicyOption<'require-corp' | 'credentialless' | 'unsafe-none'> | undefined,
): Header | undefined {
  // Off by default since helmet 7: it broke third-party embeds (helmetjs/helmet #411).
  if (value === undefined) return undefined;
  const o = objectOption(option, value, ['policy']);
  if (!o) return undefined;
  return [
    'Cross-Origin-Embedder-Policy',
    oneOf(`${option}.policy`, o.policy, ['require-corp', 'credentialless', 'unsafe-none'], 'require-corp'),
  ];
}

export function crossOriginOpenerPolicy(
  option: string,
  value:
    | PolicyOption<'same-origin' | 'same-origin-allow-popups' | 'unsafe-none' | 'noopener-allow-popups'>
    | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['policy']);
  if (!o) return undefined;
  const allowed = ['same-origin', 'same-origin-allow-popups', 'unsafe-none', 'noopener-allow-popups'];
  return ['Cross-Origin-Opener-Policy', oneOf(`${option}.policy`, o.policy, allowed, 'same-origin')];
}

export function crossOriginResourcePolicy(
  option: string,
  value: PolicyOption<'same-origin' | 'same-site' | 'cross-origin'> | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['policy']);
  if (!o) return undefined;
  const allowed = ['same-origin', 'same-site', 'cross-origin'];
  return ['Cross-Origin-Resource-Policy', oneOf(`${option}.policy`, o.policy, allowed, 'same-origin')];
}

const REFERRER_POLICIES = [
  'no-referrer',
  'no-referrer-when-downgrade',
  'same-origin',
  'origin',
  'strict-origin',
  'origin-when-cross-origin',
  'strict-origin-when-cross-origin',
  'unsafe-url',
  '',
];

export function referrerPolicy(
  option: string,
  value: { policy?: string | readonly string[] } | boolean | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['policy']);
  if (!o) return undefined;
  const list =
    o.policy === undefined ? ['no-referrer'] : typeof o.policy === 'string' ? [o.policy] : o.policy;
  if (!Array.isArray(list) || list.length === 0)
    fail(`${option}.policy`, `must be a policy or a non-empty array, got ${show(o.policy)}`);
  const seen = new Set<string>();
  for (const p of list) {
    // The fallback list form (W3C Referrer Policy §11.1): later entries are the preferred ones.
    if (!REFERRER_POLICIES.includes(p))
      fail(
        `${option}.policy`,
        `has unknown policy ${show(p)} (known: ${REFERRER_POLICIES.filter(Boolean).join(', ')})`,
      );
    if (seen.has(p)) fail(`${option}.policy`, `lists ${show(p)} twice`);
    seen.add(p);
  }
  return ['Referrer-Policy', list.join(',')];
}

export interface StrictTransportSecurityOptions {
  /** Seconds browsers remember to use HTTPS only. @default 31536000 (365 days) */
  maxAge?: number;
  /** Covers every subdomain too. @default true */
  includeSubDomains?: boolean;
  /** Asks for inclusion in browsers' preload lists (hstspreload.org). @default false */
  preload?: boolean;
  /**
   * Sends the header on every answer, whatever the request's scheme: for a TLS proxy in front that
   * sends no `X-Forwarded-Proto`. Browsers ignore it over plain HTTP (RFC 6797 §8.1). @default false
   */
  force?: boolean;
}

export function strictTransportSecurity(
  option: string,
  value: StrictTransportSecurityOptions | boolean | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['maxAge', 'includeSubDomains', 'preload', 'force']);
  if (!o) return undefined;
  bool(`${option}.force`, o.force, false);
  let maxAge = 31536000;
  if (o.maxAge !== undefined) {
    if (typeof o.maxAge !== 'number' || !Number.isFinite(o.maxAge) || o.maxAge < 0) {
      fail(`${option}.maxAge`, `must be a non-negative number of seconds, got ${show(o.maxAge)}`);
    }
    maxAge = Math.floor(o.maxAge);
  }
  let header = `max-age=${maxAge}`;
  if (bool(`${option}.includeSubDomains`, o.includeSubDomains, true)) header += '; includeSubDomains';
  if (bool(`${option}.preload`, o.preload, false)) header += '; preload';
  return ['Strict-Transport-Security', header];
}

export function xDnsPrefetchControl(
  option: string,
  value: { allow?: boolean } | boolean | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['allow']);
  if (!o) return undefined;
  return ['X-DNS-Prefetch-Control', bool(`${option}.allow`, o.allow, false) ? 'on' : 'off'];
}

export function xFrameOptions(
  option: string,
  value: { action?: 'deny' | 'sameorigin' } | boolean | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['action']);
  if (!o) return undefined;
  // ALLOW-FROM was never widely supported and is obsolete: use CSP frame-ancestors instead.
  return ['X-Frame-Options', oneOf(`${option}.action`, o.action, ['DENY', 'SAMEORIGIN'], 'SAMEORIGIN', true)];
}

export function xPermittedCrossDomainPolicies(
  option: string,
  value: { permittedPolicies?: 'none' | 'master-only' | 'by-content-type' | 'all' } | boolean | undefined,
): Header | undefined {
  const o = objectOption(option, value, ['permittedPolicies']);
  if (!o) return undefined;
  const allowed = ['none', 'master-only', 'by-content-type', 'all'];
  return [
    'X-Permitted-Cross-Domain-Policies',
    oneOf(`${option}.permittedPolicies`, o.permittedPolicies, allowed, 'none'),
  ];
}

/** A header with a single fixed value that can only be switched on or off. */
export function fixed(option: string, value: boolean | undefined, header: Header): Header | undefined {
  return bool(option, value, true) ? header : undefined;
}
