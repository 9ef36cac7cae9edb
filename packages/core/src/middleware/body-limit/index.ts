import { bodyTooLarge, DEFAULT_BODY_LIMIT, type RequestBody } from '../../body';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { contentLength } from '../../utils/http-grammar';
import { assertKnownKeys, show } from '../../utils/policy-options';

export interface BodyLimitOptions {
  /**
   * Largest request body accepted, in bytes, or a size string such as `'64kb'` or `'1.5mb'`
   * (units are powers of 1024). Counted on the wire: a compressed body is limited before decoding.
   * @default 1048576 (1 MiB)
   */
  limit?: number | string;
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** `'64kb'` → 65536. Throws `ConfigError` for anything that is not a finite, non-negative size. */
export function parseByteSize(value: number | string, middleware = 'bodyLimit', option = 'limit'): number {
  let bytes = Number.NaN;
  if (typeof value === 'number') bytes = value;
  else if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(value);
    if (m) bytes = Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]);
  }
  // An invalid limit is an error, never "no limit": body-parser silently ignored one until
  // expressjs/body-parser#698, which disabled the size limit.
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ConfigError(
      middleware,
      option,
      `must be a non-negative integer of bytes or a size with a unit (${Object.keys(UNITS).join(', ')}), like '64kb', got ${show(value)}`,
    );
  }
  return bytes;
}

/**
 * Marks a body whose limit a `bodyLimit` has already set: a second, inner one may only tighten it.
 * A symbol-keyed property rather than a `WeakSet`: weak collections cost ~170 ns per request in
 * ephemeron bookkeeping for an object that dies with the request anyway.
 */
const LIMITED = Symbol('bouncer.bodyLimit');
type MarkedBody = RequestBody & { [LIMITED]?: true };

/** A malformed or over-large declared body is left unread: the connection cannot carry another request. */
const CLOSE: Readonly<Record<string, string>> = Object.freeze({ Connection: 'close' });

/**
 * Rejects request bodies larger than `limit` with 413: at once from a declared `Content-Length`,
 * otherwise by counting bytes as they are read. The limit is published as `ctx.req.body.limit`:
 * every read through the core (`ctx.req.body.bytes()`) and, via the adapters, the application's
 * own body parsing is held to it, so a chunked body or a short `Content-Length` cannot slip past.
 *
 * Several `bodyLimit` in one chain combine to the smallest limit: a policy never loosens another.
 *
 * @example
 * compose([bodyLimit({ limit: '100kb' })]);
 */
export function bodyLimit(options: BodyLimitOptions = {}): Middleware {
  assertKnownKeys('bodyLimit', options, ['limit']);
  const limit = options.limit === undefined ? DEFAULT_BODY_LIMIT : parseByteSize(options.limit);

  return phased('bodyLimit', {
    before(ctx) {
      const body = ctx.req.body as MarkedBody;
      body.limit = body[LIMITED] === true ? Math.min(body.limit, limit) : limit;
      body[LIMITED] = true;
      const effective = body.limit;

      // RFC 9112 §6.3: with Transfer-Encoding present, Content-Length is ignored (it must not be
      // trusted to be small: hono 605c7056); the byte count at read time is what holds then.
      const chunked = ctx.req.header('transfer-encoding') !== undefined;
      if (!chunked) {
        const declared = ctx.req.headerValues('content-length');
        if (declared.length > 0) {
          const length = declared.length === 1 ? contentLength(declared[0].trim()) : undefined;
          if (length === undefined) {
            ctx.reject(400, 'Malformed Content-Length', 'bodyLimit', CLOSE);
            return;
          }
          // A value too long to be exact is Infinity: certainly too large. (A 413 closes the
          // connection by itself: see `ctx.respond`.)
          if (length > effective) {
            ctx.fail(bodyTooLarge(effective));
            return;
          }
        }
      }

      // A body of unknown length (chunked) is read here, counted against the limit, and replayed to
      // the application by the adapter. Leaving it to the application would let each framework's
      // own parser (or none) decide: the limit must hold the same on every stack. At most `limit`
      // bytes are ever buffered. An outer middleware may already have read the body (replay): then
      // what it read is checked.
      if (chunked || body.consumed) return checkRead(body, effective);
    },
  });
}

async function checkRead(body: RequestBody, effective: number): Promise<void> {
  const bytes = await body.bytes();
  if (bytes.byteLength > effective) throw bodyTooLarge(effective);
}
