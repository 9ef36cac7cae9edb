// One request to each server before it is measured: a variant that answers 401, 404 or without
// the protection it claims would make its throughput meaningless, so it is flagged instead.
import type { Variant } from './variants';

export interface ProbeInput {
  variant: Pick<Variant, 'expects'>;
  /** Headers the load generator will send. */
  headers: Record<string, string>;
  expectedBody: string;
}

/** What is wrong with a variant's answers (empty when it serves what it claims). */
export function checkAnswer(
  input: ProbeInput,
  answer: { status: number; headers: Headers; body: string },
  unauthenticated?: { status: number },
): string[] {
  const problems: string[] = [];
  if (answer.status !== 200) problems.push(`status ${answer.status}, expected 200`);
  if (answer.body !== input.expectedBody) problems.push('body differs from the prices payload');
  if (input.variant.expects === 'nothing') return problems;
  const h = answer.headers;
  if (h.get('x-content-type-options') !== 'nosniff') problems.push('no X-Content-Type-Options: nosniff');
  const origin = input.headers.Origin;
  if (origin && h.get('access-control-allow-origin') !== origin)
    problems.push('no Access-Control-Allow-Origin for the allowed origin');
  const limited = ['ratelimit', 'ratelimit-policy', 'ratelimit-limit', 'x-ratelimit-limit'].some((n) =>
    h.has(n),
  );
  if (!limited) problems.push('no rate-limit header');
  if (input.variant.expects === 'protection+jwt' && unauthenticated?.status !== 401) {
    problems.push(`a request without the token got ${unauthenticated?.status}, expected 401`);
  }
  return problems;
}

/** Requests `url` as the load generator will (and once without `Authorization` for JWT variants). */
export async function probe(url: string, input: ProbeInput): Promise<string[]> {
  try {
    const res = await fetch(url, { headers: input.headers });
    const answer = { status: res.status, headers: res.headers, body: await res.text() };
    let unauthenticated: { status: number } | undefined;
    if (input.variant.expects === 'protection+jwt') {
      const { Authorization: _, ...rest } = input.headers;
      const bare = await fetch(url, { headers: rest });
      await bare.arrayBuffer();
      unauthenticated = { status: bare.status };
    }
    return checkAnswer(input, answer, unauthenticated);
  } catch (error) {
    return [`request failed: ${(error as Error).message}`];
  }
}
