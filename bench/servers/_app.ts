// What every server under test shares: the payload, the mode it was started in, and the
// one line the harness reads to learn the port.

import type { Kind } from '../lib/variants';

/** The small JSON array `GET /prices` answers on every variant. */
export const prices = [
  { sku: 'basic', currency: 'EUR', monthly: 9 },
  { sku: 'team', currency: 'EUR', monthly: 29 },
  { sku: 'enterprise', currency: 'EUR', monthly: 99 },
];

export const PRICES_JSON = JSON.stringify(prices);

/** How much protection a framework server mounts: the variant kinds. */
export type Mode = Kind;

const MODES: readonly Mode[] = [
  'bare',
  'native',
  'headers',
  'bouncer',
  'bouncer-jwt',
  'bouncer-redis',
  'bouncer-cluster',
];

/** The mode given as the first argument; anything not in `allowed` is a startup error. */
export function modeFromArgv(allowed: readonly Mode[] = MODES): Mode {
  const mode = process.argv[2] ?? 'bare';
  if (!(allowed as readonly string[]).includes(mode)) {
    throw new Error(`mode must be one of ${allowed.join(', ')}, got ${JSON.stringify(mode)}`);
  }
  return mode as Mode;
}

/**
 * Prints the port for the harness and exits when the harness goes away: its end of our stdin
 * closes even when it is killed with SIGKILL, so no server outlives a benchmark run.
 */
export function announce(port: number): void {
  process.stdout.write(`port=${port}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}
