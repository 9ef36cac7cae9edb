import { ConfigError } from '../../errors';
import { show } from '../../utils/policy-options';
import { gcraStep } from './gcra';
import type { RateLimitDecision, RateLimitRule, RateLimitStore } from './store';

export interface MemoryStoreOptions {
  /**
   * Most keys held at once. Past it, expired keys go first, then the least recently used: a flood
   * of fresh addresses (an IPv6 /32 holds 2^96) cannot grow memory beyond this bound.
   * @default 100_000
   */
  maxKeys?: number;
  /** Clock in milliseconds; monotonic so that wall-clock jumps neither free nor lock clients. @default performance.now */
  now?: () => number;
}

/**
 * In-process GCRA store: one number per key (its theoretical arrival time) in a `Map` whose
 * insertion order doubles as the LRU list. No timers: expired keys are dropped when met or swept.
 * Per process only: behind several instances each counts separately (use a shared store there).
 */
export class MemoryStore implements RateLimitStore {
  readonly name = 'memory';
  readonly #tats = new Map<string, number>();
  readonly #maxKeys: number;
  readonly #now: () => number;
  /** Inserts since the last sweep; a full sweep runs at most once per `maxKeys / 8` inserts (amortised O(1)). */
  #sinceSweep = Number.POSITIVE_INFINITY;
  /** The key set last: the young end of the LRU order whenever it is still held. */
  #newest: string | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) {
      throw new ConfigError('MemoryStore', 'maxKeys', `must be a whole number ≥ 1, got ${show(maxKeys)}`);
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new ConfigError('MemoryStore', 'now', `must be a function, got ${show(options.now)}`);
    }
    this.#maxKeys = maxKeys;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Keys currently held (expired ones included until they are met or swept). */
  get size(): number {
    return this.#tats.size;
  }

  consume(key: string, rule: RateLimitRule, cost: number): RateLimitDecision {
    const now = this.#now();
    const tats = this.#tats;
    let stored = tats.get(key);
    // Re-inserting moves a key to the young end of the LRU order. The key set last is there
    // already, so it is updated in place: a delete + set would leave a hole the Map must rehash
    // (on a small map, a new table every few requests of a client sending a burst).
    const inPlace = stored !== undefined && key === this.#newest;
    if (stored !== undefined) {
      if (!inPlace) tats.delete(key);
      if (stored <= now) stored = undefined;
    }
    const decision = gcraStep(stored, now, rule, cost);
    const tat = decision.allowed ? now + decision.resetMs : stored;
    if (tat !== undefined) {
      if (!inPlace && tats.size >= this.#maxKeys) this.#makeRoom(now);
      tats.set(key, tat);
      this.#newest = key;
    } else if (inPlace) {
      tats.delete(key);
    }
    return decision;
  }

  reset(key: string): void {
    this.#tats.delete(key);
  }

  close(): void {
    this.#tats.clear();
  }

  #makeRoom(now: number): void {
    const tats = this.#tats;
    if (this.#sinceSweep >= this.#maxKeys / 8) {
      this.#sinceSweep = 0;
      for (const [key, tat] of tats) if (tat <= now) tats.delete(key);
    }
    this.#sinceSweep++;
    // Oldest first: Map iteration follows insertion order, which `consume` keeps as recency order.
    for (const key of tats.keys()) {
      if (tats.size < this.#maxKeys) break;
      tats.delete(key);
    }
  }
}

/** `new MemoryStore(options)` as a plain factory. */
export function memoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
