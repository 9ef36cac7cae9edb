import { ConfigError } from '../errors';

/** Levenshtein distance, small inputs only (option names). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = saved;
    }
  }
  return row[b.length];
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const score = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return bestScore <= Math.max(2, Math.floor(name.length / 4)) ? best : undefined;
}

/**
 * Refuses option keys a factory does not know: a typo (`contentSecurityPolicyy`, `maxage`) would
 * otherwise silently leave a default in place, as helmet's options do (helmetjs/helmet#452).
 * One message for every factory, adapter and server: the option, the closest known name, the list.
 */
export function assertKnownKeys(
  middleware: string,
  options: object,
  known: readonly string[],
  prefix = '',
): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const hint = closestName(key, known);
    throw new ConfigError(
      middleware,
      prefix + key,
      `is not a known option${hint ? `: did you mean \`${prefix}${hint}\`?` : ''} (known: ${known.join(', ')})`,
    );
  }
}

/** Refuses a value that is not a plain options object, naming the option. */
export function assertOptionsObject(
  middleware: string,
  option: string,
  value: unknown,
): asserts value is object {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(middleware, option, `must be an options object, got ${show(value)}`);
  }
}

/** A nested options object (`routes[0]`, `rateLimit`): an object, and only known keys under `option.`. */
export function assertNestedOptions(
  middleware: string,
  option: string,
  value: unknown,
  known: readonly string[],
): asserts value is object {
  assertOptionsObject(middleware, option, value);
  assertKnownKeys(middleware, value, known, `${option}.`);
}

/** Quotes a configured value for an error message, bounded so a huge value does not flood logs. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'function') text = 'a function';
  else if (value instanceof RegExp) text = String(value);
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
