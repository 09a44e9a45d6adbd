import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { leanCreateKey } from '../../devtools/local/runtime/dynaliteKeys';

type Item = Readonly<Record<string, unknown>>;
interface Table {
  readonly KeySchema: readonly { readonly AttributeName: string }[];
  readonly AttributeDefinitions: readonly {
    readonly AttributeName: string;
    readonly AttributeType: string;
  }[];
}
type CreateKey = (item: Item, table: Table, keySchema?: Table['KeySchema'] | null) => string;

// dynalite's own key maker, as its db module had it before the local stack wrapped it.
const db = createRequire(createRequire(import.meta.url).resolve('dynalite'))('./db') as {
  createKey: CreateKey;
};

const table = (hashType: string, rangeType?: string): Table =>
  Object.freeze({
    KeySchema: [{ AttributeName: 'pk' }, ...(rangeType ? [{ AttributeName: 'sk' }] : [])],
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: hashType },
      ...(rangeType ? [{ AttributeName: 'sk', AttributeType: rangeType }] : []),
      { AttributeName: 'g', AttributeType: 'S' },
    ],
  });

describe("dynalite's item keys, each made once", () => {
  it('are the keys dynalite makes, the first time and from memory', () => {
    const own: CreateKey = (item, t, schema) => db.createKey(item, t, schema);
    const lean = leanCreateKey(own);
    const strings = table('S', 'S');
    const numbers = table('N', 'N');
    const bytes = table('B');
    const cases: [Item, Table][] = [
      [{ pk: { S: 'JOB#a' }, sk: { S: 'JOB' } }, strings],
      [{ pk: { S: 'JOB#a' }, sk: { S: 'JOB#' } }, strings],
      [{ pk: { S: 'JOB#aJ' }, sk: { S: 'OB' } }, strings],
      [{ pk: { S: 'é' }, sk: { S: '' }, other: { N: '3' } }, strings],
      // Numbers of the same value in other texts make the same key, as in DynamoDB.
      [{ pk: { N: '1' }, sk: { N: '-2.50' } }, numbers],
      [{ pk: { N: '1.0' }, sk: { N: '-2.5' } }, numbers],
      [{ pk: { N: '1e3' }, sk: { N: '0' } }, numbers],
      [{ pk: { B: 'AQI=' } }, bytes],
    ];
    for (let round = 0; round < 2; round++)
      for (const [item, t] of cases) expect(lean(item, t)).toBe(db.createKey(item, t));
    expect(lean({ pk: { N: '1' }, sk: { N: '-2.50' } }, numbers)).toBe(
      lean({ pk: { N: '1.0' }, sk: { N: '-2.5' } }, numbers),
    );
  });

  it("leaves other key schemas, other tables' keys and malformed keys to dynalite", () => {
    const calls: unknown[] = [];
    const own: CreateKey = (item, t, schema) => {
      calls.push(item);
      return db.createKey(item, t, schema);
    };
    const lean = leanCreateKey(own);
    const strings = table('S', 'S');
    const item = { pk: { S: 'a' }, sk: { S: 'b' }, g: { S: 'c' } };
    lean(item, strings);
    lean(item, strings);
    lean(item, strings, strings.KeySchema);
    expect(calls).toHaveLength(1);
    // An index's key schema: dynalite's own, every time.
    const index = [{ AttributeName: 'g' }];
    expect(lean(item, strings, index)).toBe(db.createKey(item, strings, index));
    expect(lean(item, strings, index)).toBe(db.createKey(item, strings, index));
    expect(calls).toHaveLength(3);
    // Another description of the table (a table changed since) makes its keys again.
    expect(lean(item, table('S', 'S'))).toBe(db.createKey(item, strings));
    expect(calls).toHaveLength(4);
    // A key attribute missing or not one typed string fails as dynalite fails, and is not kept.
    const missing = { pk: { S: 'a' } };
    expect(() => lean(missing, strings)).toThrow();
    expect(() => lean(missing, strings)).toThrow();
    expect(() => lean({ pk: { S: 'a', N: '1' }, sk: { S: 'b' } }, strings)).not.toThrow();
    expect(calls).toHaveLength(7);
  });
});
