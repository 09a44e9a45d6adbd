import { piece, TableKeyMemo } from './dynaliteKeyMemo';

type Item = Readonly<Record<string, unknown>>;
interface KeyElement {
  readonly AttributeName: string;
}
/** A table's description, as far as an item key depends on it. */
interface KeyedTable {
  readonly KeySchema: readonly KeyElement[];
}
type CreateKey<T extends KeyedTable = KeyedTable> = (
  item: Item,
  table: T,
  keySchema?: readonly KeyElement[] | null,
) => string;

/** dynalite's db module: the key maker its actions call (`db.createKey`). */
export interface DynaliteKeyFunctions {
  createKey: CreateKey;
}

/**
 * dynalite's createKey with each item key made once: dynalite hashes an item's partition key with
 * MD5 (and formats its sort key) on every GetItem, PutItem, UpdateItem, DeleteItem and batch
 * entry, although a ledger reads and writes the same items again and again. A key is remembered
 * by its attributes' types and values for as long as the table's description is the same object
 * (dynaliteStore's parsedTables: a new one after any change of the table), so it depends on
 * nothing else createKey reads (the key schema and attribute types). Keys of another schema (an
 * index's, a query's start key) and attributes that are not one typed string (a number's text
 * is a string too; a missing or malformed attribute is not) go to dynalite's own.
 */
export const leanCreateKey = <T extends KeyedTable>(own: CreateKey<T>): CreateKey<T> => {
  const keys = new TableKeyMemo<T>();
  return (item, table, keySchema) => {
    if ((keySchema != null && keySchema !== table.KeySchema) || typeof item !== 'object' || item === null)
      return own(item, table, keySchema);
    let id = '';
    for (const { AttributeName } of table.KeySchema) {
      const part = piece(item[AttributeName]);
      if (part === undefined) return own(item, table, keySchema);
      id += `${part}\u0000`;
    }
    return keys.key(table, id, () => own(item, table, keySchema));
  };
};
