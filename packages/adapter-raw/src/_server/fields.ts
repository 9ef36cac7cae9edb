// Response fields are mostly the same few names and values on every answer (a policy's security
// headers, a content type). Their checks (RFC 9110 §5.1 token names, §5.5 field values) run once
// per name, and a name remembers the last value that passed, so that a policy's constant values
// are checked by one identity comparison, and per-request values (request ids, rate-limit
// counters) by one scan, with nothing stored for them.
import { FieldValue, fieldValueKind, isToken } from './chars';

/** Distinct names remembered; when full it starts over (the constant ones are back after one answer). */
const LIMIT = 1024;

/** What a checked name remembers. */
export interface NameRecord {
  /** The lower-case key. */
  readonly lower: string;
  /** The last value set under this name that passed the check and is plain ASCII; `''` for none. */
  last: string;
  /** The last field line built under this name (`Name: value\r\n`), and what it was built from. */
  line: string;
  lineName: string;
  lineValue: string;
}

/** Checked name (as spelled, and lower-case) → its record. */
const names = new Map<string, NameRecord>();

/** The record of a name the app sets; throws a `TypeError` unless it is a token. */
export function fieldRecord(name: string): NameRecord {
  let rec = names.get(name);
  if (rec === undefined) {
    if (!isToken(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    const lower = name.toLowerCase();
    if (names.size >= LIMIT) names.clear();
    // Readers (the chain's `getHeader`) ask by the lower-case name: both spellings share one record.
    rec = names.get(lower) ?? { lower, last: '', line: '', lineName: '', lineValue: '' };
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
 * The serialised field line of a value that passed `checkValue`: a policy's constant headers get
 * the same string back on every answer (one identity comparison), so a head is a join of
 * prebuilt lines, not four concatenations per field.
 */
export function fieldLine(rec: NameRecord, name: string, value: string): string {
  if (value === rec.lineValue && name === rec.lineName && value !== '') return rec.line;
  const line = `${name}: ${value}\r\n`;
  rec.line = line;
  rec.lineName = name;
  rec.lineValue = value;
  return line;
}
