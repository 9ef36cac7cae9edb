import { ConfigError } from '../errors';
import { closestName } from '../utils/policy-options';

/** Throws on keys the policy does not know, suggesting the closest known one. */
export function checkKeys(middleware: string, what: string, value: unknown, known: readonly string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(middleware, what, `must be an object, got ${JSON.stringify(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = closestName(key, known);
    throw new ConfigError(
      middleware,
      `${what}.${key}`,
      `is not a known option${hint ? `. Did you mean \`${hint}\`?` : ''} (known: ${known.join(', ')})`,
    );
  }
}

/** `undefined` → the default; `false` → off; `true` → on with defaults; an object → on with it. */
export function section<T>(value: T | boolean | undefined, onByDefault: boolean): T | boolean {
  if (value === undefined) return onByDefault;
  return value;
}
