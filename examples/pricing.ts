// The small pricing API every example serves, kept framework-free so the four stacks differ
// only in how they mount Bouncer and route.

export const prices = [
  { sku: 'basic', currency: 'EUR', monthly: 9 },
  { sku: 'team', currency: 'EUR', monthly: 29 },
  { sku: 'enterprise', currency: 'EUR', monthly: 99 },
];

export const users: Record<string, { id: string; name: string; plan: string }> = {
  alice: { id: 'alice', name: 'Alice Martin', plan: 'team' },
  bob: { id: 'bob', name: 'Bob Nguyen', plan: 'basic' },
};

export type Lookup = { status: 200; body: unknown } | { status: 403 | 404; body: { error: string } };

/** A user may read only their own record: the JWT subject must equal the id in the path. */
export function readUser(subject: string | undefined, id: string): Lookup {
  if (subject !== id) return { status: 403, body: { error: 'You may only read your own record' } };
  const user = users[id];
  return user ? { status: 200, body: user } : { status: 404, body: { error: 'No such user' } };
}

/**
 * The stock level of a SKU, from an inventory service that is down: every example serves
 * `GET /inventory` with it, so the demo can show how each stack's 500 is stamped and agrees.
 */
export function readInventory(): never {
  throw new Error('inventory service unreachable (connect ECONNREFUSED 10.0.0.7:5432)');
}

export function listeningLine(port: number): string {
  return `listening on http://127.0.0.1:${port}`;
}

/** PORT from the environment (0 = any free port). */
export function portFromEnv(): number {
  const raw = process.env.PORT ?? '0';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0–65535, got ${JSON.stringify(raw)}`);
  return port;
}
