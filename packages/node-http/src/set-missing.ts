import type { ServerResponse } from 'node:http';

/**
 * Sets `names[i]` to `values[i]` on a Node response for each field it does not carry yet
 * (`lower[i]` is the lower-case name). One look at the names already set — a handful at the head —
 * instead of a `hasHeader()` per field, which validates and lower-cases its argument every time.
 */
export function setMissingOn(
  res: ServerResponse,
  names: readonly string[],
  lower: readonly string[],
  values: readonly string[],
): void {
  if (res.headersSent) return;
  const present = res.getHeaderNames();
  for (let i = 0; i < names.length; i++)
    if (present.length === 0 || !present.includes(lower[i])) res.setHeader(names[i], values[i]);
}
