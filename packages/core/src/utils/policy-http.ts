// Small HTTP grammar checks shared by the header-emitting policies.

/** RFC 9110 §5.6.2 `token`: `1*tchar`. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/** True when `value` may go on the wire as a field value: visible ASCII and inner spaces/tabs only (RFC 9110 §5.5). */
export function isSafeFieldValue(value: string): boolean {
  return /^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/.test(value) || value === '';
}

/** True when `value` can sit inside an RFC 9110 §5.6.4 quoted-string without escaping. */
export function isPlainQuotable(value: string): boolean {
  return /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/.test(value);
}
