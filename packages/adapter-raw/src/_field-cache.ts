// Response fields are mostly the same few names and values on every answer (a policy's security
// headers, a content type). Their checks (RFC 9110 §5.1 token names, §5.5 field values) run once
// per distinct string and are remembered, bounded, so that per-request values cannot grow them.
import { FieldValue, fieldValueKind, isToken } from './_chars';

/**
 * Distinct names, and distinct values, remembered. When one is full it starts over: per-request
 * values (request ids) fill it now and then, and the constant ones are back after one request.
 */
const LIMIT = 1024;
/** Values longer than this are checked every time rather than kept. */
const MAX_KEPT_VALUE = 4096;

/** Checked name → its lower-case key. */
const names = new Map<string, string>();
/** Checked values made of ASCII only. */
const asciiValues = new Set<string>();

/** The lower-case key of a name the app sets; throws a `TypeError` unless it is a token. */
export function fieldKey(name: string): string {
  let lower = names.get(name);
  if (lower === undefined) {
    if (!isToken(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
    lower = name.toLowerCase();
    if (names.size >= LIMIT) names.clear();
    names.set(name, lower);
    // Readers (the chain's `getHeader`) ask by the lower-case name.
    names.set(lower, lower);
  }
  return lower;
}

/** The lower-case key to look a name up with (no check: reads never reach the wire). */
export function lookupKey(name: string): string {
  return names.get(name) ?? name.toLowerCase();
}

/**
 * Throws a `TypeError` unless every value may go on the wire (no CR, LF, NUL or other controls).
 * Returns true when some value holds obs-text (0x80–0xFF): the head is then not plain ASCII.
 */
export function checkFieldValue(name: string, value: string | readonly string[]): boolean {
  if (typeof value === 'string') return checkOne(name, value);
  let obsText = false;
  for (const v of value) if (checkOne(name, v)) obsText = true;
  return obsText;
}

/** Only ASCII values are remembered, so a remembered value is known to hold no obs-text. */
function checkOne(name: string, value: unknown): boolean {
  if (typeof value === 'string' && asciiValues.has(value)) return false;
  const kind = typeof value === 'string' ? fieldValueKind(value) : FieldValue.Invalid;
  if (kind === FieldValue.Invalid) throw new TypeError(`Invalid value for header ${name}`);
  if (kind === FieldValue.Ascii && (value as string).length <= MAX_KEPT_VALUE) {
    if (asciiValues.size >= LIMIT) asciiValues.clear();
    asciiValues.add(value as string);
  }
  return kind === FieldValue.ObsText;
}
