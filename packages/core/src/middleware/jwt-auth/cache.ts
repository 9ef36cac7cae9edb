import type { JWTPayload } from 'jose';

interface Entry {
  payload: JWTPayload;
  /** `Date.now()` after which the entry is dropped (token exp, or the cache's max age). */
  until: number;
}

/**
 * Tokens whose signature and claims were verified, so a repeat costs a map lookup instead of a
 * signature check. Least recently used entries go first once `size` is reached. Keyed by the
 * whole token string, so a token differing in any byte (signature included) is a miss.
 */
export class VerifiedTokens {
  readonly #map = new Map<string, Entry>();
  readonly #size: number;
  readonly #maxAge: number;

  constructor(size: number, maxAgeMs: number) {
    this.#size = size;
    this.#maxAge = maxAgeMs;
  }

  /** The cached claims while `exp`/`nbf` still hold at `now` (with `tolerance` seconds), else undefined. */
  get(token: string, now: number, tolerance: number): JWTPayload | undefined {
    const entry = this.#map.get(token);
    if (!entry) return undefined;
    const { exp, nbf } = entry.payload;
    const nowSec = now / 1000;
    if (
      now >= entry.until ||
      (exp !== undefined && exp <= nowSec - tolerance) ||
      (nbf !== undefined && nbf > nowSec + tolerance)
    ) {
      this.#map.delete(token);
      return undefined;
    }
    // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
    this.#map.delete(token);
    this.#map.set(token, entry);
    return entry.payload;
  }

  set(token: string, payload: JWTPayload, now: number, tolerance: number): void {
    if (this.#size === 0) return;
    let until = now + this.#maxAge;
    if (payload.exp !== undefined) until = Math.min(until, (payload.exp + tolerance) * 1000);
    if (until <= now) return;
    this.#map.delete(token);
    if (this.#map.size >= this.#size) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(token, { payload, until });
  }

  get size(): number {
    return this.#map.size;
  }
}
