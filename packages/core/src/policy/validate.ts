import { ConfigError } from '../errors';
import { show } from '../utils/policy-options';

/**
 * A policy section: `undefined` → its default; `false` → off; `true` → on with defaults; an
 * options object → on with it. `scalar` admits a shorthand value too (`bodyLimit: '64kb'`).
 * Anything else is refused here, under the section's own name: passed on, a string would be read
 * as an options object whose keys are `0`, `1`, …
 */
export function section<T>(
  name: string,
  value: T | boolean | undefined,
  onByDefault: boolean,
  scalar?: 'size',
): T | boolean {
  if (value === undefined) return onByDefault;
  if (typeof value === 'boolean') return value;
  if (scalar === 'size' && (typeof value === 'number' || typeof value === 'string')) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const shapes = scalar === 'size' ? "true, false, a number of bytes, a size like '64kb'" : 'true, false';
    throw new ConfigError('bouncer', name, `must be ${shapes} or an options object, got ${show(value)}`);
  }
  return value;
}
