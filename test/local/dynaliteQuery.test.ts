import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireRequest } from '../../devtools/local/runtime/inProcessHandler';
import { type LocalDynamo, startLocalDynamo } from '../../devtools/local/runtime/localDynamo';

const SIGNED = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
};

const request = (operation: string, body: object): WireRequest => ({
  method: 'POST',
  path: '/',
  headers: { ...SIGNED, 'x-amz-target': `DynamoDB_20120810.${operation}` },
  body: JSON.stringify(body),
});

const TABLE = 'query-path';

/** Items of two partitions, some in the byExpiry index, numbers of every shape, big and small. */
const items = (): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const item: Record<string, unknown> = {
      pk: { S: i % 3 === 0 ? 'POOL#b' : 'POOL#a' },
      sk: { S: `s#${String(i).padStart(3, '0')}` },
      n: { N: String(i % 7 === 0 ? -i * 1.25 : i * 1000.5) },
      note: { S: 'x'.repeat(i * 37) },
      tags: { M: { team: { S: i % 2 ? 'nlp' : 'vision' }, list: { L: [{ N: '1' }, { S: 'é' }] } } },
    };
    if (i % 4 === 0) {
      item.availablePartition = { S: 'p' };
      item.expiresAtMs = { N: String(1_000_000 + i) };
    }
    out.push(item);
  }
  return out;
};

const queries = (): [string, string, object][] => {
  const a = { ':p': { S: 'POOL#a' } };
  return [
    ['a partition', 'Query', { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: a }],
    [
      'a partition backwards with a limit',
      'Query',
      {
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: a,
        ScanIndexForward: false,
        Limit: 5,
      },
    ],
    [
      'a page after a start key',
      'Query',
      {
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: a,
        Limit: 4,
        ExclusiveStartKey: { pk: { S: 'POOL#a' }, sk: { S: 's#007' } },
      },
    ],
    [
      'a range with a filter and a projection',
      'Query',
      {
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
        FilterExpression: 'n > :n AND tags.team = :t',
        ProjectionExpression: 'sk, tags.#l[1], #n',
        ExpressionAttributeNames: { '#n': 'n', '#l': 'list' },
        ExpressionAttributeValues: {
          ...a,
          ':lo': { S: 's#005' },
          ':hi': { S: 's#030' },
          ':n': { N: '3000' },
          ':t': { S: 'nlp' },
        },
      },
    ],
    [
      'a filtered page that stops at its limit',
      'Query',
      {
        KeyConditionExpression: 'pk = :p AND begins_with(sk, :s)',
        FilterExpression: 'attribute_exists(expiresAtMs)',
        ExpressionAttributeValues: { ...a, ':s': { S: 's#0' } },
        Limit: 6,
      },
    ],
    [
      'a count',
      'Query',
      { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: a, Select: 'COUNT' },
    ],
    [
      'an index',
      'Query',
      {
        IndexName: 'byExpiry',
        KeyConditionExpression: 'availablePartition = :v AND expiresAtMs <= :e',
        ExpressionAttributeValues: { ':v': { S: 'p' }, ':e': { N: '1000030' } },
        ReturnConsumedCapacity: 'INDEXES',
      },
    ],
    [
      'the consumed capacity of a table',
      'Query',
      {
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: a,
        ConsistentRead: true,
        ReturnConsumedCapacity: 'TOTAL',
      },
    ],
    [
      'an empty partition',
      'Query',
      { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'none' } } },
    ],
    ['a scan', 'Scan', {}],
    ['a scan of a segment with a limit', 'Scan', { Segment: 1, TotalSegments: 3, Limit: 3 }],
    [
      'a filtered scan',
      'Scan',
      { ScanFilter: { n: { ComparisonOperator: 'LT', AttributeValueList: [{ N: '0' }] } } },
    ],
    [
      'a page that reaches 1 MB',
      'Query',
      { KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'BIG' } } },
    ],
  ];
};

/**
 * The local stack's query path (the lean store read in one loop, each item measured once) against
 * dynalite's own (its on-disk store, read through its streams): the same answers, byte for byte.
 */
describe("dynalite's queries on the lean store", () => {
  let lean: LocalDynamo;
  let own: LocalDynamo;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'poolwarden-query-'));
    lean = await startLocalDynamo();
    own = await startLocalDynamo({ dataDir });
    for (const dynamo of [lean, own]) {
      await dynamo.ensureLedgerTable(TABLE);
      for (const item of items()) await dynamo.dispatch(request('PutItem', { TableName: TABLE, Item: item }));
      // About 380 KB each: the third ends a page at 1 MB.
      for (let i = 0; i < 4; i++)
        await dynamo.dispatch(
          request('PutItem', {
            TableName: TABLE,
            Item: { pk: { S: 'BIG' }, sk: { S: `b${i}` }, blob: { S: 'y'.repeat(380_000) } },
          }),
        );
    }
  });
  afterAll(async () => {
    await lean.stop();
    await own.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(queries())('answers %s as dynalite does', async (_, operation, body) => {
    const wire = request(operation, { TableName: TABLE, ...body });
    const [mine, theirs] = await Promise.all([lean.dispatch(wire), own.dispatch(wire)]);
    expect(theirs.status, theirs.body).toBe(200);
    expect({ status: mine.status, body: mine.body }).toEqual({ status: theirs.status, body: theirs.body });
  });

  it('answers again after the items changed', async () => {
    for (const dynamo of [lean, own]) {
      await dynamo.dispatch(
        request('UpdateItem', {
          TableName: TABLE,
          Key: { pk: { S: 'POOL#a' }, sk: { S: 's#001' } },
          UpdateExpression: 'SET note = :v, n = n + :one',
          ExpressionAttributeValues: { ':v': { S: 'z'.repeat(5000) }, ':one': { N: '1' } },
        }),
      );
      await dynamo.dispatch(
        request('DeleteItem', { TableName: TABLE, Key: { pk: { S: 'POOL#a' }, sk: { S: 's#002' } } }),
      );
      // Index entries moved, dropped and added (dynaliteIndexes.ts keeps the index keys it made).
      await dynamo.dispatch(
        request('UpdateItem', {
          TableName: TABLE,
          Key: { pk: { S: 'POOL#a' }, sk: { S: 's#004' } },
          UpdateExpression: 'SET expiresAtMs = :e',
          ExpressionAttributeValues: { ':e': { N: '999999' } },
        }),
      );
      await dynamo.dispatch(
        request('UpdateItem', {
          TableName: TABLE,
          Key: { pk: { S: 'POOL#a' }, sk: { S: 's#008' } },
          UpdateExpression: 'REMOVE availablePartition',
        }),
      );
      await dynamo.dispatch(
        request('UpdateItem', {
          TableName: TABLE,
          Key: { pk: { S: 'POOL#a' }, sk: { S: 's#005' } },
          UpdateExpression: 'SET availablePartition = :p, expiresAtMs = :e',
          ExpressionAttributeValues: { ':p': { S: 'p' }, ':e': { N: '1000001' } },
        }),
      );
    }
    for (const [, operation, body] of queries()) {
      const wire = request(operation, { TableName: TABLE, ...body });
      const [mine, theirs] = await Promise.all([lean.dispatch(wire), own.dispatch(wire)]);
      expect(mine.body).toBe(theirs.body);
    }
  });
});
