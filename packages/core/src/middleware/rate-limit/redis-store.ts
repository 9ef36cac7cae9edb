import { BouncerError, ConfigError } from '../../errors';
import { GCRA_SCRIPT } from './redis-script';
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from './store';

/**
 * The few Redis commands the store sends, typed structurally so the core never imports a client
 * library: an `ioredis` `Redis` or `Cluster` instance satisfies it as is.
 */
export interface RedisClientLike {
  script(subcommand: 'LOAD', source: string): Promise<unknown>;
  evalsha(sha: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  eval(source: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Connected client (an `ioredis` `Redis` or `Cluster`); the store never closes it. */
  client: RedisClientLike;
  /** Prepended to every key; give each limiter its own so two limiters never share a bucket. @default 'bouncer:rl:' */
  prefix?: string;
  /** Longest wait for Redis per call before the call counts as failed. @default 50 */
  timeoutMs?: number;
  /** Store that decides while Redis is failing (typically a `MemoryStore`); without it, calls reject. */
  fallback?: RateLimitStore;
  /** Told of a Redis failure once per outage (not per request), e.g. to log it. */
  onError?: (error: unknown) => void;
}

/** A store could not decide (unreachable, too slow, or answered nonsense): not "over limit". */
export class StoreUnavailableError extends BouncerError {
  override name = 'StoreUnavailableError';
}

const NAME = 'RedisStore';
// setTimeout stores its delay as a signed 32-bit integer; larger values fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Shared GCRA rate-limit state in Redis: one atomic `EVALSHA` per decision, Redis's clock, a
 * per-call timeout, and an optional fallback store while Redis is down.
 *
 * @example
 * const client = new Redis({ enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500 });
 * const store = new RedisStore({ client, fallback: new MemoryStore(), onError: (e) => log.warn(e) });
 */
export class RedisStore implements RateLimitStore {
  readonly name = 'redis';
  readonly #client: RedisClientLike;
  readonly #prefix: string;
  readonly #timeoutMs: number;
  readonly #fallback: RateLimitStore | undefined;
  readonly #onError: ((error: unknown) => void) | undefined;
  #sha: Promise<string> | undefined;
  #up = true;
  // While down, a single call at a time probes Redis; the others fail over at once instead of
  // each waiting out the timeout, so an outage costs at most one timeout of latency at a time.
  #probing = false;
  #lastError: unknown;

  constructor(options: RedisStoreOptions) {
    const { client, prefix = 'bouncer:rl:', timeoutMs = 50, fallback, onError } = options ?? ({} as never);
    for (const method of ['script', 'evalsha', 'eval', 'del'] as const) {
      if (typeof client?.[method] !== 'function') {
        throw new ConfigError(
          NAME,
          'client',
          `must be a Redis client with a \`${method}\` method (an ioredis Redis or Cluster), got ${describe(client)}`,
        );
      }
    }
    // A brace in the prefix would become the Redis Cluster hash tag and put every key in one slot.
    if (typeof prefix !== 'string' || /[{}]/.test(prefix)) {
      throw new ConfigError(
        NAME,
        'prefix',
        `must be a string without \`{\` or \`}\`, got ${describe(prefix)}`,
      );
    }
    if (
      typeof timeoutMs !== 'number' ||
      !Number.isFinite(timeoutMs) ||
      timeoutMs <= 0 ||
      timeoutMs > MAX_TIMER_MS
    ) {
      throw new ConfigError(
        NAME,
        'timeoutMs',
        `must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${describe(timeoutMs)}`,
      );
    }
    if (fallback !== undefined && typeof fallback?.consume !== 'function') {
      throw new ConfigError(
        NAME,
        'fallback',
        `must be a RateLimitStore (e.g. a MemoryStore), got ${describe(fallback)}`,
      );
    }
    if (onError !== undefined && typeof onError !== 'function') {
      throw new ConfigError(NAME, 'onError', `must be a function, got ${describe(onError)}`);
    }
    this.#client = client;
    this.#prefix = prefix;
    this.#timeoutMs = timeoutMs;
    this.#fallback = fallback;
    this.#onError = onError;
  }

  /**
   * Loads the script now (`SCRIPT LOAD`), so the first requests do not pay for it: call it before
   * serving. On an ioredis `Cluster` it loads it on every master (a keyless command reaches only
   * one; the others would first answer `NOSCRIPT`). Rejects when Redis cannot be reached; the
   * store still works, deciding by `fallback` (or failing) until Redis answers.
   */
  async ready(): Promise<void> {
    await this.#withTimeout(this.#loadScript());
    const nodes = (this.#client as { nodes?: (role: 'master') => RedisClientLike[] }).nodes;
    if (typeof nodes === 'function') {
      const masters = nodes.call(this.#client, 'master');
      await this.#withTimeout(Promise.all(masters.map((node) => node.script('LOAD', GCRA_SCRIPT))));
    }
  }

  /**
   * The Redis key for `key`: `<prefix>{<tag>}<key>`, where the tag is a 32-bit FNV-1a hash of the
   * key in hex. Redis Cluster hashes only the text between the first `{` and the next `}` (Cluster
   * specification, "Hash tags"), so a key that carried its own braces (a subject or a custom key
   * is client input) would otherwise choose its slot, or put many clients in one. The tag is ours,
   * brace-free and spread evenly; the whole key follows it, so two keys never share a bucket even
   * when their tags collide (they only share a slot).
   */
  keyFor(key: string): string {
    return `${this.#prefix}{${hashTag(key)}}${key}`;
  }

  async consume(key: string, rule: RateLimitRule, cost: number): Promise<RateLimitDecision> {
    if (!this.#up && this.#probing) return this.#failOver(key, rule, cost, this.#lastError);
    const probe = !this.#up;
    if (probe) this.#probing = true;
    try {
      const args = [this.keyFor(key), String(rule.windowMs), String(rule.limit), String(cost)];
      const decision = toDecision(await this.#withTimeout(this.#evaluate(args)), rule.limit);
      this.#up = true;
      return decision;
    } catch (error) {
      this.#down(error);
      return this.#failOver(key, rule, cost, error);
    } finally {
      if (probe) this.#probing = false;
    }
  }

  async reset(key: string): Promise<void> {
    await this.#fallback?.reset(key);
    try {
      await this.#withTimeout(this.#client.del(this.keyFor(key)));
      this.#up = true;
    } catch (error) {
      this.#down(error);
      if (!this.#fallback) throw unavailable(error);
    }
  }

  /** Closes the fallback store; the Redis client belongs to the caller, who quits it. */
  async close(): Promise<void> {
    await this.#fallback?.close?.();
  }

  async #evaluate(args: string[]): Promise<unknown> {
    const sha = await this.#loadScript();
    try {
      return await this.#client.evalsha(sha, 1, ...args);
    } catch (error) {
      // After a restart, SCRIPT FLUSH or failover the server has forgotten the script. EVAL both
      // answers and re-caches it on that server, so recovery costs no extra round trip.
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return this.#client.eval(GCRA_SCRIPT, 1, ...args);
    }
  }

  #loadScript(): Promise<string> {
    if (this.#sha) return this.#sha;
    const loading = Promise.resolve()
      .then(() => this.#client.script('LOAD', GCRA_SCRIPT))
      .then((sha) => {
        if (typeof sha !== 'string' || !/^[0-9a-f]{40}$/.test(sha))
          throw new Error(`SCRIPT LOAD answered ${describe(sha)}`);
        return sha;
      });
    this.#sha = loading;
    // A failed load (Redis down at boot) must not be remembered: the next call tries again.
    loading.catch(() => {
      if (this.#sha === loading) this.#sha = undefined;
    });
    return loading;
  }

  #withTimeout<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      // When the deadline passes, look once more after the event loop's next I/O poll: a process
      // busy for longer than the timeout (a burst, a GC pause) runs due timers *before* reading
      // the reply that is already waiting in the socket, and that must not count as Redis being slow.
      const timer = setTimeout(() => {
        setTimeout(() => reject(new Error(`no reply from Redis within ${this.#timeoutMs} ms`)), 0);
      }, this.#timeoutMs);
      // Both branches are always attached, so a reply or error arriving after the timeout is
      // absorbed here (a settled promise ignores it) and never becomes an unhandled rejection.
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #down(error: unknown): void {
    this.#lastError = error;
    if (!this.#up) return;
    this.#up = false;
    try {
      this.#onError?.(unavailable(error));
    } catch {
      // A faulty logging hook must not turn an outage into a crash.
    }
  }

  async #failOver(
    key: string,
    rule: RateLimitRule,
    cost: number,
    cause: unknown,
  ): Promise<RateLimitDecision> {
    if (!this.#fallback) throw unavailable(cause);
    try {
      return await this.#fallback.consume(key, rule, cost);
    } catch (error) {
      throw unavailable(error);
    }
  }
}

/** FNV-1a (32-bit) of the UTF-16 code units, as 8 hex digits: fast and well spread, not secret. */
function hashTag(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function unavailable(cause: unknown): StoreUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StoreUnavailableError(`${NAME}: Redis unavailable (${reason})`, { cause });
}

function toDecision(reply: unknown, limit: number): RateLimitDecision {
  if (Array.isArray(reply) && reply.length === 4) {
    const [allowed, remaining, resetMs, retryAfterMs] = reply.map(Number);
    if ([allowed, remaining, resetMs, retryAfterMs].every(Number.isFinite)) {
      return { allowed: allowed === 1, limit, remaining, resetMs, retryAfterMs };
    }
  }
  throw new Error(`unexpected reply from the rate-limit script: ${describe(reply)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object')
    return `an object (${Object.keys(value).slice(0, 5).join(', ') || 'no keys'})`;
  return String(value);
}
