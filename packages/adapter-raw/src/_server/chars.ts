// Byte classes from RFC 9110 §5.6.2 (token), §5.5 (field-value) and RFC 5234 (HEXDIG), as lookup
// tables so that the parser's inner loops do one array read per byte.

/** tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
export const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** field-vchar / SP / HTAB: VCHAR, obs-text (0x80–0xFF), space and tab. NUL, CR, LF, other CTLs and DEL are not. */
export const FIELD_VALUE = new Uint8Array(256);
FIELD_VALUE[0x09] = 1;
for (let c = 0x20; c <= 0x7e; c++) FIELD_VALUE[c] = 1;
for (let c = 0x80; c <= 0xff; c++) FIELD_VALUE[c] = 1;

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

/** True when `s` is a non-empty token (RFC 9110 §5.6.2). */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0) return false;
  }
  return true;
}

/** True when `s` may go on the wire as a field value: no CR, LF, NUL or other controls (RFC 9110 §5.5). */
export function isFieldValue(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE[c] === 0) return false;
  }
  return true;
}

export enum FieldValue {
  Invalid,
  /** VCHAR, SP and HTAB only. */
  Ascii,
  /** Valid, with obs-text bytes (0x80–0xFF) in it. */
  ObsText,
}

/** `isFieldValue`, also telling whether the value is plain ASCII. */
export function fieldValueKind(s: string): FieldValue {
  let kind = FieldValue.Ascii;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE[c] === 0) return FieldValue.Invalid;
    if (c > 0x7f) kind = FieldValue.ObsText;
  }
  return kind;
}
