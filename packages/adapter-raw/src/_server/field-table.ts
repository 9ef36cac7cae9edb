/** One response field: the name as the app spelled it, one value or several field lines. */
export interface HeaderEntry {
  name: string;
  value: string | string[];
  /** The field line ready for the head, when the value is one string. */
  line?: string;
}

/**
 * Response fields keyed by lower-case name, in the order first set (as a `Map` would keep them),
 * held in two short parallel arrays: an answer carries some twenty fields, for which a linear
 * scan is cheaper than building and growing a hash table on every response.
 */
export class FieldTable {
  /** Lower-case names, in order. */
  readonly keys: string[] = [];
  /** The entry of each name in `keys`, at the same index. */
  readonly entries: HeaderEntry[] = [];

  get(lower: string): HeaderEntry | undefined {
    const i = this.keys.indexOf(lower);
    return i === -1 ? undefined : this.entries[i];
  }

  has(lower: string): boolean {
    return this.keys.indexOf(lower) !== -1;
  }

  /** Replaces the entry in place, or appends a new one. */
  set(lower: string, entry: HeaderEntry): void {
    const i = this.keys.indexOf(lower);
    if (i === -1) {
      this.keys.push(lower);
      this.entries.push(entry);
    } else this.entries[i] = entry;
  }

  delete(lower: string): void {
    const i = this.keys.indexOf(lower);
    if (i === -1) return;
    this.keys.splice(i, 1);
    this.entries.splice(i, 1);
  }
}
