// Random (version 4) UUIDs, RFC 9562 §5.4, from a pool of random bytes drawn in batches.
//
// `crypto.randomUUID()` draws its randomness 128 ids at a time and builds each id by joining
// sixteen two-character pieces: inside a busy server the draw is a native call of several
// microseconds per batch, and the joined string is a rope that the head's serialiser must flatten
// before it can write it. Here one `getRandomValues` call (the Web Crypto CSPRNG, on every
// runtime) fills the pool for 1024 ids, and each id is made by one `String.fromCharCode` call: a
// flat string, in about a third of the time. Nothing else changes: 122 random bits from the same
// source, lower-case hex, the 8-4-4-4-12 layout.

/** Ids per draw: 16 KiB of randomness (a `getRandomValues` call takes at most 64 KiB). */
const BATCH = 1024;
const DASH = 0x2d;
const FOUR = 0x34;
const HEX = new Uint8Array(Array.from('0123456789abcdef', (c) => c.charCodeAt(0)));

const pool = new Uint8Array(BATCH * 16);
let next = BATCH;

/** The hex digit (as a char code) of the high half of `byte`. */
function hi(byte: number): number {
  return HEX[byte >> 4];
}

/** The hex digit (as a char code) of the low half of `byte`. */
function lo(byte: number): number {
  return HEX[byte & 0x0f];
}

/** A new random UUID, e.g. `1b4e28ba-2fa1-41d2-883f-0016d3cca427`. */
export function randomUuid(): string {
  if (next === BATCH) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const p = pool;
  const o = next++ * 16;
  // biome-ignore format: one line per group of the id
  return String.fromCharCode(
    hi(p[o]), lo(p[o]), hi(p[o + 1]), lo(p[o + 1]), hi(p[o + 2]), lo(p[o + 2]), hi(p[o + 3]), lo(p[o + 3]),
    DASH,
    hi(p[o + 4]), lo(p[o + 4]), hi(p[o + 5]), lo(p[o + 5]),
    DASH,
    // The version nibble is 4; the rest of byte 6 is random.
    FOUR, lo(p[o + 6]), hi(p[o + 7]), lo(p[o + 7]),
    DASH,
    // The variant's two top bits are 10 (8, 9, a or b); the rest of byte 8 is random.
    HEX[8 | ((p[o + 8] >> 4) & 3)], lo(p[o + 8]), hi(p[o + 9]), lo(p[o + 9]),
    DASH,
    hi(p[o + 10]), lo(p[o + 10]), hi(p[o + 11]), lo(p[o + 11]), hi(p[o + 12]), lo(p[o + 12]),
    hi(p[o + 13]), lo(p[o + 13]), hi(p[o + 14]), lo(p[o + 14]), hi(p[o + 15]), lo(p[o + 15]),
  );
}
