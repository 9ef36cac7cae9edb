import { DEFAULT_BODY_LIMIT, type RequestBody } from '../../body';
import { ConfigError, HttpError } from '../../errors';
import type { Middleware } from '../../types';
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
  // raw-body 4 made an invalid limit an error instead of "no limit"; so do we (research note B8).
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new ConfigError(
      middleware,
      option,
      `must be a non-negative integer of bytes or a size like '64kb', got ${show(value)}`,
    );
  }
  return bytes;
}

/** Bodies whose limit a `bodyLimit` has already set: a second, inner one may only tighten it. */
const limited = new WeakSet<RequestBody>();

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
  const tooLarge = `Body exceeds ${limit} bytes`;

  return async function bodyLimitMiddleware(ctx, next) {
    const body = ctx.req.body;
    body.limit = limited.has(body) ? Math.min(body.limit, limit) : limit;
    limited.add(body);
    const effective = body.limit;

    // RFC 9112 §6.3: with Transfer-Encoding present, Content-Length is ignored (it must not be
    // trusted to be small: hono 605c7056); the byte count at read time is what holds then.
    if (ctx.req.header('transfer-encoding') === undefined) {
      const declared = ctx.req.headerValues('content-length');
      if (declared.length > 0) {
        const value = declared.length === 1 ? declared[0].trim() : '';
        // Only plain digits are a Content-Length (RFC 9110 §8.6); `1e3`, `-1`, `0x10` and
        // lists are malformed. A value too long to be exact is certainly too large.
        if (!/^\d+$/.test(value)) {
          ctx.reject(400, 'Malformed Content-Length', 'bodyLimit', { Connection: 'close' });
          return;
        }
        if (value.replace(/^0+(?=\d)/, '').length > 15 || Number(value) > effective) {
          ctx.reject(413, effective === limit ? tooLarge : `Body exceeds ${effective} bytes`, 'bodyLimit', {
            Connection: 'close',
          });
          return;
        }
      }
    }

    // A body of unknown length (chunked) is read here, counted against the limit, and replayed to
    // the application by the adapter. Leaving it to the application would let each framework's
    // own parser (or none) decide: the limit must hold the same on every stack. At most `limit`
    // bytes are ever buffered.
    if (!body.consumed && ctx.req.header('transfer-encoding') !== undefined) await body.bytes();

    // An outer middleware may already have read the body (replay): check what it read.
    if (body.consumed) {
      const bytes = await body.bytes();
      if (bytes.byteLength > effective) {
        throw new HttpError(413, { detail: `Body exceeds ${effective} bytes`, policy: 'bodyLimit' });
      }
    }
    await next();
  };
}
