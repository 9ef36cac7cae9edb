// The grammar's byte classes as lookup tables, so that the parser's inner loops do one array read
// per byte. The rules themselves are the core's (`@bouncer/core/adapter`: RFC 9110 §5.6.2 token,
// §5.5 field-value); HEXDIG is RFC 5234's.
import { isFieldValueByte, isPlainFieldValue, TCHARS } from '@bouncer/core/adapter';

/** tchar (RFC 9110 §5.6.2). */
export const TOKEN = new Uint8Array(256);
for (const c of TCHARS) TOKEN[c.charCodeAt(0)] = 1;

/** A byte of a field value (RFC 9110 §5.5): HTAB, SP, VCHAR, obs-text. */
export const FIELD_VALUE = new Uint8Array(256);
for (let c = 0; c < 256; c++) if (isFieldValueByte(c)) FIELD_VALUE[c] = 1;

/**
 * Bytes allowed in a request-target (RFC 9112 §3.2, RFC 3986 characters): visible ASCII only.
 * Whitespace, controls and raw UTF-8 are rejected, as llhttp does in strict mode.
 */
export const TARGET = new Uint8Array(256);
for (let c = 0x21; c <= 0x7e; c++) TARGET[c] = 1;

/** HEXDIG value plus one (0 means "not a hex digit"). */
export const HEX = new Uint8Array(256);
for (let c = 0; c < 10; c++) HEX[0x30 + c] = c + 1;
for (let c = 0; c < 6; c++) {
  HEX[0x41 + c] = c + 11;
  HEX[0x61 + c] = c + 11;
}

export const CR = 0x0d;
export const LF = 0x0a;
export const SP = 0x20;
export const HTAB = 0x09;
export const COLON = 0x3a;
export const SEMI = 0x3b;

export enum FieldValue {
  Invalid,
  /** VCHAR, SP and HTAB only. */
  Ascii,
  /** Valid, with obs-text bytes (0x80–0xFF) in it. */
  ObsText,
}

/** Whether `s` may go on the wire as a field value, and whether it is plain ASCII. */
export function fieldValueKind(s: string): FieldValue {
  if (isPlainFieldValue(s)) return FieldValue.Ascii;
  let kind = FieldValue.Ascii;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE[c] === 0) return FieldValue.Invalid;
    if (c > 0x7f) kind = FieldValue.ObsText;
  }
  return kind;
}
