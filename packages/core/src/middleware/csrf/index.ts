import type { Context } from '../../context';
import { ConfigError } from '../../errors';
import { phased } from '../../phases';
import type { Middleware } from '../../types';
import { assertKnownKeys, show } from '../../utils/policy-options';

export interface CsrfOptions {
  /**
   * Origins (`https://app.example`, exact) whose cross-site unsafe requests are accepted: a front
   * end on another origin that you serve. The policy fills it from `cors.origin` when that is a list.
   * @default []
   */
  trustedOrigins?: readonly string[];
  /** Also accept `Sec-Fetch-Site: same-site` (a sibling subdomain). @default false */
  allowSameSite?: boolean;
}

/** RFC 9110 §9.2.1: the methods that must not change state, which a cross-site page may send freely. */
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** An RFC 6454 serialised origin: scheme, host, optional port, nothing else. */
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i;

/**
 * Refuses cross-site requests with unsafe methods (POST, PUT, PATCH, DELETE…), and cross-site
 * WebSocket handshakes, with 403. The attack it stops: a page on `https://evil.example` posts a
 * form (or opens a WebSocket) to this API; the browser attaches the API's cookies, so a cookie
 * token authenticates a request the user never meant (CSRF, OWASP; cross-site WebSocket hijacking).
 *
 * The browser says where a request comes from: `Sec-Fetch-Site` (Fetch Metadata, sent by every
 * current browser) is trusted first — `same-origin` and `none` (typed in, bookmarks) pass. Without
 * it, `Origin` must name this host. A request with neither is not from a current browser and
 * passes, as no cookie-riding attack can produce it. This is Go's `http.CrossOriginProtection`
 * (Go 1.25, golang/go#73626) and the Fetch Metadata policy of the W3C spec §5.1.
 *
 * @example
 * compose([csrf({ trustedOrigins: ['https://app.example'] }), jwtAuth({ …, cookie: 'session' })]);
 */
export function csrf(options: CsrfOptions = {}): Middleware {
  if (options === null || typeof options !== 'object') {
    throw new ConfigError('csrf', 'options', `must be an object, got ${show(options)}`);
  }
  assertKnownKeys('csrf', options, ['trustedOrigins', 'allowSameSite']);
  const list = options.trustedOrigins ?? [];
  if (!Array.isArray(list) || list.some((o) => typeof o !== 'string' || !ORIGIN.test(o))) {
    throw new ConfigError(
      'csrf',
      'trustedOrigins',
      `must be an array of origins like 'https://app.example' (no path, no '*'), got ${show(list)}`,
    );
  }
  const trusted = new Set(list.map((o) => o.toLowerCase()));
  const sameSite = options.allowSameSite ?? false;
  if (typeof sameSite !== 'boolean')
    throw new ConfigError('csrf', 'allowSameSite', `must be a boolean, got ${show(sameSite)}`);

  const refuse = (ctx: Context<any>, reason: string) => {
    ctx.reject(403, 'Cross-site request refused', 'csrf');
    ctx.rejection = { policy: 'csrf', reason };
  };

  return phased('csrf', {
    before(ctx) {
      // A WebSocket handshake is a GET, yet it acts like a POST: the socket it opens carries the cookie.
      if (SAFE.has(ctx.req.method) && ctx.req.header('upgrade') === undefined) return;
      const origin = ctx.req.header('origin');
      const site = ctx.req.header('sec-fetch-site');
      if (site !== undefined) {
        if (site === 'same-origin' || site === 'none' || (sameSite && site === 'same-site')) return;
        if (origin !== undefined && trusted.has(origin.toLowerCase())) return;
        return refuse(ctx, `Sec-Fetch-Site: ${site.slice(0, 32)}`);
      }
      if (origin === undefined) return;
      const lower = origin.toLowerCase();
      if (trusted.has(lower)) return;
      // No Fetch Metadata (an older browser): the origin's authority must be this Host.
      const host = ctx.req.header('host');
      const authority = ORIGIN.test(lower) ? lower.slice(lower.indexOf('://') + 3) : undefined;
      if (host !== undefined && authority !== undefined && authority === host.toLowerCase()) return;
      return refuse(ctx, `Origin: ${origin.slice(0, 64)}`);
    },
  });
}
