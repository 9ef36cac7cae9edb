import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import type { Awaitable } from '../../types';
import { show } from '../../utils/policy-options';

/** Which origins may read responses: `'*'`, exact origins, an anchored pattern, or a predicate. */
export type CorsOrigin =
  | '*'
  | string
  | readonly (string | RegExp)[]
  | RegExp
  | ((origin: string, ctx: Context<any>) => Awaitable<boolean>);

/** Decides whether a syntactically valid request origin is allowed. */
type OriginMatcher = (origin: string, ctx: Context<any>) => Awaitable<boolean>;

/**
 * A serialized origin as browsers send it (RFC 6454 §6.2): `scheme://host[:port]`, lower-case
 * scheme, no path, no list. Anything else — `https://a.com/`, `a, b`, CR/LF — is never allowed
 * and never reflected, whatever the configured matcher would say.
 */
const SERIALIZED_ORIGIN =
  /^[a-z][a-z0-9+.-]*:\/\/(?:[A-Za-z0-9._~!$&'()*+;=%-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function isSerializedOrigin(value: string): boolean {
  return value.length <= 1024 && SERIALIZED_ORIGIN.test(value);
}

/** `'https://App.example/'` → `'https://app.example'`; throws ConfigError for anything that is not an origin. */
function normaliseOrigin(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const origin = url?.origin;
  if (
    !url ||
    origin === undefined ||
    origin === 'null' ||
    url.username !== '' ||
    url.password !== '' ||
    url.pathname.length > 1 ||
    url.search !== '' ||
    url.hash !== '' ||
    !/^[^?#]*?:\/\/[^/]+\/?$/.test(value)
  ) {
    throw new ConfigError(
      'cors',
      'origin',
      `entries must be origins like 'https://app.example' (scheme, host, optional port; no path), got ${show(value)}` +
        (value === 'null' ? ' (use `allowNullOrigin` for the opaque origin)' : ''),
    );
  }
  return origin;
}

/**
 * A configured pattern must match whole origins: `/example\.com$/` also matches
 * `https://evil-example.com` (expressjs/cors #408), so the source must start with `^` and end
 * with `$`. It is recompiled as `^(?:…)$` so a top-level alternation (`^a|b$`) is anchored on
 * both sides too, and without `g`/`y`, whose `lastIndex` state makes `test()` alternate (#220).
 */
function compilePattern(pattern: RegExp): RegExp {
  const src = pattern.source;
  if (!src.startsWith('^') || !src.endsWith('$') || src.endsWith('\\$')) {
    throw new ConfigError(
      'cors',
      'origin',
      `patterns must be anchored with ^ and $ so they match whole origins, got ${pattern}` +
        ` (for example /^https:\\/\\/([a-z0-9-]+\\.)?app\\.example$/)`,
    );
  }
  return new RegExp(`^(?:${src})$`, pattern.flags.replace(/[gy]/g, ''));
}

/**
 * The compiled `origin` option: `'*'`, a synchronous test for configured origins and patterns
 * (pure, so it can be asked again on the way out), or the application's predicate.
 */
export type CompiledOrigin =
  | { kind: 'any' }
  | { kind: 'list'; allows: (origin: string) => boolean }
  | { kind: 'predicate'; allows: OriginMatcher };

/** Compiles the `origin` option once. */
export function compileOrigin(option: CorsOrigin): CompiledOrigin {
  if (option === '*') return { kind: 'any' };
  if (typeof option === 'function') return { kind: 'predicate', allows: option };
  const entries = typeof option === 'string' || option instanceof RegExp ? [option] : option;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ConfigError(
      'cors',
      'origin',
      `must be '*', an origin, an anchored RegExp, a non-empty array of those, or a function, got ${show(option)}`,
    );
  }
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    if (entry instanceof RegExp) patterns.push(compilePattern(entry));
    else if (typeof entry === 'string') {
      if (entry === '*') throw new ConfigError('cors', 'origin', "'*' cannot be combined with other origins");
      const origin = normaliseOrigin(entry);
      // Only a serialized origin can ever be allowed, so a hit in this set needs no further check.
      if (isSerializedOrigin(origin)) exact.add(origin);
    } else throw new ConfigError('cors', 'origin', `entries must be strings or RegExps, got ${show(entry)}`);
  }
  if (patterns.length === 0) return { kind: 'list', allows: (origin) => exact.has(origin) };
  return {
    kind: 'list',
    allows: (origin) =>
      exact.has(origin) || (isSerializedOrigin(origin) && patterns.some((p) => p.test(origin))),
  };
}
