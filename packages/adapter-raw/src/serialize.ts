import { STATUS_CODES } from 'node:http';
import { isFieldValue, isToken } from './_chars';

/** One response field: the name as the app spelled it, one value or several field lines. */
export interface HeaderEntry {
  name: string;
  value: string | string[];
}

/** Response fields keyed by lower-case name. */
export type HeaderMap = Map<string, HeaderEntry>;

const statusLines = new Map<number, string>();

/** `HTTP/1.1 404 Not Found\r\n`, built once per status code. We always answer as 1.1 (RFC 9110 §6.2). */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`;
    if (statusLines.size < 1000) statusLines.set(status, line);
  }
  return line;
}

let dateSecond = -1;
let dateLine = '';

/** The `Date` field line (RFC 9110 §6.6.1), formatted at most once per second. */
export function dateHeader(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/**
 * Checks a field the application sets: a token name and a value without CR, LF, NUL or other
 * controls (RFC 9110 §5.5). Throwing here, in the app's call, keeps injected lines off the wire.
 */
export function validateHeader(name: string, value: string | readonly string[]): void {
  if (!isToken(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name)}`);
  if (typeof value === 'string') {
    if (!isFieldValue(value)) throw new TypeError(`Invalid value for header ${name}`);
    return;
  }
  for (const v of value) {
    if (typeof v !== 'string' || !isFieldValue(v)) throw new TypeError(`Invalid value for header ${name}`);
  }
}

/** Status line plus every field line plus `extra` (framing fields) and the empty line. */
export function serializeHead(status: number, headers: HeaderMap, extra: string): string {
  let head = statusLine(status);
  let hasDate = false;
  for (const [lower, entry] of headers) {
    if (lower === 'date') hasDate = true;
    const { name, value } = entry;
    if (typeof value === 'string') head += name + ': ' + value + '\r\n';
    else for (const v of value) head += name + ': ' + v + '\r\n';
  }
  if (!hasDate) head += dateHeader();
  return head + extra + '\r\n';
}

/** Statuses whose responses never carry content (RFC 9110 §6.4.1, §15.3.5, §15.4.5). */
export function bodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}
