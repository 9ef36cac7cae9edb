// The servers under test: which script, in which mode, compared against what.

export type Stack = 'express' | 'koa' | 'hono' | 'raw' | 'node' | 'ceiling';
export type Kind =
  | 'bare'
  | 'native'
  | 'headers'
  | 'bouncer'
  | 'bouncer-jwt'
  | 'bouncer-redis'
  | 'bouncer-cluster';

export interface Variant {
  /** Stable id, used in results and on the chart: `express:bouncer`. */
  id: string;
  stack: Stack;
  kind: Kind;
  /** Human label for tables. */
  label: string;
  /** Script under `bench/servers/`, and its arguments. */
  script: string;
  args: string[];
  /** Sends `Authorization: Bearer <token>` on every request. */
  jwt: boolean;
  /** What a probe must see on the answer for the variant to count as protected as claimed. */
  expects: 'nothing' | 'protection' | 'protection+jwt';
}

const FRAMEWORKS = [
  { stack: 'express', name: 'Express 5', native: 'helmet + cors + express-rate-limit' },
  { stack: 'koa', name: 'Koa 3', native: 'koa-helmet + @koa/cors + koa-ratelimit' },
  { stack: 'hono', name: 'Hono 4', native: 'secureHeaders + cors + hono-rate-limiter' },
] as const;

function variant(stack: Stack, kind: Kind, label: string, script: string, args: string[] = []): Variant {
  const expects =
    kind === 'bare' || kind === 'headers'
      ? 'nothing'
      : kind === 'bouncer-jwt'
        ? 'protection+jwt'
        : 'protection';
  return { id: `${stack}:${kind}`, stack, kind, label, script, args, jwt: kind === 'bouncer-jwt', expects };
}

/** Every variant, in the order one round runs them. */
export const VARIANTS: readonly Variant[] = [
  variant('ceiling', 'bare', 'node:net responder (generator ceiling)', 'net-ceiling.ts'),
  variant('node', 'bare', 'node:http bare', 'node-http.ts', ['bare']),
  variant('node', 'headers', 'node:http + the same headers, no logic (floor)', 'node-http.ts', ['headers']),
  variant('raw', 'bare', '@bouncer/raw bare', 'raw.ts', ['bare']),
  variant('raw', 'headers', '@bouncer/raw + the same headers, no logic', 'raw.ts', ['headers']),
  variant('raw', 'bouncer', '@bouncer/raw + Bouncer policy', 'raw.ts', ['bouncer']),
  variant('raw', 'bouncer-redis', '@bouncer/raw + Bouncer policy, limits in Redis', 'raw.ts', [
    'bouncer-redis',
  ]),
  variant('raw', 'bouncer-cluster', '@bouncer/raw + Bouncer policy, limits in Redis Cluster', 'raw.ts', [
    'bouncer-cluster',
  ]),
  ...FRAMEWORKS.flatMap(({ stack, name, native }) => [
    variant(stack, 'bare', `${name} bare`, `${stack}.ts`, ['bare']),
    variant(stack, 'native', `${name} + ${native}`, `${stack}.ts`, ['native']),
    variant(stack, 'headers', `${name} + the same headers, no logic (floor)`, `${stack}.ts`, ['headers']),
    variant(stack, 'bouncer', `${name} + Bouncer policy`, `${stack}.ts`, ['bouncer']),
    variant(stack, 'bouncer-jwt', `${name} + Bouncer policy + JWT`, `${stack}.ts`, ['bouncer-jwt']),
    variant(stack, 'bouncer-redis', `${name} + Bouncer policy, limits in Redis`, `${stack}.ts`, [
      'bouncer-redis',
    ]),
    variant(stack, 'bouncer-cluster', `${name} + Bouncer policy, limits in Redis Cluster`, `${stack}.ts`, [
      'bouncer-cluster',
    ]),
  ]),
];

/** Variants whose id matches one of the comma-separated filters (a prefix such as `express` or an exact id). */
export function selectVariants(filter: string | undefined, all: readonly Variant[] = VARIANTS): Variant[] {
  if (!filter) return [...all];
  const wanted = filter
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = all.filter((v) => wanted.some((w) => v.id === w || v.id.startsWith(`${w}:`)));
  if (picked.length === 0)
    throw new Error(`--only ${filter} matches no variant; ids: ${all.map((v) => v.id).join(', ')}`);
  return picked;
}
