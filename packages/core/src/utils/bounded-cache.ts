// A memo for values derived from client-controlled strings (addresses, keys): a hit is one `Map`
// lookup, and the size has a hard bound, so a client spraying fresh values only churns it.

/**
 * Two generations of at most `maxEntries / 2` keys each. New keys go to the young generation;
 * when it is full it becomes the old one and the previous old one is dropped whole (amortised
 * O(1), no per-hit bookkeeping). A key found only in the old generation is copied back into the
 * young one, so keys in steady use survive a flood while one-off keys age out.
 * `undefined` means "not cached": store `null` for a cached absence.
 */
export class BoundedCache<V> {
  #young = new Map<string, V>();
  #old = new Map<string, V>();
  readonly #half: number;

  constructor(maxEntries: number) {
    this.#half = Math.max(1, Math.floor(maxEntries / 2));
  }

  get(key: string): V | undefined {
    const hit = this.#young.get(key);
    if (hit !== undefined) return hit;
    const aged = this.#old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    if (this.#young.size >= this.#half) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(key, value);
  }

  /** Keys held, at most `maxEntries` (a promoted key may be counted in both generations). */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
