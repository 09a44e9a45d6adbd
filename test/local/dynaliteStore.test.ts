import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dynaliteStoreKeepsStrings,
  keepDynaliteStoreAsStrings,
} from '../../devtools/local/runtime/dynaliteStore';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { type LocalDynamo, startLocalDynamo } from '../../devtools/local/runtime/localDynamo';
import { documentClient } from '../../lib/adapters/awsClients';
import { LOCAL_REGION } from '../../lib/wiring/localStack';

describe("dynalite's in-memory store keeps strings", () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(() => dynamo.stop());

  it('is set before dynalite creates its store', () => {
    expect(keepDynaliteStoreAsStrings()).toBe(true);
    expect(dynaliteStoreKeepsStrings()).toBe(true);
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
});
