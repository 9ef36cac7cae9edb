import type { ServerResponse } from 'node:http';
import { isToken } from '@bouncer/core/adapter';
import { learnStore, storeOf, validValue } from './field-store';

/** A fixed set already checked, as it was then (the caller's arrays are readonly only by type). */
interface CheckedSet {
  readonly names: readonly string[];
  readonly lower: readonly string[];
  readonly values: readonly string[];
}

/** Fixed sets (by their values array) whose every name and value passed the checks. */
const checked = new WeakMap<readonly string[], CheckedSet>();

/**
 * Sets `names[i]` to `values[i]` on a Node response for each field it does not carry yet
 * (`lower[i]` is the lower-case name).
 *
 * A policy stamps the same fixed set on every answer. The first time (and whenever it is not the
 * same set as then) it goes through `setHeader`, and every name and value is checked as Node
 * checks them; later answers put the same entries straight into Node's field table (see
 * `field-store.ts`), only for the names the response does not carry.
 */
export function setMissingOn(
  res: ServerResponse,
  names: readonly string[],
  lower: readonly string[],
  values: readonly string[],
): void {
  if (res.headersSent) return;
  const store = storeOf(res);
  if (store !== undefined) {
    const known = checked.get(values);
    if (known !== undefined && sameSet(known, names, lower, values)) {
      for (let i = 0; i < names.length; i++)
        if (store[lower[i]] === undefined) store[lower[i]] = [names[i], values[i]];
      return;
    }
  }
  // One look at the names already set instead of a `hasHeader()` per field, which validates and
  // lower-cases its argument every time.
  const present = res.getHeaderNames();
  let wrote = -1;
  for (let i = 0; i < names.length; i++) {
    if (present.length !== 0 && present.includes(lower[i])) continue;
    res.setHeader(names[i], values[i]);
    wrote = i;
  }
  if (wrote === -1) return;
  learnStore(res, names[wrote], lower[wrote], values[wrote]);
  if (validSet(names, lower, values))
    checked.set(values, { names: [...names], lower: [...lower], values: [...values] });
}

function sameSet(
  known: CheckedSet,
  names: readonly string[],
  lower: readonly string[],
  values: readonly string[],
): boolean {
  const n = known.names.length;
  if (names.length !== n || lower.length !== n || values.length !== n) return false;
  for (let i = 0; i < n; i++)
    if (names[i] !== known.names[i] || lower[i] !== known.lower[i] || values[i] !== known.values[i])
      return false;
  return true;
}

/**
 * What `setHeader` accepts for every field (RFC 9110 §5.1 token names, §5.5 values; Node's
 * `validateHeaderName`/`validateHeaderValue`), and `lower[i]` really is `names[i]` in lower
 * case: the table is keyed by it.
 */
function validSet(names: readonly string[], lower: readonly string[], values: readonly string[]): boolean {
  if (lower.length !== names.length || values.length !== names.length) return false;
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = values[i];
    if (typeof name !== 'string' || !isToken(name) || lower[i] !== name.toLowerCase()) return false;
    if (typeof value !== 'string' || !validValue(value)) return false;
  }
  return true;
}
