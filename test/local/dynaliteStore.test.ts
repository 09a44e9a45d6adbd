import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  waitUntilTableExists,
  waitUntilTableNotExists,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answerJson,
  dynaliteStoreIsLean,
  LeanMemoryStore,
  useLeanDynaliteStore,
} from '../../devtools/local/runtime/dynaliteStore';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { type LocalDynamo, startLocalDynamo } from '../../devtools/local/runtime/localDynamo';
import { documentClient } from '../../lib/adapters/awsClients';
import { LOCAL_REGION } from '../../lib/wiring/localStack';

describe("dynalite's lean in-memory store", () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(() => dynamo.stop());

  it('is set before dynalite creates its store', () => {
    expect(useLeanDynaliteStore()).toBe(true);
    expect(dynaliteStoreIsLean()).toBe(true);
  });

  it('places items under the MD5 of their key, as dynalite does', () => {
    const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
    const db = fromDynalite('./db') as {
      hashPrefix(hashKey: string, hashType: string, rangeKey?: string, rangeType?: string): string;
    };
    const md5 = (...parts: Buffer[]) =>
      createHash('md5').update('Outliers').update(Buffer.concat(parts)).digest('hex').slice(0, 6);
    for (let round = 0; round < 2; round++) {
      expect(db.hashPrefix('JOB#a', 'S')).toBe(md5(Buffer.from('JOB#a')));
      expect(db.hashPrefix('JOB#a', 'S', 'é', 'S')).toBe(md5(Buffer.from('JOB#a'), Buffer.from('é')));
      expect(db.hashPrefix('AQI=', 'B')).toBe(md5(Buffer.from([1, 2])));
      expect(db.hashPrefix('JOB#b', 'S')).not.toBe(db.hashPrefix('JOB#a', 'S'));
    }
  });

  it('writes an item changed after a write as it then is', async () => {
    const table = await dynamo.ensureLedgerTable('store-rewrite');
    const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
    const key = { pk: 'JOB#x', sk: 'JOB' };
    for (const expiresAtMs of [1, 2, 3]) {
      // In byExpiry too: the same item is written to the table and to the index.
      await client.send(
        new PutCommand({ TableName: table, Item: { ...key, availablePartition: 'p', expiresAtMs } }),
      );
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: key }));
      expect(Item?.expiresAtMs).toBe(expiresAtMs);
      const { Items } = await client.send(
        new QueryCommand({
          TableName: table,
          IndexName: 'byExpiry',
          KeyConditionExpression: 'availablePartition = :p',
          ExpressionAttributeValues: { ':p': 'p' },
        }),
      );
      expect(Items?.map((item) => item.expiresAtMs)).toEqual([expiresAtMs]);
    }
  });

  it('still orders range keys and round-trips items through the in-process transport', async () => {
    const table = await dynamo.ensureLedgerTable('store-order');
    const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
    const sortKeys = ['b#2', 'a#10', 'a#9', 'é#1', 'a#1'];
    for (const sk of sortKeys) {
      await client.send(
        new PutCommand({ TableName: table, Item: { pk: 'p', sk, n: 1.5, tags: { x: 'ü' } } }),
      );
    }
    const { Items } = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': 'p' },
      }),
    );
    expect(Items?.map((item) => item.sk)).toEqual(['a#1', 'a#10', 'a#9', 'b#2', 'é#1']);
    expect(Items?.[0]).toEqual({ pk: 'p', sk: 'a#1', n: 1.5, tags: { x: 'ü' } });
    client.destroy();
  });

  it('pages ranges backwards and forwards as DynamoDB does', async () => {
    const table = await dynamo.ensureLedgerTable('store-pages');
    const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
    for (const sk of ['k1', 'k2', 'k3', 'k4', 'k5']) {
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk } }));
    }
    await client.send(new PutCommand({ TableName: table, Item: { pk: 'q', sk: 'k0' } }));
    const read = async (forward: boolean) => {
      const seen: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
            ExpressionAttributeValues: { ':p': 'p', ':a': 'k2', ':b': 'k5' },
            ScanIndexForward: forward,
            Limit: 2,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        seen.push(...(page.Items ?? []).map((item) => String(item.sk)));
        start = page.LastEvaluatedKey;
      } while (start);
      return seen;
    };
    expect(await read(true)).toEqual(['k2', 'k3', 'k4', 'k5']);
    expect(await read(false)).toEqual(['k5', 'k4', 'k3', 'k2']);
    client.destroy();
  });

  it('reads a table description again once the table was written', async () => {
    const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
    const name = await dynamo.ensureLedgerTable('store-recreated');
    await client.send(new PutCommand({ TableName: name, Item: { pk: 'p', sk: 's' } }));
    expect(
      (await client.send(new GetCommand({ TableName: name, Key: { pk: 'p', sk: 's' } }))).Item,
    ).toBeDefined();
    // The document client sends table commands as they are.
    const dynamoClient = client as unknown as Pick<DynamoDBClient, 'send'>;
    await dynamoClient.send(new DeleteTableCommand({ TableName: name }));
    await waitUntilTableNotExists(
      { client: client as never, maxWaitTime: 10, minDelay: 0.05 },
      { TableName: name },
    );
    await dynamoClient.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists(
      { client: client as never, maxWaitTime: 10, minDelay: 0.05 },
      { TableName: name },
    );
    // The old key schema (pk, sk) is gone: DynamoDB's answer names the missing key.
    await expect(
      client.send(new PutCommand({ TableName: name, Item: { pk: 'p', sk: 's' } })),
    ).rejects.toThrow(/Missing the key id/);
    await client.send(new PutCommand({ TableName: name, Item: { id: 'x' } }));
    expect((await client.send(new GetCommand({ TableName: name, Key: { id: 'x' } }))).Item).toEqual({
      id: 'x',
    });
    client.destroy();
  });
});

describe("the lean store's answers", () => {
  it('are JSON.stringify of the answer, stored items or not', async () => {
    const dynamo = await startLocalDynamo();
    try {
      const table = await dynamo.ensureLedgerTable('store-answers');
      const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
      await client.send(new PutCommand({ TableName: table, Item: { pk: 'p', sk: 's', n: -0, s: '"é\n' } }));
      const { Item } = await client.send(new GetCommand({ TableName: table, Key: { pk: 'p', sk: 's' } }));
      expect(Item).toEqual({ pk: 'p', sk: 's', n: 0, s: '"é\n' });
      client.destroy();
    } finally {
      await dynamo.stop();
    }
    const shapes: unknown[] = [
      { Items: [{ a: { S: 'x' } }, undefined, null], Count: 2, ScannedCount: -0 },
      { Responses: { t: [{ a: { N: '1' } }] }, UnprocessedKeys: {}, skipped: undefined, f: () => 1 },
      Object.assign(Object.create(null) as object, {
        Attributes: { deep: { M: { x: { L: [{ S: '\u2028' }] } } } },
      }),
      { __type: 'com.amazon.coral.validate#ValidationException', message: 'no' },
      { ConsumedCapacity: { CapacityUnits: 0.5, TableName: 't', Table: undefined } },
    ];
    for (const answer of shapes) expect(answerJson(answer)).toBe(JSON.stringify(answer));
  });

  it("keep what they know of a stored item out of dynalite's sight", () => {
    const store = new LeanMemoryStore();
    const written = { pk: { S: 'p' }, sk: { S: 's' }, n: { N: '1' } };
    store.writeNow([{ type: 'put', key: 'item-t~k', value: written }]);
    const item = store.readNow('item-t~k') as Record<string, unknown>;
    expect(answerJson({ Item: item })).toBe(JSON.stringify({ Item: written }));
    // Once answered, the item's text is kept on it: no enumeration, copy or clone shows it.
    expect(Object.keys(item)).toEqual(['pk', 'sk', 'n']);
    const names: string[] = [];
    for (const name in item) names.push(name);
    expect(names).toEqual(['pk', 'sk', 'n']);
    expect(Object.getOwnPropertySymbols({ ...item })).toEqual([]);
    expect(Object.getOwnPropertySymbols(Object.assign({}, item))).toEqual([]);
    expect(JSON.stringify(item)).toBe(JSON.stringify(written));
  });

  it('cannot be changed through an item a client read', async () => {
    const dynamo = await startLocalDynamo();
    try {
      const table = await dynamo.ensureLedgerTable('store-shared');
      const client = documentClient({ region: LOCAL_REGION, transport: inProcessTransport(dynamo.dispatch) });
      const key = { pk: 'p', sk: 's' };
      await client.send(new PutCommand({ TableName: table, Item: { ...key, nested: { list: [1, 2] } } }));
      for (let round = 0; round < 2; round++) {
        const { Item } = await client.send(new GetCommand({ TableName: table, Key: key }));
        expect(Item).toEqual({ ...key, nested: { list: [1, 2] } });
        if (!Item) throw new Error('no item');
        (Item.nested as { list: number[] }).list.push(3);
        Item.extra = 'x';
      }
      const { Items } = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': 'p' },
        }),
      );
      expect(Items).toEqual([{ ...key, nested: { list: [1, 2] } }]);
      client.destroy();
    } finally {
      await dynamo.stop();
    }
  });

  it('leave out an attribute written as undefined, as JSON would', () => {
    const store = new LeanMemoryStore();
    store.writeNow([{ type: 'put', key: 'index-global~t~i~k', value: { a: { S: 'x' }, b: undefined } }]);
    expect(store.readNow('index-global~t~i~k')).toEqual({ a: { S: 'x' } });
    expect(Object.keys(store.readNow('index-global~t~i~k') as object)).toEqual(['a']);
  });
});
