import { createRequire } from 'node:module';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  templateDynaliteExpressions,
  withDynaliteOwnParsers,
} from '../../devtools/local/runtime/dynaliteExpressions';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { type LocalDynamo, startLocalDynamo } from '../../devtools/local/runtime/localDynamo';
import { documentClient } from '../../lib/adapters/awsClients';
import { LOCAL_REGION } from '../../lib/wiring/localStack';

type Request = Record<string, unknown>;
interface DynaliteValidations {
  validateExpressions(data: Request): string | undefined;
}

const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
const validations = fromDynalite('./validations/index.js') as DynaliteValidations;

/** dynalite's own verdict and parse trees for a request, on a copy of it. */
const validated = (request: Request) => {
  const data: Request = structuredClone(request);
  const verdict = validations.validateExpressions(data);
  const { _updates, _condition, _keyCondition, _filter, _projection } = data;
  return { verdict, trees: { _updates, _condition, _keyCondition, _filter, _projection } };
};

/** Which objects of a tree are one and the same: each object's first place in a walk, in walk order. */
const sharing = (tree: unknown): number[] => {
  const seen = new Map<object, number>();
  const out: number[] = [];
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return;
    const known = seen.get(node);
    out.push(known ?? seen.size);
    if (known !== undefined) return;
    seen.set(node, seen.size);
    for (const member of Object.values(node)) walk(member);
  };
  walk(tree);
  return out;
};

/** Each request twice, then again with other values of the same types: the parse must not tell. */
const sameAsDynalite = (requests: readonly Request[]) => {
  for (const request of [...requests, ...requests]) {
    const own = withDynaliteOwnParsers(() => validated(request));
    const mine = validated(request);
    expect(mine).toStrictEqual(own);
    // Nodes the parser put in two places are one node in the copy too (dynalite may change one).
    expect(sharing(mine.trees)).toEqual(sharing(own.trees));
  }
};

const update = (values: Record<string, object>): Request => ({
  UpdateExpression: 'SET #s = :s, poolRank = if_not_exists(poolRank, :zero) + :one REMOVE pendingAction',
  ConditionExpression: 'attribute_not_exists(#s) OR (#s <> :s AND poolRank < :one)',
  ExpressionAttributeNames: { '#s': 'status' },
  ExpressionAttributeValues: values,
});

describe("dynalite's expressions, parsed once", () => {
  beforeAll(() => templateDynaliteExpressions());

  it('give the same parse trees as dynalite, with each request’s own values in', () => {
    sameAsDynalite([
      update({ ':s': { S: 'Available' }, ':zero': { N: '0' }, ':one': { N: '1' } }),
      update({ ':s': { S: 'Stopped' }, ':zero': { N: '0' }, ':one': { N: '7' } }),
      {
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        FilterExpression: 'size(tags) > :n AND kind IN (:a, :b)',
        ProjectionExpression: '#pk, #sk, pools[0].name',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: {
          ':pk': { S: 'POOL#a' },
          ':prefix': { S: 'JOB#' },
          ':n': { N: '2' },
          ':a': { S: 'x' },
          ':b': { L: [{ S: 'y' }] },
        },
      },
      {
        UpdateExpression: 'ADD seen :tags DELETE gone :tags SET history = list_append(history, :more)',
        ExpressionAttributeValues: {
          ':tags': { SS: ['a', 'b'] },
          ':more': { L: [{ M: { at: { N: '3' } } }] },
        },
      },
    ]);
  });

  it('give the same errors as dynalite, the first time and every time after', () => {
    sameAsDynalite([
      update({ ':s': { S: 'Available' }, ':zero': { N: '0' } }),
      update({ ':s': { S: 'Available' }, ':zero': { N: '0' }, ':one': { N: '1' }, ':spare': { N: '2' } }),
      { ConditionExpression: 'attribute_exists(pk) AND', ExpressionAttributeValues: { ':x': { S: 'a' } } },
      // Kept from a first parse with numbers, the sum must still refuse a string.
      {
        UpdateExpression: 'SET a = :v + :w',
        ExpressionAttributeValues: { ':v': { N: '2' }, ':w': { N: '1' } },
      },
      {
        UpdateExpression: 'SET a = :v + :w',
        ExpressionAttributeValues: { ':v': { S: 'a' }, ':w': { N: '1' } },
      },
      { ConditionExpression: 'begins_with(sk, :n)', ExpressionAttributeValues: { ':n': { S: 'a' } } },
      { ConditionExpression: 'begins_with(sk, :n)', ExpressionAttributeValues: { ':n': { N: '1' } } },
      { ConditionExpression: 'size = :n', ExpressionAttributeValues: { ':n': { N: '1' } } },
    ]);
  });

  it('still check values that a parse compares: BETWEEN bounds and attribute_type', () => {
    const between = (low: string, high: string): Request => ({
      ConditionExpression: 'n BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':low': { N: low }, ':high': { N: high } },
    });
    const typed = (type: string): Request => ({
      ConditionExpression: 'attribute_type(n, :t)',
      ExpressionAttributeValues: { ':t': { S: type } },
    });
    sameAsDynalite([between('1', '5'), between('9', '2'), typed('N'), typed('NUMBER')]);
    expect(validated(between('9', '2')).verdict).toMatch(/upper bound to be greater than or equal/);
    expect(validated(typed('NUMBER')).verdict).toMatch(/Invalid attribute type name found/);
  });

  it('hand out a fresh tree each time: what dynalite changes in one does not reach the next', () => {
    const request: Request = {
      KeyConditionExpression: ':pk = pk',
      ExpressionAttributeValues: { ':pk': { S: 'p' } },
    };
    const first = structuredClone(request);
    validations.validateExpressions(first);
    const tree = first._keyCondition as { expression: { type: string; args: unknown[] } };
    tree.expression.type = 'changed';
    tree.expression.args.length = 0;
    sameAsDynalite([request]);
  });
});

describe('the local ledger with expressions parsed once', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(() => dynamo.stop());

  it('writes, reads and refuses as DynamoDB does, request after request', async () => {
    const table = await dynamo.ensureLedgerTable('expressions');
    const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
    for (const n of [1, 2, 3]) {
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: `s${n}`, n } }));
      await client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: 'p', sk: `s${n}` },
          UpdateExpression: 'SET #n = #n + :step',
          ConditionExpression: '#n < :cap',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':step': 10 * n, ':cap': 100 },
        }),
      );
    }
    const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: 'p', sk: 's3' } }));
    expect(Item).toEqual({ pk: 'p', sk: 's3', n: 33 });
    const { Items } = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :p AND sk > :after',
        ExpressionAttributeValues: { ':p': 'p', ':after': 's1' },
      }),
    );
    expect(Items?.map((item) => item.n)).toEqual([22, 33]);
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'p', sk: 's1' },
            UpdateExpression: 'SET n = :v + :w',
            ExpressionAttributeValues: { ':v': 'a', ':w': 1 },
          }),
        ),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message:
          'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
      });
      await expect(
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: 'p', sk: 's1' },
            UpdateExpression: 'SET n = :v',
            ConditionExpression: 'n > :cap',
            ExpressionAttributeValues: { ':v': 1, ':cap': 100 },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    }
    client.destroy();
  });
});
