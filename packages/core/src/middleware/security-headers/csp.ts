import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { show } from '../../utils/policy-options';

/** Marks `default-src` as deliberately absent (helmet's escape hatch of the same name). */
export const dangerouslyDisableDefaultSrc: unique symbol = Symbol('dangerouslyDisableDefaultSrc');

/** A directive value computed per request; its result is validated like a configured one. */
export type CspDynamicValue = (ctx: Context<any>) => string;
export type CspDirectiveValue = string | readonly (string | CspDynamicValue)[];

export interface ContentSecurityPolicyOptions {
  /** Start from helmet's default directives and override them; `null` removes one. @default true */
  useDefaults?: boolean;
  /** Directives by name, camelCase (`scriptSrc`) or as written (`'script-src'`). @default {} */
  directives?: Record<string, CspDirectiveValue | null | typeof dangerouslyDisableDefaultSrc>;
  /** Sends `Content-Security-Policy-Report-Only` instead. @default false */
  reportOnly?: boolean;
  /**
   * A fresh 128-bit nonce per request, on `ctx.state.cspNonce` and added as `'nonce-…'` to
   * `script-src` and `style-src` where present. Note that in CSP2+ browsers a nonce in
   * `style-src` makes the default `'unsafe-inline'` there ineffective.
   * @default false
   */
  nonce?: boolean;
}

/** helmet 8's defaults, in its order. */
const DEFAULTS: Record<string, readonly string[]> = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", 'https:', "'unsafe-inline'"],
  'upgrade-insecure-requests': [],
};

/** Returns a deep copy of the default directives. */
export function getDefaultDirectives(): Record<string, string[]> {
  return Object.fromEntries(Object.entries(DEFAULTS).map(([k, v]) => [k, [...v]]));
}

/** Keywords that only mean something quoted (CSP3 §2.3.1); unquoted they name a host. */
const MUST_QUOTE =
  /^(self|none|unsafe-inline|unsafe-eval|strict-dynamic|report-sample|unsafe-hashes|wasm-unsafe-eval|inline-speculation-rules|unsafe-allow-redirects|nonce-.+|sha(256|384|512)-.+)$/i;

/** Why `value` cannot be a directive value, or undefined when it can. */
function invalidCspValue(value: string): string | undefined {
  // `;` ends the directive and `,` the policy (CSP3 §2.2): either would let a value smuggle
  // in a directive of its own. Control characters would split or corrupt the header (CWE-113).
  if (/[;,]/.test(value)) return 'must not contain ";" or ","';
  if (/[^\x20-\x7e]/.test(value)) return 'must be printable ASCII (no CR, LF or other control characters)';
  for (const word of value.split(' ')) {
    if (MUST_QUOTE.test(word)) return `has the keyword ${word} unquoted: write "'${word}'"`;
  }
  return undefined;
}

function dashed(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

interface Directive {
  name: string;
  parts: (string | CspDynamicValue)[];
}

/** A compiled policy: the header name and a per-request value builder. */
export interface CompiledCsp {
  header: string;
  nonce: boolean;
  /** Static when no value is per-request; otherwise computed by `value()`. */
  static: string | undefined;
  value(ctx: Context<any>, nonce: string | undefined): string;
}

function fail(option: string, message: string): never {
  throw new ConfigError('securityHeaders', `contentSecurityPolicy.${option}`, message);
}

export function compileCsp(options: ContentSecurityPolicyOptions): CompiledCsp {
  const useDefaults = options.useDefaults ?? true;
  const given = options.directives ?? {};
  if (given === null || typeof given !== 'object')
    fail('directives', `must be an object, got ${show(given)}`);
  const directives = new Map<string, Directive | null>();
  if (useDefaults)
    for (const [name, parts] of Object.entries(DEFAULTS)) directives.set(name, { name, parts: [...parts] });
  const seen = new Set<string>();
  let defaultSrcDisabled = false;

  for (const [key, raw] of Object.entries(given)) {
    const name = dashed(key);
    if (!/^[a-z]+(-[a-z]+)*$/.test(name)) fail(`directives.${key}`, `is not a valid directive name`);
    if (seen.has(name)) fail(`directives.${key}`, `is given twice (as camelCase and dashed)`);
    seen.add(name);
    if (raw === null) {
      directives.set(name, null);
      continue;
    }
    if (raw === dangerouslyDisableDefaultSrc) {
      if (name !== 'default-src')
        fail(`directives.${key}`, 'dangerouslyDisableDefaultSrc only applies to default-src');
      defaultSrcDisabled = true;
      directives.set(name, null);
      continue;
    }
    const list = typeof raw === 'string' ? [raw] : raw;
    if (!Array.isArray(list)) fail(`directives.${key}`, `must be a string or an array, got ${show(raw)}`);
    const parts: (string | CspDynamicValue)[] = [];
    for (const part of list as readonly unknown[]) {
      if (typeof part === 'function') parts.push(part as CspDynamicValue);
      else if (typeof part === 'string') {
        const why = invalidCspValue(part);
        if (why) fail(`directives.${key}`, `value ${show(part)} ${why}`);
        if (part.trim() !== '') parts.push(part.trim());
      } else fail(`directives.${key}`, `values must be strings or functions, got ${show(part)}`);
    }
    directives.set(name, { name, parts });
  }

  const active = [...directives.values()].filter((d): d is Directive => d !== null);
  if (!defaultSrcDisabled && !active.some((d) => d.name === 'default-src')) {
    fail('directives', 'needs a default-src (or `dangerouslyDisableDefaultSrc` to leave it out on purpose)');
  }
  if (active.length === 0) fail('directives', 'leaves no directive at all');

  const nonce = options.nonce ?? false;
  if (typeof nonce !== 'boolean') fail('nonce', `must be a boolean, got ${show(nonce)}`);
  const reportOnly = options.reportOnly ?? false;
  if (typeof reportOnly !== 'boolean') fail('reportOnly', `must be a boolean, got ${show(reportOnly)}`);

  const dynamic = nonce || active.some((d) => d.parts.some((p) => typeof p === 'function'));
  const render = (ctx: Context<any> | undefined, n: string | undefined) =>
    active
      .map(({ name, parts }) => {
        const words = parts.map((p) => {
          if (typeof p === 'string') return p;
          const out = p(ctx!);
          // A per-request value is checked like a configured one: a bad one is a 500 for this
          // request, never a header that rewrites the policy.
          const why = typeof out === 'string' ? invalidCspValue(out) : 'must return a string';
          if (why) throw new Error(`securityHeaders: the ${name} value function's result ${why}`);
          return out;
        });
        if (n !== undefined && (name === 'script-src' || name === 'style-src')) words.push(`'nonce-${n}'`);
        return words.length === 0 ? name : `${name} ${words.join(' ')}`;
      })
      .join('; ');

  return {
    header: reportOnly ? 'Content-Security-Policy-Report-Only' : 'Content-Security-Policy',
    nonce,
    static: dynamic ? undefined : render(undefined, undefined),
    value: render,
  };
}

/** 128 bits from the platform CSPRNG, base64 (CSP3 §2.3.1 `base64-value`); never derived from the request. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
