import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledCheckTypes } from '../../devtools/local/runtime/dynaliteTypes';
import { fromDynalite, ITEM_OPERATIONS as OPERATIONS, typesOf } from '../support/dynaliteInternals';

const { checkTypes } = fromDynalite('./validations') as {
  checkTypes(data: unknown, types: object): Record<string, unknown>;
};

/** dynalite's answer: the checked tree as JSON (member order included), or its refusal. */
const dynalites = (data: unknown, types: object): string => {
  try {
    return JSON.stringify(checkTypes(structuredClone(data), types));
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
};

const attribute: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.record({ S: fc.string() }),
    fc.record({ N: fc.oneof(fc.integer().map(String), fc.integer()) }),
    fc.record({ BOOL: fc.oneof(fc.boolean(), fc.constantFrom('true', 'no', 'x')) }),
    fc.record({ NULL: fc.constant(true) }),
    fc.record({ SS: fc.array(fc.string(), { maxLength: 3 }) }),
    fc.record({ B: fc.constantFrom('AAAA', 'abc', 'AA==') }),
    fc.record({ L: fc.array(tie('value'), { maxLength: 3 }) }),
    fc.record({ M: fc.dictionary(fc.string({ maxLength: 4 }), tie('value'), { maxKeys: 3 }) }),
    fc.record({ S: fc.string(), N: fc.constant('1') }),
    fc.constantFrom(null, 'S', 3, [], { X: { S: 'x' } }),
  ),
})).value;

const item = fc.dictionary(
  fc.constantFrom('pk', 'sk', 'status', 'n', '__proto__', 'constructor'),
  attribute,
  {
    maxKeys: 4,
  },
);

const body = fc.record(
  {
    TableName: fc.oneof(fc.constant('ledger'), fc.constant(3), fc.constant(null)),
    IndexName: fc.constant('byStatus'),
    Key: item,
    Item: item,
    ExpressionAttributeValues: fc.dictionary(fc.constantFrom(':a', ':b'), attribute, { maxKeys: 2 }),
    ExpressionAttributeNames: fc.dictionary(fc.constantFrom('#a', '#b'), fc.oneof(fc.string(), fc.integer())),
    KeyConditionExpression: fc.constant('#a = :a'),
    ConsistentRead: fc.oneof(fc.boolean(), fc.constant('yes')),
    Limit: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant('3')),
    ReturnValues: fc.constant('ALL_OLD'),
    RequestItems: fc.dictionary(
      fc.constant('ledger'),
      fc.oneof(
        fc.array(fc.record({ PutRequest: fc.record({ Item: item }) }, { requiredKeys: [] }), {
          maxLength: 2,
        }),
        fc.record({ Keys: fc.array(item, { maxLength: 2 }) }),
      ),
    ),
    Unknown: fc.constant({ S: 'x' }),
  },
  { requiredKeys: [] },
);

describe("dynalite's type check, compiled", () => {
  it.each(OPERATIONS)('gives %s the tree dynalite gives, or leaves the body to dynalite', (operation) => {
    const types = typesOf(operation);
    const check = compiledCheckTypes(types);
    fc.assert(
      fc.property(body, (data) => {
        const before = JSON.stringify(data);
        const compiled = check(data);
        // The body is left as it was: dynalite's own check may still run on it.
        expect(JSON.stringify(data)).toBe(before);
        if (compiled !== undefined) expect(JSON.stringify(compiled)).toBe(dynalites(data, types));
      }),
      { numRuns: 400 },
    );
  });

  it('checks the bodies the ledger sends, and leaves what dynalite converts or refuses to it', () => {
    const check = compiledCheckTypes(typesOf('updateItem'));
    const update = {
      TableName: 'ledger',
      Key: { pk: { S: 'JOB#a' }, sk: { S: 'JOB' } },
      UpdateExpression: 'SET #a = :a',
      ExpressionAttributeNames: { '#a': 'job' },
      ExpressionAttributeValues: {
        ':a': { M: { n: { N: '1' }, l: { L: [{ S: 'x' }, { NULL: true }] }, b: { BOOL: false } } },
      },
      ReturnValues: 'ALL_OLD',
      Extra: 1,
    };
    expect(JSON.stringify(check(update))).toBe(dynalites(update, typesOf('updateItem')));
    expect(check({ ...update, ExpressionAttributeValues: { ':a': { BOOL: 'true' } } })).toBeUndefined();
    expect(check({ ...update, ExpressionAttributeValues: { ':a': { B: 'AAAA' } } })).toBeUndefined();
    expect(check({ ...update, Key: 'pk' })).toBeUndefined();
    expect(check([update])).toBeUndefined();
  });
});
