/** What dynalite's queryTable reads of a request (its own names). */
interface QueryData {
  readonly TableName: string;
  readonly IndexName?: string;
  readonly Limit?: number;
  readonly Select?: string;
  readonly ConsistentRead?: boolean;
  readonly ReturnConsumedCapacity?: string;
  readonly QueryFilter?: unknown;
  readonly ScanFilter?: unknown;
  readonly ConditionalOperator?: unknown;
  readonly AttributesToGet?: readonly unknown[];
  readonly _filter?: { readonly expression: unknown };
  readonly _projection?: { readonly paths: readonly unknown[] };
}

/** The range options dynalite hands its store and sub-stores (abstract-level's names; a sub-store's without the prefix). */
export interface SubRange {
  readonly gt?: string;
  readonly gte?: string;
  readonly lt?: string;
  readonly lte?: string;
  readonly reverse?: boolean;
  readonly limit?: number;
}

type Item = Record<string, unknown>;
type QueryTable = (
  store: object,
  table: { readonly KeySchema: readonly { readonly AttributeName: string }[] },
  data: QueryData,
  opts: SubRange,
  isLocal: boolean | undefined,
  fetchFromItemDb: boolean,
  startKeyNames: readonly string[],
  cb: (error: Error | null, result?: unknown) => void,
) => void;

/** dynalite's db module: what queryTable calls. */
export interface DynaliteDbFunctions {
  queryTable: QueryTable;
  itemSize(item: object, compress?: boolean, addMetaSize?: boolean, rangeKey?: string): number;
  matchesExprFilter(item: object, expression: unknown): boolean;
  matchesFilter(item: object, filter: unknown, conditionalOperator: unknown): boolean;
  mapPaths(paths: readonly unknown[], item: object): object;
}

/** A sub-store's range over the whole store's keys, as dynalite's prefixed wrapper makes it. */
const prefixed = (prefix: string, options: SubRange): SubRange => {
  const range: { -readonly [K in keyof SubRange]: SubRange[K] } = { ...options };
  if (range.gte) range.gte = prefix + range.gte;
  else if (range.gt) range.gt = prefix + range.gt;
  else range.gte = prefix;
  if (range.lte) range.lte = prefix + range.lte;
  else if (range.lt) range.lt = prefix + range.lt;
  else range.lt = `${prefix}\xFF`;
  return range;
};

const MAX_PAGE_BYTES = 1024 * 1024;

/**
 * An item's size as a page counts it, kept on the item (a stored item never changes) under a
 * non-enumerable symbol that nothing of dynalite's sees: a WeakMap beside hundreds of thousands of
 * live items made its ephemerons a large part of every garbage collection.
 */
const PAGE_SIZE = Symbol('poolwarden.pageSize');
type SizedItem = { [PAGE_SIZE]?: { readonly rangeKey: string | undefined; readonly size: number } };

/**
 * dynalite's queryTable (db/index.js) for the in-memory lean store, when it reads the queried
 * table or index alone (no fetch of projected-away attributes from the table): the same range,
 * the same page limits, filters, projection and consumed capacity, in the same order. dynalite
 * reads the range through a stream, a lazy-stream pipeline and an event per item, and measures
 * every item it reads for the 1 MB page limit (`itemSize`, which parses every number with
 * big.js); here the range is read in one loop, in the same turn of the event loop as dynalite's
 * stream would, and an item's size is measured once for as long as it is stored (stored items are
 * never changed: see LeanMemoryStore).
 *
 * `read(prefix, range)` reads a snapshot of the store's range now and answers a function that
 * walks it. Anything else goes to dynalite's own queryTable.
 */
export const leanQueryTable = (
  db: DynaliteDbFunctions,
  own: QueryTable,
  lean: (store: object) => ((range: SubRange) => () => Item | undefined) | undefined,
): QueryTable => {
  const pageSize = (item: Item, rangeKey: string | undefined): number => {
    const known = (item as SizedItem)[PAGE_SIZE];
    if (known && known.rangeKey === rangeKey) return known.size;
    const size = db.itemSize(item, true, true, rangeKey);
    Object.defineProperty(item, PAGE_SIZE, { value: { rangeKey, size }, writable: true });
    return size;
  };
  return (store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb) => {
    const reader = fetchFromItemDb ? undefined : lean(store);
    if (!reader) return own(store, table, data, opts, isLocal, fetchFromItemDb, startKeyNames, cb);
    const prefix = data.IndexName
      ? `index-${isLocal ? 'local' : 'global'}~${data.TableName}~${data.IndexName}~`
      : `item-${data.TableName}~`;
    // The snapshot dynalite's value stream would take now, read when that stream would be.
    const next = reader(prefixed(prefix, opts));
    setImmediate(() => {
      let tableCapacity = 0;
      let indexCapacity = 0;
      const calculateCapacity =
        data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
      let size = 0;
      let count = 0;
      const rangeKey = table.KeySchema[1]?.AttributeName;
      // dynalite compares with `>=`: an absent Limit (undefined) never stops a page.
      const limit = data.Limit ?? Number.NaN;
      let items: Item[] = [];
      for (let val = next(); val !== undefined; val = next()) {
        if (count >= limit || size >= MAX_PAGE_BYTES) break;
        if (calculateCapacity) {
          const capacitySize = db.itemSize(val);
          if (data.IndexName) indexCapacity += capacitySize;
          else tableCapacity += capacitySize;
        }
        count++;
        size += pageSize(val, rangeKey);
        items.push(val);
      }
      const lastItem = items[items.length - 1];
      const queryFilter = data.QueryFilter || data.ScanFilter;
      if (data._filter) {
        const expression = data._filter.expression;
        items = items.filter((val) => db.matchesExprFilter(val, expression));
      } else if (queryFilter) {
        items = items.filter((val) => db.matchesFilter(val, queryFilter, data.ConditionalOperator));
      }
      const result: Record<string, unknown> = { ScannedCount: count };
      if (count >= limit || size >= MAX_PAGE_BYTES) {
        if (data.Limit) items.splice(data.Limit);
        if (lastItem) {
          const key: Item = {};
          for (const attr of startKeyNames) key[attr] = lastItem[attr];
          result.LastEvaluatedKey = key;
        }
      }
      const paths = data._projection ? data._projection.paths : data.AttributesToGet;
      let answered: object[] = items;
      if (paths) answered = items.map((item) => db.mapPaths(paths, item));
      result.Count = answered.length;
      if (data.Select !== 'COUNT') result.Items = answered;
      if (calculateCapacity) {
        const tableUnits = Math.ceil(tableCapacity / 1024 / 4) * (data.ConsistentRead ? 1 : 0.5);
        const indexUnits = Math.ceil(indexCapacity / 1024 / 4) * (data.ConsistentRead ? 1 : 0.5);
        const consumed: Record<string, unknown> = {
          CapacityUnits: tableUnits + indexUnits,
          TableName: data.TableName,
        };
        result.ConsumedCapacity = consumed;
        if (data.ReturnConsumedCapacity === 'INDEXES') {
          consumed.Table = { CapacityUnits: tableUnits };
          if (data.IndexName) {
            consumed[isLocal ? 'LocalSecondaryIndexes' : 'GlobalSecondaryIndexes'] = {
              [data.IndexName]: { CapacityUnits: indexUnits },
            };
          }
        }
      }
      cb(null, result);
    });
  };
};
