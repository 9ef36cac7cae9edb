import { ConfigError } from '../errors';

/** Throws on keys the policy does not know, suggesting the closest known one. */
export function checkKeys(middleware: string, what: string, value: unknown, known: readonly string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(middleware, what, `must be an object, got ${JSON.stringify(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const hint = closest(key, known);
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

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
