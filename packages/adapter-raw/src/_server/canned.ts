// The answers the connection writes by itself, when a request cannot even be framed (a parse
// error, a timeout): no exchange exists, so neither the chain nor the app ever sees them.
import { ConfigError } from '@bouncer/core';
import { PROBLEM_TYPE, problemBody } from '@bouncer/core/adapter';
import { dateHeader, statusLine, validateHeader } from './serialize';

/** Cheap, always-safe fields for answers nobody else decorates: no MIME sniffing, no caching. */
export const DEFAULT_ERROR_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** Fields that frame or describe the canned answer: the server sets them, never `errorHeaders`. */
const OWNED = new Set(['content-length', 'transfer-encoding', 'connection', 'content-type', 'date']);

/** Validates `errorHeaders` once, at startup, with the same rules as any header the app sets. */
export function resolveErrorHeaders(headers: unknown): [string, string][] {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    throw new ConfigError(
      'createServer',
      'errorHeaders',
      `must be an object of name → value, got ${String(headers)}`,
    );
  }
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string') {
      throw new ConfigError(
        'createServer',
        'errorHeaders',
        `value of ${JSON.stringify(name)} must be a string, got ${typeof value}`,
      );
    }
    if (OWNED.has(name.toLowerCase())) {
      throw new ConfigError(
        'createServer',
        'errorHeaders',
        `may not set ${name}: the server frames these answers itself`,
      );
    }
    try {
      validateHeader(name, value);
    } catch (error) {
      throw new ConfigError(
        'createServer',
        'errorHeaders',
        `${(error as Error).message} (${JSON.stringify(value)})`,
      );
    }
    out.push([name, value]);
  }
  return out;
}

/**
 * Builds each canned answer's fields and problem+json body (RFC 9457) once per server; only the
 * status line and `Date` are prefixed per answer. Every one says `Connection: close` (RFC 9112 §9.6).
 */
export class CannedAnswers {
  readonly #lines: string;
  readonly #tails = new Map<number, string>();

  constructor(errorHeaders: readonly (readonly [string, string])[]) {
    this.#lines = errorHeaders.map(([name, value]) => `${name}: ${value}\r\n`).join('');
  }

  /** The complete answer for `status`, ready for the socket (latin1). */
  answer(status: number): string {
    let tail = this.#tails.get(status);
    if (tail === undefined) {
      const body = problemBody(status);
      tail =
        `Content-Type: ${PROBLEM_TYPE}\r\n${this.#lines}` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
      this.#tails.set(status, tail);
    }
    return statusLine(status) + dateHeader() + tail;
  }
}
