import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compiledValidations } from '../../devtools/local/runtime/dynaliteValidations';
import { fromDynalite, ITEM_OPERATIONS as OPERATIONS, typesOf } from '../support/dynaliteInternals';

const { checkTypes, checkValidations } = fromDynalite('./validations') as {
  checkTypes(data: unknown, types: object): Record<string, unknown>;
  checkValidations(data: unknown, types: object, custom: undefined, store: object): void;
};

/** Whether dynalite's own check (without the operation's custom validation) refuses the body. */
const dynaliteRefuses = (data: unknown, types: object): boolean => {
  try {
    checkValidations(data, types, undefined, {});
    return false;
  } catch {
    return true;
  }
};

const text = fc.oneof(fc.constantFrom('ledger', 'ab', 'byStatus', 'a b', '', 'x'.repeat(256)), fc.string());
const attribute = fc.oneof(
  fc.record({ S: fc.string() }),
  fc.record({ N: fc.integer().map(String) }),
  fc.record({ L: fc.array(fc.record({ S: fc.string() }), { maxLength: 2 }) }),
);
const item = fc.dictionary(fc.constantFrom('pk', 'sk', 'status', ''), attribute, { maxKeys: 3 });

const body = fc.record(
  {
    TableName: text,
    IndexName: text,
    Key: item,
    Item: item,
    ExpressionAttributeValues: fc.dictionary(fc.constantFrom(':a', ':b', ''), attribute, { maxKeys: 2 }),
    ExpressionAttributeNames: fc.dictionary(fc.constantFrom('#a', '#b', ''), text, { maxKeys: 2 }),
    KeyConditionExpression: text,
    ConditionExpression: text,
    UpdateExpression: text,
    ProjectionExpression: text,
    Limit: fc.integer({ min: -2, max: 3 }),
    Select: fc.constantFrom('COUNT', 'ALL_ATTRIBUTES', 'SOME'),
    ReturnValues: fc.constantFrom('ALL_OLD', 'ALL_NEW', 'NONE', 'SOME'),
    ReturnConsumedCapacity: fc.constantFrom('TOTAL', 'NONE', 'ALL'),
    Segment: fc.integer({ min: -1, max: 2 }),
    TotalSegments: fc.integer({ min: -1, max: 2 }),
    RequestItems: fc.dictionary(
      fc.constantFrom('ledger', 'ab'),
      fc.oneof(
        fc.array(
          fc.record(
            { PutRequest: fc.record({ Item: item }), DeleteRequest: fc.record({ Key: item }) },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        fc.record(
          { Keys: fc.array(item, { maxLength: 2 }), ProjectionExpression: text },
          { requiredKeys: [] },
        ),
      ),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: [] },
);

describe("dynalite's validations, compiled", () => {
  it.each(OPERATIONS)('find %s bodies valid only where dynalite does', (operation) => {
    const types = typesOf(operation);
    const holds = compiledValidations(types);
    let valid = 0;
    fc.assert(
      fc.property(body, (raw) => {
        let data: unknown;
        try {
          data = checkTypes(structuredClone(raw), types);
        } catch {
          return;
        }
        if (holds(data)) {
          valid++;
          expect(dynaliteRefuses(structuredClone(data), types)).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
    // Each list's constraints were met by some bodies, not only refused.
    expect(valid).toBeGreaterThan(0);
  });

  it("refuses what dynalite refuses in the ledger's queries", () => {
    const holds = compiledValidations(typesOf('query'));
    const query = {
      TableName: 'ledger',
      IndexName: 'byStatus',
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': 'availablePartition' },
      ExpressionAttributeValues: { ':p': { S: 'p' } },
    };
    expect(holds(query)).toBe(true);
    for (const wrong of [
      { TableName: 'ab' },
      { TableName: undefined },
      { IndexName: 'a b' },
      { Limit: 0 },
      { Select: 'SOME' },
    ]) {
      const data = { ...query, ...wrong };
      expect(holds(data)).toBe(false);
      expect(dynaliteRefuses(data, typesOf('query'))).toBe(true);
    }
  });
});
