import type { JWTPayload } from 'jose';

interface Entry {
  payload: JWTPayload;
  /** `Date.now()` from which the entry is dropped (token exp, `iat` + maxTokenAge, or the cache's max age). */
  until: number;
  /** The cache's insertion count when this entry was last put at the back of the order. */
  seq: number;
}

/**
 * Tokens whose signature and claims were verified, so a repeat costs a map lookup instead of a
 * signature check. Least recently used entries go first once `size` is reached. Keyed by the
 * whole token string, so a token differing in any byte (signature included) is a miss.
 *
 * A hit moves its entry to the back of the order only when it has drifted into the older half:
 * the recency order is then kept to within half the cache, and a token repeated in a burst costs
 * a lookup, not a delete and a re-insert each time.
 */
export class VerifiedTokens {
  readonly #map = new Map<string, Entry>();
  readonly #size: number;
  readonly #maxAge: number;
  /** `maxTokenAge` in seconds: a cached token leaves when its `iat` grows older than this. */
  readonly #maxTokenAge: number | undefined;
  #inserted = 0;

  constructor(size: number, maxAgeMs: number, maxTokenAge?: number) {
    this.#size = size;
    this.#maxAge = maxAgeMs;
    this.#maxTokenAge = maxTokenAge;
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
    if (this.#inserted - entry.seq >= this.#size >> 1) {
      // Re-insert: Map keeps insertion order, so the first key is always the least recently used.
      this.#map.delete(token);
      this.#map.set(token, entry);
      entry.seq = ++this.#inserted;
    }
    return entry.payload;
  }

  set(token: string, payload: JWTPayload, now: number, tolerance: number): void {
    if (this.#size === 0) return;
    let until = now + this.#maxAge;
    if (payload.exp !== undefined) until = Math.min(until, (payload.exp + tolerance) * 1000);
    // The verifier refused a token older than `maxTokenAge`; a cached one must age out the same.
    if (this.#maxTokenAge !== undefined) {
      if (typeof payload.iat !== 'number') return;
      until = Math.min(until, (payload.iat + this.#maxTokenAge + tolerance) * 1000);
    }
    if (until <= now) return;
    this.#map.delete(token);
    if (this.#map.size >= this.#size) this.#map.delete(this.#map.keys().next().value!);
    this.#map.set(token, { payload, until, seq: ++this.#inserted });
  }

  get size(): number {
    return this.#map.size;
  }
}

const RECENT = 8;

/**
 * The last few `Authorization` field values whose token was found in the cache, each with that
 * token. A repeat request's field is then compared, not hashed: hashing a fresh 250-character
 * header value for the map lookup costs more than the rest of the cached path together. An entry
 * only says which token the field carries (`field === 'Bearer ' + token`); validity is still
 * decided by `VerifiedTokens.get`.
 */
export class RecentBearers {
  readonly #fields: (string | undefined)[] = new Array(RECENT).fill(undefined);
  readonly #tokens: string[] = new Array(RECENT).fill('');
  #next = 0;

  /** The token a remembered field carries, else undefined. */
  token(field: string): string | undefined {
    const fields = this.#fields;
    for (let i = 0; i < RECENT; i++) if (fields[i] === field) return this.#tokens[i];
    return undefined;
  }

  remember(field: string, token: string): void {
    this.#fields[this.#next] = field;
    this.#tokens[this.#next] = token;
    this.#next = (this.#next + 1) % RECENT;
  }
}
