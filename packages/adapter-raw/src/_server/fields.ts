// A response's fields: how they are checked and how they are held.
//
// Response fields are mostly the same few names and values on every answer (a policy's security
// headers, a content type). Their checks (RFC 9110 §5.1 token names, §5.5 field values) run once
// per name, and a name remembers the last value that passed, so that a policy's constant values
// are checked by one identity comparison, and per-request values (request ids, rate-limit
// counters) by one scan, with nothing stored for them.
import { intern, isToken } from '@bouncer/core/adapter';
import { FieldValue, fieldValueKind } from './chars';

/** Distinct names remembered; when full it starts over (the constant ones are back after one answer). */
const LIMIT = 1024;

/** What a checked name remembers. */
export interface NameRecord {
  /** The lower-case key. */
  readonly lower: string;
  /** The last value set under this name that passed the check and is plain ASCII; `''` for none. */
  last: string;
  /** The last one-string entry built under this name, reused while the same value is set again. */
  entry: HeaderEntry | undefined;
}

/** Checked name (as spelled, and lower-case) → its record. */
const names = new Map<string, NameRecord>();

/** The record of a name the app sets; throws a `TypeError` unless it is a token. */
export function fieldRecord(name: string): NameRecord {
  let rec = names.get(name);
  if (rec === undefined) {
    if (!isToken(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    // Interned: table lookups with it (and with the core's interned names) compare by identity.
    const lower = intern(name.toLowerCase());
    if (names.size >= LIMIT) names.clear();
    // Readers (the chain's `getHeader`) ask by the lower-case name: both spellings share one record.
    rec = names.get(lower) ?? { lower, last: '', entry: undefined };
    names.set(name, rec);
    names.set(lower, rec);
  }
  return rec;
}

/** The lower-case key of a name the app sets; throws a `TypeError` unless it is a token. */
export function fieldKey(name: string): string {
  return fieldRecord(name).lower;
}

/** The lower-case key to look a name up with (no check: reads never reach the wire). */
export function lookupKey(name: string): string {
  return names.get(name)?.lower ?? name.toLowerCase();
}

/**
 * Throws a `TypeError` unless every value may go on the wire (no CR, LF, NUL or other controls).
 * Returns true when some value holds obs-text (0x80–0xFF): the head is then not plain ASCII.
 */
export function checkFieldValue(name: string, value: string | readonly string[]): boolean {
  return checkValue(fieldRecord(name), name, value);
}

/** `checkFieldValue` for a name whose record the caller holds. */
export function checkValue(rec: NameRecord, name: string, value: string | readonly string[]): boolean {
  if (typeof value === 'string') return checkOne(rec, name, value);
  let obsText = false;
  for (const v of value) if (checkOne(rec, name, v)) obsText = true;
  return obsText;
}

/** Only ASCII values are remembered, so a remembered value is known to hold no obs-text. */
function checkOne(rec: NameRecord, name: string, value: unknown): boolean {
  if (value === rec.last && value !== '') return false;
  const kind = typeof value === 'string' ? fieldValueKind(value) : FieldValue.Invalid;
  if (kind === FieldValue.Invalid) throw new TypeError(`Invalid value for header ${name}`);
  if (kind === FieldValue.Ascii) rec.last = value as string;
  return kind === FieldValue.ObsText;
}

/**
 * The entry of a one-string value that passed `checkValue`, its field line built: a policy's
 * constant headers get the same entry back on every answer (one identity comparison), so a head
 * is a join of prebuilt lines and setting one allocates nothing. Entries are never changed once
 * built (a new value is a new entry), so one may stand in many responses' tables at once.
 */
export function fieldEntry(rec: NameRecord, name: string, value: string): HeaderEntry {
  const last = rec.entry;
  if (last !== undefined && value === last.value && name === last.name && value !== '') return last;
  const entry: HeaderEntry = { name, value, line: `${name}: ${value}\r\n` };
  rec.entry = entry;
  return entry;
}

/**
 * One response field: the name as the app spelled it, one value or several field lines. Never
 * changed once built: the same entry may stand in several responses' tables.
 */
export interface HeaderEntry {
  readonly name: string;
  readonly value: string | string[];
  /** The field line ready for the head, when the value is one string. */
  readonly line?: string;
  /** On the first entry of a fixed set (see `FixedBlock`): the whole set's lines. */
  readonly block?: FixedBlock;
}

/**
 * A fixed field set's lines, joined once: while all of its entries stand in the table in a row,
 * as they were put there, the head takes this one string instead of one line per field.
 */
interface FixedBlock {
  /** The set's entries, in order, each under its own name. */
  readonly entries: readonly HeaderEntry[];
  /** Their field lines, joined. */
  readonly text: string;
  /** One of them is `Date` (the head then adds none of its own). */
  readonly hasDate: boolean;
}

/**
 * Response fields keyed by lower-case name, in the order first set (as a `Map` would keep them),
 * held in two short parallel arrays: an answer carries some twenty fields, for which a linear
 * scan is cheaper than building and growing a hash table on every response.
 */
export class FieldTable {
  /** Lower-case names, in order. */
  readonly keys: string[] = [];
  /** The entry of each name in `keys`, at the same index. */
  readonly entries: HeaderEntry[] = [];

  get(lower: string): HeaderEntry | undefined {
    const i = this.keys.indexOf(lower);
    return i === -1 ? undefined : this.entries[i];
  }

  has(lower: string): boolean {
    return this.keys.indexOf(lower) !== -1;
  }

  /** Replaces the entry in place, or appends a new one. */
  set(lower: string, entry: HeaderEntry): void {
    const i = this.keys.indexOf(lower);
    if (i === -1) {
      this.keys.push(lower);
      this.entries.push(entry);
    } else this.entries[i] = entry;
  }

  /**
   * Appends each entry under `lower[i]` when the table holds none of those names yet (they are
   * distinct); otherwise changes nothing and returns false.
   */
  addAll(lower: readonly string[], entries: readonly HeaderEntry[]): boolean {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (lower.includes(keys[i])) return false;
    for (let i = 0; i < lower.length; i++) {
      keys.push(lower[i]);
      this.entries.push(entries[i]);
    }
    return true;
  }

  delete(lower: string): void {
    const i = this.keys.indexOf(lower);
    if (i === -1) return;
    this.keys.splice(i, 1);
    this.entries.splice(i, 1);
  }
}
