/** An attribute value's part of a cache key: its type and its text, told apart by length (undefined unless one typed string). */
export const piece = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  let out: string | undefined;
  for (const type in value) {
    const text = (value as Record<string, unknown>)[type];
    if (out !== undefined || typeof text !== 'string') return undefined;
    out = `${type}${text.length}:${text}`;
  }
  return out;
};

/** Keys kept per table description: a ledger's items number in the thousands to hundreds of thousands. */
const MAX_KEYS = 200_000;

/**
 * dynalite's keys (an item's, an index entry's), each made once per table description: dynalite
 * hashes and formats them on every request, although a ledger reads and writes the same items
 * again and again. A description is replaced by a new object after any change of its table
 * (dynaliteStore's parsedTables), which drops its keys with it; past MAX_KEYS they start again.
 */
export class TableKeyMemo<T extends object> {
  private readonly keys = new WeakMap<T, Map<string, string>>();

  /** The key remembered for `id` (the attributes' pieces) in `table`, or `make`'s, remembered. */
  key(table: T, id: string, make: () => string): string {
    let known = this.keys.get(table);
    if (!known) {
      known = new Map();
      this.keys.set(table, known);
    }
    let key = known.get(id);
    if (key === undefined) {
      key = make();
      if (known.size >= MAX_KEYS) known.clear();
      known.set(id, key);
    }
    return key;
  }
}
