/** Tiny assertion helpers: the kit must run outside any test runner. */
export class CaseFailure extends Error {
  override name = 'CaseFailure';
}

export function equal<T>(actual: T, expected: T, what: string): void {
  if (!Object.is(actual, expected)) {
    throw new CaseFailure(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

export function ok(value: unknown, what: string): void {
  if (!value) throw new CaseFailure(what);
}

export function deepEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new CaseFailure(`${what}: expected ${e}, got ${a}`);
}

export function pick(
  headers: Record<string, string>,
  names: readonly string[],
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = headers[n];
  return out;
}

export async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new CaseFailure(`${what} (waited ${timeoutMs} ms)`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
