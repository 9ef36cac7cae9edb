import { STATUS_CODES } from 'node:http';
import { checkFieldValue, type FieldTable, fieldKey, type HeaderEntry } from './fields';

const statusLines = new Map<number, string>();

/**
 * Where node's `STATUS_CODES` still carries the RFC 7231 phrase, RFC 9110's (§15.5.14, §15.5.21),
 * so that the status line agrees with the problem+json `title`. Every other code of RFC 9110 §15
 * reads the same in both.
 */
const RFC_9110_REASONS: Readonly<Record<number, string>> = {
  413: 'Content Too Large',
  422: 'Unprocessable Content',
};

/** The reason phrase sent for `status` (RFC 9112 §4: informative only, clients ignore it). */
export function reasonPhrase(status: number): string {
  return RFC_9110_REASONS[status] ?? STATUS_CODES[status] ?? 'Unknown';
}

/** `HTTP/1.1 404 Not Found\r\n`, built once per status code. We always answer as 1.1 (RFC 9110 §6.2). */
export function statusLine(status: number): string {
  let line = statusLines.get(status);
  if (line === undefined) {
    line = `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n`;
    if (statusLines.size < 1000) statusLines.set(status, line);
  }
  return line;
}

let dateLine = '';

function expireDate(): void {
  dateLine = '';
}

/**
 * The `Date` field line (RFC 9110 §6.6.1), formatted at most once per second: a timer clears it
 * at the next second boundary (as node:http does), so an answer reads one string, not the clock.
 */
export function dateHeader(): string {
  if (dateLine === '') {
    const now = Date.now();
    dateLine = `Date: ${new Date(now).toUTCString()}\r\n`;
    setTimeout(expireDate, 1000 - (now % 1000)).unref();
  }
  return dateLine;
}

/**
 * Checks a field the application sets: a token name and a value without CR, LF, NUL or other
 * controls (RFC 9110 §5.5). Throwing here, in the app's call, keeps injected lines off the wire.
 */
export function validateHeader(name: string, value: string | readonly string[]): void {
  fieldKey(name);
  checkFieldValue(name, value);
}

/** Status line plus every field line plus `extra` (framing fields) and the empty line. */
export function serializeHead(status: number, headers: FieldTable, extra: string): string {
  let head = statusLine(status);
  let hasDate = false;
  const { keys, entries } = headers;
  for (let i = 0; i < keys.length; i++) {
    const entry = entries[i];
    const block = entry.block;
    if (block !== undefined && inRun(entries, i, block.entries)) {
      head += block.text;
      if (block.hasDate) hasDate = true;
      i += block.entries.length - 1;
      continue;
    }
    if (keys[i] === 'date') hasDate = true;
    const { name, value, line } = entry;
    if (line !== undefined) head += line;
    else if (typeof value === 'string') head += name + ': ' + value + '\r\n';
    else for (const v of value) head += name + ': ' + v + '\r\n';
  }
  if (!hasDate) head += dateHeader();
  return head + extra + '\r\n';
}

/**
 * Whether `run` stands in `entries` from `at` on, entry for entry (each entry is only ever put
 * under its own name, so the same objects mean the same fields, none replaced or removed).
 */
function inRun(entries: readonly HeaderEntry[], at: number, run: readonly HeaderEntry[]): boolean {
  if (at + run.length > entries.length) return false;
  for (let j = 1; j < run.length; j++) if (entries[at + j] !== run[j]) return false;
  return true;
}

/** Statuses whose responses never carry content (RFC 9110 §6.4.1, §15.3.5, §15.4.5). */
export function bodyless(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}
