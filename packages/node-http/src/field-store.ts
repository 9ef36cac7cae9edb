// Reading and writing a Node response's fields where `setHeader` and `getHeader` keep them.
//
// Each `res.setHeader()` checks its name and value with two regular expressions and lower-cases
// the name, and each `res.getHeader()` lower-cases its argument, every time. A policy sets the
// same few names on every answer: measured side by side on Koa and on Hono's node-server, those
// calls were the largest part of what the chain's head hooks cost (~3 µs per response for the
// security headers alone). So the chain's reads and writes go to the same table directly, after
// the same checks done once per name (and per fixed set, see `setMissingOn`). Everything other
// code reads back — `getHeader`, `getHeaders`, `hasHeader`, `headersSent`, the head's bytes — is
// what `setHeader` would have left; only a wrapper around `res.setHeader` itself does not see
// these writes. Where no such table is found (another runtime's `node:http`), every
// call goes through the public methods.
import type { ServerResponse } from 'node:http';
import { isFieldValueByte, isPlainFieldValue, isToken } from '@bouncer/core/adapter';

/**
 * Node's own table of a response's fields (`OutgoingMessage[kOutHeaders]`): lower-case name →
 * `[name as set, value]`.
 */
export type FieldStore = Record<string, [string, unknown] | undefined>;

/**
 * The table's key, learnt from the first `setHeader` seen (see `learnStore`): a symbol, `null`
 * once it turned out not to hold what `setHeader` stored, `undefined` until then.
 */
let storeKey: symbol | null | undefined;

/** What a name that passed the token check remembers. */
interface CheckedName {
  /** The lower-case key. */
  readonly lower: string;
  /** The last value written under it that passed the check: a policy's constant is not scanned again. */
  last: string | undefined;
}

/** Names that passed the token check. */
const checkedNames = new Map<string, CheckedName>();
const NAMES_LIMIT = 512;

/** `res`'s field table, when it is known and `res` has one already; otherwise `undefined`. */
export function storeOf(res: ServerResponse): FieldStore | undefined {
  if (!storeKey) return undefined;
  return (res as unknown as Record<symbol, FieldStore | null | undefined>)[storeKey] ?? undefined;
}

/** Learns the table's key from what `res.setHeader(name, value)` just stored under `lower`. */
export function learnStore(res: ServerResponse, name: string, lower: string, value: unknown): void {
  if (storeKey !== undefined) return;
  storeKey = null;
  for (const key of Object.getOwnPropertySymbols(res)) {
    const table = (res as unknown as Record<symbol, unknown>)[key];
    if (table === null || typeof table !== 'object') continue;
    const entry = (table as FieldStore)[lower];
    if (Array.isArray(entry) && entry.length === 2 && entry[0] === name && entry[1] === value) {
      storeKey = key;
      return;
    }
  }
}

/** What `res.getHeader(lower)` returns, for a lower-case `lower`. */
export function getField(res: ServerResponse, lower: string): unknown {
  const store = storeOf(res);
  return store === undefined ? res.getHeader(lower) : store[lower]?.[1];
}

/**
 * `res.setHeader(name, value)` — a one-string value the same checks accept goes straight into
 * the table. The caller checks `headersSent` (where `setHeader` would throw).
 */
export function setField(res: ServerResponse, name: string, value: string | readonly string[]): void {
  const store = storeOf(res);
  if (store !== undefined && typeof value === 'string') {
    const known = checkedNames.get(name);
    if (known !== undefined && (value === known.last || validValue(value))) {
      known.last = value;
      store[known.lower] = [name, value];
      return;
    }
  }
  res.setHeader(name, value as string | string[]);
  if (storeKey === undefined || !checkedNames.has(name)) {
    const lower = name.toLowerCase();
    learnStore(res, name, lower, value);
    // `setHeader` returned: Node accepted the name. Ours is the same RFC 9110 §5.1 token rule.
    if (isToken(name)) {
      if (checkedNames.size >= NAMES_LIMIT) checkedNames.clear();
      checkedNames.set(name, { lower, last: undefined });
    }
  }
}

/**
 * A field value `setHeader` accepts (RFC 9110 §5.5: no CR, LF, NUL or other controls; Node's
 * `validateHeaderValue`).
 */
export function validValue(value: string): boolean {
  if (isPlainFieldValue(value)) return true;
  for (let i = 0; i < value.length; i++) if (!isFieldValueByte(value.charCodeAt(i))) return false;
  return true;
}
