import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireRequest } from '../../devtools/local/runtime/inProcessHandler';
import { type LocalDynamo, startLocalDynamo } from '../../devtools/local/runtime/localDynamo';

const SIGNED = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
};

const request = (
  operation: string,
  body: unknown,
  headers: Record<string, string> = SIGNED,
): WireRequest => ({
  method: 'POST',
  path: '/',
  headers: { ...headers, 'x-amz-target': `DynamoDB_20120810.${operation}` },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe("dynalite's request path in process", () => {
  let dynamo: LocalDynamo;
  let table: string;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    table = await dynamo.ensureLedgerTable('request-path');
  });
  afterAll(() => dynamo.stop());

  /** The same request over loopback HTTP, through dynalite's own handler. */
  const overHttp = async (wire: WireRequest) => {
    const response = await fetch(dynamo.endpoint, {
      method: wire.method,
      headers: wire.headers,
      body: wire.body,
    });
    return { status: response.status, body: await response.text() };
  };

  const cases: [string, (table: string) => WireRequest][] = [
    [
      'a put',
      (t) => request('PutItem', { TableName: t, Item: { pk: { S: 'p' }, sk: { S: 's' }, n: { N: '1' } } }),
    ],
    ['a get', (t) => request('GetItem', { TableName: t, Key: { pk: { S: 'p' }, sk: { S: 's' } } })],
    [
      'a failed condition',
      (t) =>
        request('PutItem', {
          TableName: t,
          Item: { pk: { S: 'p' }, sk: { S: 's' } },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
    ],
    ['a missing key', (t) => request('GetItem', { TableName: t, Key: { pk: { S: 'p' } } })],
    ['a query without a key condition', (t) => request('Query', { TableName: t })],
    ['a wrong type', (t) => request('GetItem', { TableName: t, Key: 'pk' })],
    [
      'an unknown table',
      () => request('GetItem', { TableName: 'nope', Key: { pk: { S: 'p' }, sk: { S: 's' } } }),
    ],
    ['a body that is not JSON', () => request('GetItem', '{"TableName":')],
    [
      'no signature',
      () => request('GetItem', { TableName: 'x' }, { 'content-type': SIGNED['content-type'] }),
    ],
    [
      'a signature without its parts',
      () =>
        request('GetItem', { TableName: 'x' }, { ...SIGNED, authorization: 'AWS4-HMAC-SHA256 Credential=' }),
    ],
    ['an unknown operation', () => request('GetItems', { TableName: 'x' })],
  ];

  it.each(cases)('answers %s as dynalite does over HTTP', async (_, make) => {
    const wire = make(table);
    const inProcess = await dynamo.dispatch(wire);
    const http = await overHttp(wire);
    expect({ status: inProcess.status, body: inProcess.body }).toEqual(http);
  });

  it('counts every request once, whichever way it came', async () => {
    const before = dynamo.calls().GetItem ?? 0;
    await dynamo.dispatch(request('GetItem', { TableName: table, Key: { pk: { S: 'p' }, sk: { S: 's' } } }));
    await overHttp(request('GetItem', { TableName: table, Key: { pk: { S: 'p' }, sk: { S: 's' } } }));
    expect(dynamo.calls().GetItem).toBe(before + 2);
  });
});
