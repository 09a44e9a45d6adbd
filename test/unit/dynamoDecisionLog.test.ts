import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDecisionLog } from '../../lib/adapters/dynamo/dynamoDecisionLog';

const dynamo = mockClient(DynamoDBDocumentClient);

afterEach(() => dynamo.reset());

describe("a job's decisions, as the duplicate-click check reads them", () => {
  it('are read with a strongly consistent query of the table (not an index)', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const log = new DynamoDecisionLog(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'ledger-test');
    await log.decisionsOf('train-a');
    const [query] = dynamo.commandCalls(QueryCommand);
    expect(query?.args[0].input).toMatchObject({ TableName: 'ledger-test', ConsistentRead: true });
    expect(query?.args[0].input.IndexName).toBeUndefined();
  });
});
