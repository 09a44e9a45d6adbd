import { createRequire } from 'node:module';
import { Stream } from 'node:stream';
import { type DynaliteIndexFunctions, leanUpdateIndexes } from './dynaliteIndexes';
import { type DynaliteKeyFunctions, leanCreateKey } from './dynaliteKeys';
import { type DynaliteDbFunctions, leanQueryTable, type SubRange } from './dynaliteQuery';

/** A stored value: JSON text, or (under an item key) the item object itself. */
type Stored = string | object;

/** functional-red-black-tree, as memory-level uses it: a persistent tree, each write makes a new root. */
interface TreeCursor {
  readonly valid: boolean;
  readonly key: string;
  readonly value: Stored;
  next(): void;
  prev(): void;
  update(value: Stored): Tree;
  remove(): Tree;
}
interface Tree {
  get(key: string): Stored | undefined;
  find(key: string): TreeCursor;
  insert(key: string, value: Stored): Tree;
  remove(key: string): Tree;
  ge(key: string): TreeCursor;
  gt(key: string): TreeCursor;
  le(key: string): TreeCursor;
  lt(key: string): TreeCursor;
  readonly begin: TreeCursor;
  readonly end: TreeCursor;
}

type Batch = readonly { readonly type: 'put' | 'del'; readonly key: string; readonly value?: unknown }[];
type Done = (error: Error | null, value?: unknown) => void;

type TableCallback = (error: Error | null, table?: unknown) => void;

/** What dynalite's `db.create` returns, as far as this module touches it. */
interface DynaliteStore {
  readonly db: object;
  getTable(name: string, checkStatus: boolean | TableCallback, done?: TableCallback): void;
}

/** Where dynalite's store keeps a table's description (its `table` sub-store's key prefix). */
const TABLE_PREFIX = 'table~';

const dynaliteMain = createRequire(import.meta.url).resolve('dynalite');
const fromDynalite = createRequire(dynaliteMain);
/** memory-level as dynalite itself resolves it: the very module whose class it instantiates. */
const memoryLevel = fromDynalite('memory-level') as { MemoryLevel: unknown };
/** dynalite's store module; loaded only once memory-level's class is swapped (it reads it as it loads). */
const dynaliteDbPath = fromDynalite.resolve('./db');
const dynaliteDb = () =>
  fromDynalite(dynaliteDbPath) as DynaliteDbFunctions &
    DynaliteIndexFunctions &
    DynaliteKeyFunctions & { create: (options: object) => DynaliteStore };
const fromMemoryLevel = createRequire(fromDynalite.resolve('memory-level'));
const createTree = fromMemoryLevel('functional-red-black-tree') as (
  compare: (a: string, b: string) => number,
) => Tree;
/** memory-level's own key order (UTF-16 code units for string keys). */
const compare = fromMemoryLevel('./lib/compare') as (a: string, b: string) => number;
const marked = Symbol.for('poolwarden.dynaliteLeanStore');

/** A cursor over one snapshot of the tree, bounded as abstract-level bounds an iterator. */
const rangeCursor = (tree: Tree, options: SubRange) => {
  const reverse = options.reverse === true;
  const start = reverse ? (options.lte ?? options.lt) : (options.gte ?? options.gt);
  const cursor =
    start === undefined
      ? reverse
        ? tree.end
        : tree.begin
      : reverse
        ? options.lte !== undefined
          ? tree.le(start)
          : tree.lt(start)
        : options.gte !== undefined
          ? tree.ge(start)
          : tree.gt(start);
  const bound = reverse ? (options.gte ?? options.gt) : (options.lte ?? options.lt);
  const inclusive = reverse ? options.gte !== undefined : options.lte !== undefined;
  const limit =
    Number.isInteger(options.limit) && (options.limit ?? -1) >= 0 ? (options.limit ?? 0) : Infinity;
  let count = 0;
  /** The next entry in range, or undefined at the end. */
  return (): TreeCursor | undefined => {
    if (count >= limit || !cursor.valid) return undefined;
    if (bound !== undefined) {
      const order = compare(cursor.key, bound) * (reverse ? -1 : 1);
      if (order > 0 || (order === 0 && !inclusive)) return undefined;
    }
    count++;
    return cursor;
  };
};

/**
 * What dynalite reads a range through: the legacy stream shape its query code consumes (`data`
 * events, then `end`; `destroy` when it has read enough), fed from one snapshot of the tree in a
 * single turn of the event loop rather than one promise and one stream read per item.
 */
class RangeStream extends Stream {
  private destroyed = false;

  constructor(tree: Tree, options: SubRange, pick: (entry: TreeCursor) => unknown) {
    super();
    const next = rangeCursor(tree, options);
    setImmediate(() => {
      for (let entry = next(); entry && !this.destroyed; entry = next()) {
        this.emit('data', pick(entry));
        entry[options.reverse ? 'prev' : 'next']();
      }
      if (!this.destroyed) this.emit('end');
    });
  }

  destroy(): this {
    this.destroyed = true;
    return this;
  }

  // Readable.wrap (dynalite's key streams) pauses a source when its buffer fills: this one has no buffer.
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
}

/**
 * Where dynalite keeps items: its item and index sub-stores' key prefixes (`item-TABLE~`,
 * `index-global~TABLE~INDEX~`, `index-local~…`). Their values are kept as the objects written.
 */
const isItemKey = (key: string): boolean => key.startsWith('item-') || key.startsWith('index-');

/**
 * An attribute holding `undefined`, which JSON would leave out: an index projecting attributes
 * that an item lacks (getIndexActions copies them by name). Attribute values themselves come
 * from JSON (the request) or from dynalite's updates of them, which set no `undefined`.
 */
const holdsUndefined = (item: object): boolean => {
  for (const name in item) if ((item as Record<string, unknown>)[name] === undefined) return true;
  return false;
};

/**
 * Marks an item kept as an object: its JSON text once answered, null before (items never change).
 * A property of the item rather than a WeakSet and WeakMap beside it: hundreds of thousands of
 * live items made those tables' ephemerons a large part of every garbage collection. It is a
 * non-enumerable symbol, which nothing of dynalite's sees (for-in, Object.keys, JSON, spreads).
 */
const STORED_TEXT = Symbol('poolwarden.storedItemText');
type StoredItem = { [STORED_TEXT]?: string | null };

const toStored = (key: string, value: unknown): Stored => {
  if (typeof value !== 'object' || value === null || !isItemKey(key)) return JSON.stringify(value);
  const item = holdsUndefined(value) ? (JSON.parse(JSON.stringify(value)) as object) : value;
  if (!(STORED_TEXT in item)) Object.defineProperty(item, STORED_TEXT, { value: null, writable: true });
  return item;
};

/** How deep an answer's items sit: a Query's `Items[i]`, a BatchGetItem's `Responses[table][i]`. */
const ITEM_DEPTH = 3;

const jsonOf = (value: unknown, depth: number): string | undefined => {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const stored = (value as StoredItem)[STORED_TEXT];
  if (stored !== undefined) {
    if (stored !== null) return stored;
    const text = JSON.stringify(value);
    (value as StoredItem)[STORED_TEXT] = text;
    return text;
  }
  if (depth >= ITEM_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++)
      out += `${i > 0 ? ',' : ''}${jsonOf(value[i], depth + 1) ?? 'null'}`;
    return `${out}]`;
  }
  let out = '{';
  for (const key of Object.keys(value)) {
    const member = jsonOf((value as Record<string, unknown>)[key], depth + 1);
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${member}`;
  }
  return `${out}}`;
};

/**
 * `JSON.stringify(answer)`, with each stored item's text made once: a Query answers the same
 * items again and again (its answers were nine tenths of dynalite's output on the bundled week).
 */
export const answerJson = (answer: unknown): string => jsonOf(answer, 0) ?? '';

const fromStored = (value: Stored | undefined): unknown =>
  typeof value === 'string' ? JSON.parse(value) : value;

/**
 * dynalite's in-memory store, in the same persistent red-black tree and key order as
 * memory-level, without abstract-level's layers (encodings, deferred open, hooks, one promise
 * per iterator step). It stands in for memory-level's class, which dynalite instantiates with
 * `{ valueEncoding: 'json' }`; dynalite then wraps its promise methods in callbacks, and
 * `leanCallbacks` replaces those wrappers (see there).
 *
 * A level store hands out a fresh copy on every read (its values are JSON text). Items and index
 * entries are kept as the objects dynalite wrote and handed out as they are: JSON text in and out
 * of the store was about a third of dynalite's CPU per request, and its garbage. dynalite never
 * changes an item it read or wrote (updateItem changes a deep clone; query, scan, getItem and the
 * conditions only read), and every item it writes is new per request (the request's own parsed
 * body, or that clone), so sharing the object is not seen. Only members holding `undefined` are
 * left out first, as JSON would. Table descriptions and tags stay JSON text: dynalite changes the
 * table it read before writing it back.
 */
export class LeanMemoryStore {
  static readonly [marked] = true;
  private tree: Tree = createTree(compare);
  status: 'open' | 'closed' = 'open';

  readNow(key: string): unknown {
    return fromStored(this.tree.get(key));
  }

  /** The stored JSON text of a key outside the item stores: a new string after every write of it. */
  rawNow(key: string): string | undefined {
    const value = this.tree.get(key);
    return typeof value === 'string' ? value : undefined;
  }

  writeNow(operations: Batch): void {
    let tree = this.tree;
    for (const op of operations) {
      const at = tree.find(op.key);
      if (op.type === 'put') {
        const value = toStored(op.key, op.value);
        tree = at.valid ? at.update(value) : tree.insert(op.key, value);
      } else if (at.valid) {
        tree = at.remove();
      }
    }
    this.tree = tree;
  }

  stream(options: SubRange, what: 'keys' | 'values'): RangeStream {
    return new RangeStream(
      this.tree,
      options,
      what === 'keys' ? (entry) => entry.key : (entry) => fromStored(entry.value),
    );
  }

  /** A walk over a snapshot of a range taken now: the next value, or undefined at the end. */
  range(options: SubRange): () => unknown {
    const next = rangeCursor(this.tree, options);
    const step = options.reverse ? 'prev' : 'next';
    return () => {
      const entry = next();
      if (!entry) return undefined;
      const value = fromStored(entry.value);
      entry[step]();
      return value;
    };
  }

  // The promise API dynalite's callback wrappers call, as abstract-level names it.
  async get(key: string): Promise<unknown> {
    return this.readNow(key);
  }
  async put(key: string, value: unknown): Promise<void> {
    this.writeNow([{ type: 'put', key, value }]);
  }
  async del(key: string): Promise<void> {
    this.writeNow([{ type: 'del', key }]);
  }
  async batch(operations: Batch): Promise<void> {
    this.writeNow(operations);
  }
  keys(options: SubRange = {}) {
    return this.iterate(options, (entry) => entry.key);
  }
  values(options: SubRange = {}) {
    return this.iterate(options, (entry) => fromStored(entry.value));
  }
  async close(): Promise<void> {
    this.status = 'closed';
  }

  private iterate(options: SubRange, pick: (entry: TreeCursor) => unknown) {
    const next = rangeCursor(this.tree, options);
    return {
      async next(): Promise<unknown> {
        const entry = next();
        if (!entry) return undefined;
        const value = pick(entry);
        entry[options.reverse ? 'prev' : 'next']();
        return value;
      },
      async return(): Promise<void> {},
    };
  }
}

/**
 * dynalite wraps each store call in a promise, an operation tracker and a `setImmediate`, and
 * reads ranges through a Readable over an async iterator. With the lean store underneath, the
 * same calls answer from the tree and call back on the next turn of the event loop, as before
 * (callbacks never run inside the caller), and ranges come from a RangeStream. A closed store
 * still refuses, as dynalite's wrappers do.
 */
const leanCallbacks = (db: Record<string, unknown>, store: LeanMemoryStore): void => {
  const closed = () => new Error('Database is closed');
  const answer = (done: Done | undefined, run: () => unknown) => {
    if (store.status === 'closed') {
      if (done) setImmediate(done, closed());
      return;
    }
    let value: unknown;
    try {
      value = run();
    } catch (error) {
      if (done) setImmediate(done, error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (done) setImmediate(done, null, value);
  };
  Object.assign(db, {
    get: (key: string, done?: Done) => answer(done, () => store.readNow(key)),
    put: (key: string, value: unknown, done?: Done) =>
      answer(done, () => store.writeNow([{ type: 'put', key, value }])),
    del: (key: string, done?: Done) => answer(done, () => store.writeNow([{ type: 'del', key }])),
    batch: (operations: Batch, done?: Done) => answer(done, () => store.writeNow(operations)),
    createKeyStream: (options: SubRange = {}) => store.stream(options, 'keys'),
    createValueStream: (options: SubRange = {}) => store.stream(options, 'values'),
  });
};

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

/**
 * Every item request starts with `getTable`, which reads and parses the table's description
 * (about 3 KB of JSON for the ledger with its indexes: 50 MB a week). The item actions only read
 * it, so they get one parsed copy, frozen, for as long as the stored text is the same string: any
 * write of the table (create, update, delete, a status change) stores a new string and the next
 * call parses that. What is not plainly an ACTIVE or UPDATING table, and the calls that change a
 * table (`checkStatus` false: describe, update, delete, tags), go to dynalite's own getTable.
 */
const parsedTables = (created: DynaliteStore, store: LeanMemoryStore): void => {
  const read = created.getTable.bind(created);
  const parsed = new Map<string, { readonly text: string; readonly table: unknown }>();
  created.getTable = (name, checkStatus, done) => {
    const callback = typeof checkStatus === 'function' ? checkStatus : done;
    const text = store.status === 'open' ? store.rawNow(TABLE_PREFIX + name) : undefined;
    if (checkStatus === false || !callback || text === undefined) return read(name, checkStatus, done);
    let known = parsed.get(name);
    if (known?.text !== text) {
      const table = JSON.parse(text) as { TableStatus?: unknown } | null;
      const usable =
        typeof table === 'object' &&
        table !== null &&
        (table.TableStatus === 'ACTIVE' || table.TableStatus === 'UPDATING');
      if (!usable) return read(name, checkStatus, done);
      known = { text, table: deepFreeze(table) };
      parsed.set(name, known);
    }
    setImmediate(callback, null, known.table);
  };
};

let lastCreated: DynaliteStore | undefined;

/**
 * The store the last `dynalite()` call created (it creates it synchronously), for a request path
 * in process on the same tables; each store is handed out once.
 */
export const takeCreatedDynaliteStore = (): object | undefined => {
  const created = lastCreated;
  lastCreated = undefined;
  return created;
};

/**
 * Makes dynalite keep its in-memory tables in a LeanMemoryStore. It must run before dynalite is
 * loaded (dynalite reads memory-level's class once, as it loads); on-disk stores (`--data-dir`)
 * are not affected. It answers whether dynalite's in-memory stores are lean.
 */
export const useLeanDynaliteStore = (): boolean => {
  if ((memoryLevel.MemoryLevel as Record<symbol, boolean>)[marked]) return true;
  if (fromDynalite.cache[dynaliteMain] || fromDynalite.cache[dynaliteDbPath]) return false;
  Object.defineProperty(memoryLevel, 'MemoryLevel', { value: LeanMemoryStore, enumerable: true });
  const db = dynaliteDb();
  db.queryTable = leanQueryTable(db, db.queryTable, (created) => {
    const store = (created as Partial<DynaliteStore>).db;
    return store instanceof LeanMemoryStore
      ? (range: SubRange) => store.range(range) as () => Record<string, unknown> | undefined
      : undefined;
  });
  db.updateIndexes = leanUpdateIndexes(db, db.updateIndexes, (created) => {
    const store = (created as Partial<DynaliteStore>).db;
    return store instanceof LeanMemoryStore && store.status === 'open'
      ? (operations) => store.writeNow(operations)
      : undefined;
  });
  db.createKey = leanCreateKey(db.createKey);
  const create = db.create;
  db.create = (options) => {
    const created = create(options);
    lastCreated = created;
    if (created.db instanceof LeanMemoryStore) {
      leanCallbacks(created.db as unknown as Record<string, unknown>, created.db);
      parsedTables(created, created.db);
    }
    return created;
  };
  return true;
};

/** Whether a store that dynalite created now would be lean. */
export const dynaliteStoreIsLean = (): boolean => {
  return dynaliteDb().create({}).db instanceof LeanMemoryStore;
};
