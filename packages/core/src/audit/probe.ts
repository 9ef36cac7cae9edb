import { PROBLEM_TYPE } from '../errors';
import { probePath } from './fill-path';
import type { RouteReport } from './types';

export interface ProbeOptions {
  /** Extra request headers every probe sends, e.g. a denied `X-Forwarded-For`. @default {} */
  headers?: Record<string, string>;
  /** Statuses that count as the bouncer's rejection. @default [401, 403] */
  statuses?: readonly number[];
  /**
   * A response header the chain always sets (e.g. `x-request-id`): proof of the bouncer when the
   * answer has no problem+json body to check (HEAD). @default undefined
   */
  signatureHeader?: string;
  /** Milliseconds to wait for each answer. @default 5000 */
  timeout?: number;
}

export interface ProbeResult {
  method: string;
  /** The pattern as reported by the static audit. */
  path: string;
  /** The concrete path requested. */
  url: string;
  status: number;
  /** True when the answer is the bouncer's rejection (status expected and body/header proof). */
  rejected: boolean;
  /** What came back, for the error message (`200 text/html`). */
  answer: string;
}

/** The methods worth sending for one reported route: `ALL`/`USE` become a `GET`. */
function probeMethod(method: string): string {
  return method === 'ALL' || method === 'USE' ? 'GET' : method;
}

/**
 * Sends one unauthenticated request to each route (patterns filled by `probePath`) and records
 * whether the bouncer rejected it. Regular-expression routes, which cannot be filled, are skipped
 * and left to the static audit.
 */
export async function probeRoutes(
  baseUrl: string,
  routes: readonly RouteReport[],
  options: ProbeOptions = {},
): Promise<ProbeResult[]> {
  const statuses = new Set(options.statuses ?? [401, 403]);
  const results: ProbeResult[] = [];
  const seen = new Set<string>();
  for (const route of routes) {
    const path = probePath(route.path);
    if (path === undefined) continue;
    const method = probeMethod(route.method);
    const key = `${method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: options.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeout ?? 5000),
    });
    const type = res.headers.get('content-type') ?? '';
    const text = method === 'HEAD' ? '' : await res.text();
    const proof =
      (options.signatureHeader !== undefined && res.headers.has(options.signatureHeader)) ||
      (type.startsWith(PROBLEM_TYPE) && (method === 'HEAD' || problemStatus(text) === res.status));
    results.push({
      method,
      path: route.path,
      url: path,
      status: res.status,
      rejected: statuses.has(res.status) && proof,
      answer: `${res.status} ${type || 'no content-type'}`.trim(),
    });
  }
  return results;
}

function problemStatus(text: string): number | undefined {
  try {
    const status = (JSON.parse(text) as { status?: unknown }).status;
    return typeof status === 'number' ? status : undefined;
  } catch {
    return undefined;
  }
}
