import type { Context } from '../../context';
import { lookupIp } from '../../utils/ip';
import { compileTrust, type TrustProxy } from '../client-ip/resolve';

/**
 * Whether a TLS-terminating proxy we trust says the client spoke HTTPS: the socket peer must be a
 * trusted proxy (the same `trustProxy` that resolves the client address) and the first
 * `X-Forwarded-Proto` value, the one the outermost proxy wrote, is `https` — Express's
 * `req.protocol` reading. A client cannot gain by forging it: browsers ignore HSTS received over
 * plain HTTP (RFC 6797 §8.1), and only the trusted proxy's word is taken anyway.
 * Returns undefined when no proxy is trusted, so the per-request path does nothing.
 */
export function forwardedHttps(
  trustProxy: TrustProxy | undefined,
): ((ctx: Context<any>) => boolean) | undefined {
  if (trustProxy === undefined || trustProxy === false) return undefined;
  const trust = compileTrust(trustProxy, 'securityHeaders');
  return (ctx) => {
    const proto = ctx.req.header('x-forwarded-proto');
    if (proto === undefined) return false;
    const comma = proto.indexOf(',');
    if ((comma === -1 ? proto : proto.slice(0, comma)).trim().toLowerCase() !== 'https') return false;
    const peer = lookupIp(ctx.req.peer);
    return peer !== undefined && trust(peer.addr, 0);
  };
}
