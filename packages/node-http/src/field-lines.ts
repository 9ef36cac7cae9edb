// Node-free at run time: used by hosts that also run off Node (see host.ts).

const NONE: readonly string[] = Object.freeze([]);

/**
 * The field lines of one header, straight from `rawHeaders` (`name` lower-case). Cheaper than
 * `headersDistinct`, which copies every header of the request on first use, and unlike
 * `headers` it keeps the duplicates Node drops (a second `Authorization`, `Host`…).
 */
export function fieldLines(raw: readonly string[], name: string): readonly string[] {
  let out: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i];
    if (key.length !== name.length || (key !== name && key.toLowerCase() !== name)) continue;
    if (out === undefined) out = [];
    out.push(raw[i + 1]);
  }
  return out ?? NONE;
}
