// rateLimit's options: their types and documented defaults, checked once when the factory runs.
import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { POLICY_NAME } from './headers';
import { MemoryStore } from './memory-store';
import type { RateLimitStore } from './store';

export interface RateLimitOptions {
  /** Requests allowed per window (whole number ≥ 1). */
  limit: number;
  /** Window in milliseconds (whole seconds when `headers` is on, as the `w` parameter is in seconds). */
  windowMs: number;
  /**
   * What is counted: `'ip'` (the client address from `clientIp`), `'subject'` (`ctx.state.auth.sub`
   * after authentication, else the address), or a function returning a non-empty string.
   * @default 'ip'
   */
  key?: 'ip' | 'subject' | ((ctx: Context<any>) => string);
  /** IPv6 addresses share a bucket per network of this prefix length (1–128). @default 56 */
  ipv6Prefix?: number;
  /** Where the state lives; one store may serve several limiters with distinct `policyName`s. @default new MemoryStore() */
  store?: RateLimitStore;
  /** Units this request takes from the quota (a number > 0, or computed per request). @default 1 */
  cost?: number | ((ctx: Context<any>) => number);
  /** Requests for which this returns true are neither counted nor limited (e.g. CORS preflights). @default undefined */
  skip?: (ctx: Context<any>) => boolean;
  /** Send `RateLimit` and `RateLimit-Policy` (draft-ietf-httpapi-ratelimit-headers-10) on every response. @default true */
  headers?: boolean;
  /**
   * When the store fails: `'open'` lets the request through (logged once per outage), `'closed'`
   * answers 503 with `Retry-After`. Never a 429: an outage is not the client's fault.
   * @default 'open'
   */
  failMode?: 'open' | 'closed';
  /** Names this limiter in the headers and in store keys (`[A-Za-z0-9_.-]`, ≤ 64). @default 'default' */
  policyName?: string;
  /** Receives store-outage messages. @default console.warn */
  warn?: (message: string, error?: unknown) => void;
}

const KNOWN = [
  'limit',
  'windowMs',
  'key',
  'ipv6Prefix',
  'store',
  'cost',
  'skip',
  'headers',
  'failMode',
  'policyName',
  'warn',
];

/** Policy names already in use per store: two limiters sharing names on one store would share buckets. */
const namesByStore = new WeakMap<RateLimitStore, Set<string>>();

export function validCost(cost: unknown): cost is number {
  return typeof cost === 'number' && Number.isFinite(cost) && cost > 0;
}

/** The options with their defaults applied, each one checked. */
export interface SettledOptions {
  limit: number;
  windowMs: number;
  headers: boolean;
  ipv6Prefix: number;
  name: string;
  failMode: 'open' | 'closed';
  store: RateLimitStore;
  cost: number | ((ctx: Context<any>) => number);
  skip: ((ctx: Context<any>) => boolean) | undefined;
  warn: (message: string, error?: unknown) => void;
  key: NonNullable<RateLimitOptions['key']>;
}

/** Applies the defaults and checks every option, throwing `ConfigError` for the first bad one. */
export function settleOptions(options: RateLimitOptions): SettledOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError(
      'rateLimit',
      'limit',
      'and `windowMs` are required, e.g. rateLimit({ limit: 100, windowMs: 60_000 })',
    );
  }
  assertKnownKeys('rateLimit', options, KNOWN);
  const { limit, windowMs } = options;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ConfigError(
      'rateLimit',
      'limit',
      `must be a whole number ≥ 1, got ${show(limit)} (to refuse every request, use ipFilter or a route guard, not a zero limit)`,
    );
  }
  if (!Number.isSafeInteger(windowMs) || windowMs < 1) {
    throw new ConfigError(
      'rateLimit',
      'windowMs',
      `must be a whole number of milliseconds ≥ 1, got ${show(windowMs)}`,
    );
  }
  const headers = options.headers ?? true;
  if (typeof headers !== 'boolean')
    throw new ConfigError('rateLimit', 'headers', `must be a boolean, got ${show(headers)}`);
  if (headers && windowMs % 1000 !== 0) {
    throw new ConfigError(
      'rateLimit',
      'windowMs',
      `must be whole seconds when headers are on (RateLimit-Policy \`w\` is an integer of seconds), got ${windowMs}: use a multiple of 1000 or \`headers: false\``,
    );
  }
  const ipv6Prefix = options.ipv6Prefix ?? 56;
  if (!Number.isInteger(ipv6Prefix) || ipv6Prefix < 1 || ipv6Prefix > 128) {
    throw new ConfigError(
      'rateLimit',
      'ipv6Prefix',
      `must be a whole number from 1 to 128, got ${show(ipv6Prefix)} (48–64 is usual)`,
    );
  }
  const name = options.policyName ?? 'default';
  if (typeof name !== 'string' || !POLICY_NAME.test(name)) {
    throw new ConfigError(
      'rateLimit',
      'policyName',
      `must be 1–64 characters of [A-Za-z0-9_.-], got ${show(name)}`,
    );
  }
  const failMode = options.failMode ?? 'open';
  if (failMode !== 'open' && failMode !== 'closed') {
    throw new ConfigError('rateLimit', 'failMode', `must be 'open' or 'closed', got ${show(failMode)}`);
  }
  const store = options.store ?? new MemoryStore();
  if (typeof store !== 'object' || store === null || typeof store.consume !== 'function') {
    throw new ConfigError(
      'rateLimit',
      'store',
      `must implement RateLimitStore (consume, reset), got ${show(store)}`,
    );
  }
  const names = namesByStore.get(store) ?? new Set<string>();
  if (names.has(name)) {
    throw new ConfigError(
      'rateLimit',
      'policyName',
      `${show(name)} is already used by another rateLimit on this store: they would count into the same buckets; give each limiter its own policyName`,
    );
  }
  names.add(name);
  namesByStore.set(store, names);

  const cost = options.cost ?? 1;
  if (typeof cost !== 'function' && !validCost(cost)) {
    throw new ConfigError('rateLimit', 'cost', `must be a number > 0 or a function, got ${show(cost)}`);
  }
  const skip = options.skip;
  if (skip !== undefined && typeof skip !== 'function')
    throw new ConfigError('rateLimit', 'skip', `must be a function, got ${show(skip)}`);
  const warn = options.warn ?? ((message: string, error?: unknown) => console.warn(message, error));
  if (typeof warn !== 'function')
    throw new ConfigError('rateLimit', 'warn', `must be a function, got ${show(warn)}`);

  return {
    limit,
    windowMs,
    headers,
    ipv6Prefix,
    name,
    failMode,
    store,
    cost,
    skip,
    warn,
    key: options.key ?? 'ip',
  };
}
