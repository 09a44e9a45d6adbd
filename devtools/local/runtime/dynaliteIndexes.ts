import { piece, TableKeyMemo } from './dynaliteKeyMemo';

type Item = Readonly<Record<string, unknown>>;
interface KeyElement {
  readonly AttributeName: string;
}
interface Index {
  readonly IndexName: string;
  readonly KeySchema: readonly KeyElement[];
  readonly Projection: { readonly ProjectionType?: string; readonly NonKeyAttributes?: readonly string[] };
}
/** A table's description, as dynalite stores it (the parts its index upkeep reads). */
export interface IndexedTable {
  readonly TableName: string;
  readonly KeySchema: readonly KeyElement[];
  readonly LocalSecondaryIndexes?: readonly Index[];
  readonly GlobalSecondaryIndexes?: readonly Index[];
}
type Done = (error?: Error | null) => void;
type UpdateIndexes = (
  store: object,
  table: IndexedTable,
  existingItem: Item | undefined,
  item: Item | undefined,
  cb: Done,
) => void;

/** dynalite's db module: what its index upkeep calls. */
export interface DynaliteIndexFunctions {
  updateIndexes: UpdateIndexes;
  createIndexKey(item: Item, table: IndexedTable, keySchema: readonly KeyElement[]): string;
}

/** The lean store's writes, by whole-store key. */
export type StoreWrite = (
  operations: readonly { type: 'put' | 'del'; key: string; value?: unknown }[],
) => void;

/**
 * dynalite's updateIndexes (db/index.js) on the lean store: the same index entries put and
 * deleted (getIndexActions' rules, copied), with each index key made once. dynalite makes an
 * index key from two MD5s and the key's hex text every time an item is written (for the item as
 * it was and as it is, per index); here a key is remembered by its attributes' values for as long
 * as the table's description is the same object (dynaliteStore's parsedTables: a new one after
 * any change of the table). dynalite runs the deletes, then the puts, each through `async.parallel`
 * and a `setImmediate` per write; here each group is written at once and called back after one
 * `setImmediate`, so that the caller hears back in the same turn as before. Anything else (a store
 * that is not lean, or closed) goes to dynalite's own.
 */
export const leanUpdateIndexes = (
  db: DynaliteIndexFunctions,
  own: UpdateIndexes,
  lean: (store: object) => StoreWrite | undefined,
): UpdateIndexes => {
  const keys = new TableKeyMemo<IndexedTable>();
  const indexKey = (item: Item, table: IndexedTable, index: Index): string => {
    let id = index.IndexName;
    for (const schema of [index.KeySchema, table.KeySchema]) {
      for (const { AttributeName } of schema) {
        const part = piece(item[AttributeName]);
        if (part === undefined) return db.createIndexKey(item, table, index.KeySchema);
        id += `\u0000${part}`;
      }
    }
    return keys.key(table, id, () => db.createIndexKey(item, table, index.KeySchema));
  };

  return (store, table, existingItem, item, cb) => {
    const write = lean(store);
    if (!write) return own(store, table, existingItem, item, cb);
    if (!existingItem && !item) return cb();
    const puts: { type: 'put'; key: string; value: unknown }[] = [];
    const deletes: { type: 'del'; key: string }[] = [];
    const tableKeys = table.KeySchema.map((key) => key.AttributeName);
    for (const indexType of ['Local', 'Global'] as const) {
      const prefix = `index-${indexType.toLowerCase()}~${table.TableName}~`;
      for (const index of table[`${indexType}SecondaryIndexes`] ?? []) {
        const indexKeys = index.KeySchema.map((key) => key.AttributeName);
        let key: string | null = null;
        if (item && indexKeys.every((name) => item[name] != null)) {
          let pieces: Item = item;
          if (index.Projection.ProjectionType !== 'ALL') {
            const picked: Record<string, unknown> = Object.create(null);
            for (const name of [...indexKeys, ...tableKeys, ...(index.Projection.NonKeyAttributes ?? [])])
              picked[name] = item[name];
            pieces = picked;
          }
          key = indexKey(pieces, table, index);
          puts.push({ type: 'put', key: `${prefix}${index.IndexName}~${key}`, value: pieces });
        }
        if (existingItem && indexKeys.every((name) => existingItem[name] != null)) {
          const existingKey = indexKey(existingItem, table, index);
          if (existingKey !== key)
            deletes.push({ type: 'del', key: `${prefix}${index.IndexName}~${existingKey}` });
        }
      }
    }
    const putAll = () => {
      if (puts.length === 0) return cb(null);
      write(puts);
      setImmediate(cb, null);
    };
    if (deletes.length === 0) return putAll();
    write(deletes);
    setImmediate(putAll);
  };
};
