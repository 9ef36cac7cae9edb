// The response headers the Bouncer policy adds, as fixed strings: the `headers` mode sets exactly
// these by the cheapest means the stack offers (on Node's response: `res.setHeader`) and does
// nothing else. Its ratio to bare is the floor any middleware giving this protection can reach on
// that stack: the cost of the bytes themselves.
import { ORIGIN } from './_settings';

export const POLICY_HEADERS: readonly [string, string][] = Object.entries({
  // wrk sends `Origin: ORIGIN` on every request, and CORS grants it.
  'Access-Control-Allow-Origin': ORIGIN,
  'X-Request-Id': '0f8fad5b-d9cb-469f-a165-70867728950e',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Origin-Agent-Cluster': '?1',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-DNS-Prefetch-Control': 'off',
  'X-Download-Options': 'noopen',
  'X-Frame-Options': 'SAMEORIGIN',
  'X-Permitted-Cross-Domain-Policies': 'none',
  'X-XSS-Protection': '0',
  'Content-Security-Policy':
    "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'self'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self' https: 'unsafe-inline'; upgrade-insecure-requests",
  Vary: 'Origin',
  'RateLimit-Policy': '"default";q=1000000000;w=60',
  RateLimit: '"default";r=999999999;t=1',
});
