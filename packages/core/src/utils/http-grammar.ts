// The HTTP grammar rules Bouncer checks, each written once, in jshttp/cookie's manner: a named
// constant with its ABNF above it. The policies test strings against the regular expressions;
// the raw server builds its per-byte lookup tables from the same definitions.

/**
 * RFC 9110 §5.6.2:
 *
 *     token = 1*tchar
 *     tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
 *             "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
 */
export const TCHARS = "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TCHAR = new Uint8Array(128);
for (const c of TCHARS) TCHAR[c.charCodeAt(0)] = 1;

/** True when `value` is a token (a field name, a method, a transfer coding…). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** True when the character code `c` is a tchar. */
export function isTchar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

/**
 * RFC 9110 §5.5:
 *
 *     field-value   = *field-content
 *     field-content = field-vchar [ 1*( SP / HTAB / field-vchar ) field-vchar ]
 *     field-vchar   = VCHAR / obs-text
 *     obs-text      = %x80-FF
 *
 * So a byte of a field value is HTAB, SP, VCHAR (%x21-7E) or obs-text: never NUL, CR, LF, another
 * control or DEL. (Leading and trailing whitespace is not part of the value; a parser strips it.)
 */
export function isFieldValueByte(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c <= 0xff && c !== 0x7f);
}

const PLAIN_ASCII = /^[\t\x20-\x7e]*$/;

/**
 * True when every character of `s` is HTAB, SP or VCHAR: a field value with no obs-text, the
 * usual case, which one regular expression tests faster than a loop over `isFieldValueByte`.
 * False says nothing more: the value may still be valid with obs-text in it.
 */
export function isPlainFieldValue(s: string): boolean {
  return PLAIN_ASCII.test(s);
}

/**
 * RFC 9110 §5.6.4:
 *
 *     quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
 *     qdtext        = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
 *
 * The part of qdtext a value can be written with unescaped and in plain ASCII: SP and VCHAR but
 * `"` and `\`.
 */
const PLAIN_QDTEXT = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** True when `value` can sit inside a quoted-string without escaping. */
export function isPlainQuotable(value: string): boolean {
  return PLAIN_QDTEXT.test(value);
}

/**
 * RFC 9110 §8.6:
 *
 *     Content-Length = 1*DIGIT
 *
 * Leading zeros are digits like any other; fifteen significant digits always stay below 2^53,
 * the last integer a number holds exactly.
 */
const CONTENT_LENGTH = /^[0-9]+$/;
const MAX_LENGTH_DIGITS = 15;

/**
 * The length a Content-Length value declares: `undefined` when it is not 1*DIGIT (`1e3`, `-1`,
 * `0x10`, a list), `Infinity` when it has more significant digits than a number holds exactly
 * (it is then larger than any limit, never a rounded guess).
 */
export function contentLength(value: string): number | undefined {
  if (!CONTENT_LENGTH.test(value)) return undefined;
  let start = 0;
  while (start < value.length - 1 && value.charCodeAt(start) === 48 /* 0 */) start++;
  return value.length - start > MAX_LENGTH_DIGITS ? Number.POSITIVE_INFINITY : Number(value);
}
