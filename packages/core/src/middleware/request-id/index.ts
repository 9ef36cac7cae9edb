import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { isToken } from '../../utils/http-grammar';
import { assertKnownKeys, show } from '../../utils/policy-options';
import { randomUuid } from './uuid';

export interface RequestIdOptions {
  /** Request and response header carrying the id. @default 'X-Request-Id' */
  header?: string;
  /** Makes a new id. Its output is held to the same charset (and at most 1024 characters). @default a random (version 4) UUID */
  generate?: () => string;
  /** Longest incoming id reused (1–1024). @default 128 */
  maxLength?: number;
  /**
   * Reuse a valid incoming id. Turn off when clients reach the server directly and ids in logs
   * must be trustworthy (a client can otherwise pick the id its requests are logged under).
   * @default true
   */
  reuseIncoming?: boolean;
}

const KNOWN = ['header', 'generate', 'maxLength', 'reuseIncoming'];

/**
 * Letters, digits and `._:/+=-`: what UUIDs, ULIDs, base64 and trace ids (`00-…-01`) use, and
 * nothing that could end a header, start a log escape, or need quoting (no space, quote, CR/LF,
 * `,`, `;`, control bytes). Anything else is replaced by a fresh id, never reflected.
 */
const ID = /^[A-Za-z0-9._:/+=-]+$/;

/**
 * Gives every request an id, on `ctx.state.requestId` and in the response header, reusing a
 * valid incoming one (so a proxy's id carries through) or generating one. Set before the
 * downstream runs, so rejections carry it too: mount it first.
 *
 * @example
 * requestId({ header: 'X-Correlation-Id' });
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  assertKnownKeys('requestId', options, KNOWN);
  const header = options.header ?? 'X-Request-Id';
  if (typeof header !== 'string' || !isToken(header)) {
    throw new ConfigError(
      'requestId',
      'header',
      `must be a header name (RFC 9110 token), got ${show(header)}`,
    );
  }
  const maxLength = options.maxLength ?? 128;
  if (!Number.isInteger(maxLength) || maxLength < 1 || maxLength > 1024) {
    throw new ConfigError(
      'requestId',
      'maxLength',
      `must be a whole number from 1 to 1024, got ${show(maxLength)}`,
    );
  }
  const generate = options.generate ?? randomUuid;
  if (typeof generate !== 'function')
    throw new ConfigError('requestId', 'generate', `must be a function, got ${show(generate)}`);
  // Only a caller's generator needs its output checked: a UUID is always within the charset.
  const checkGenerated = generate !== randomUuid;
  const reuse = options.reuseIncoming ?? true;
  if (typeof reuse !== 'boolean')
    throw new ConfigError('requestId', 'reuseIncoming', `must be a boolean, got ${show(reuse)}`);
  const lower = header.toLowerCase();

  return phased('requestId', {
    before(ctx: Context<any>) {
      // The host joins repeated field lines with `, `, which the charset refuses: two ids, none
      // trusted.
      let id = reuse ? ctx.req.header(lower) : undefined;
      if (id === undefined || id.length > maxLength || !ID.test(id)) {
        id = generate();
        if (checkGenerated && !(typeof id === 'string' && id.length <= 1024 && ID.test(id))) {
          throw new TypeError(
            `requestId: \`generate\` must return 1–1024 characters of [A-Za-z0-9._:/+=-], got ${show(id)}`,
          );
        }
      }
      (ctx.state as Record<string, unknown>).requestId = id;
    },
    // At the head, so the host's own 404 and error pages carry it too; an id the application
    // put on the response itself is left alone.
    head(ctx: Context<any>) {
      const id = (ctx.state as Record<string, unknown>).requestId;
      if (typeof id === 'string' && ctx.res.get(lower) === undefined) ctx.res.set(header, id);
    },
  });
}
