import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient, GetCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { inProcessTransport } from '../../devtools/local/runtime/inProcessHandler';
import { configurationCopy, documentClient, sageMakerClient } from '../../lib/adapters/awsClients';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { snsClient } from '../../lib/adapters/sns/snsClient';

const names = (client: { middlewareStack: { identify(): string[] } }) =>
  client.middlewareStack.identify().join(' ');

describe('AWS clients', () => {
  it('keep the whole middleware stack unless their transport says otherwise', () => {
    expect(names(documentClient({ region: 'us-east-1' }))).toContain('getUserAgentMiddleware');
    expect(names(sageMakerClient({ region: 'us-east-1' }))).toContain('getUserAgentMiddleware');
  });

  it('drop only what the in-process transport makes pointless, keeping retries and signing', () => {
    const transport = inProcessTransport(() => ({ status: 200, headers: {}, body: '{}' }));
    for (const client of [
      documentClient({ region: 'us-east-1', transport }),
      sageMakerClient({ region: 'us-east-1', transport }),
      snsClient({ region: 'us-east-1', attemptTimeoutMs: 1000, transport }),
    ]) {
      const stack = names(client);
      expect(stack).not.toContain('getUserAgentMiddleware');
      expect(stack).not.toContain('hostHeaderMiddleware');
      expect(stack).toContain('retryMiddleware');
      expect(stack).toContain('httpSigningMiddleware');
    }
  });

  it('retry a throttled in-process call as many times as over HTTPS, and give up after the last attempt', async () => {
    const throttled = {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
    };
    let calls = 0;
    let throttleFirst = 2;
    const transport = inProcessTransport(() => {
      calls += 1;
      if (throttleFirst-- > 0) return throttled;
      return { status: 200, headers: {}, body: JSON.stringify({ TrainingJobName: 'a' }) };
    });
    const client = sageMakerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      transport,
    });
    const answer = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'a' }));
    expect(answer.TrainingJobName).toBe('a');
    expect(calls).toBe(3);

    calls = 0;
    throttleFirst = Number.POSITIVE_INFINITY;
    await expect(client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'a' }))).rejects.toMatchObject(
      {
        name: 'ThrottlingException',
        $metadata: { attempts: 6 },
      },
    );
    expect(calls).toBe(6);
  });

  it('send each call its own input when the middleware stack is resolved once per command class', async () => {
    const asked: string[] = [];
    const transport = inProcessTransport(
      (request) => {
        const name = (JSON.parse(request.body) as { TrainingJobName: string }).TrainingJobName;
        asked.push(name);
        return { status: 200, headers: {}, body: JSON.stringify({ TrainingJobName: name }) };
      },
      { cacheMiddleware: true },
    );
    const client = sageMakerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      transport,
    });
    const answers = await Promise.all(
      ['a', 'b', 'c'].map((name) => client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))),
    );
    expect(answers.map((a) => a.TrainingJobName)).toEqual(['a', 'b', 'c']);
    expect(asked).toEqual(['a', 'b', 'c']);
    expect(client.config.cacheMiddleware).toBe(true);
  });

  it('let the SageMaker adapter reuse the cached chain for calls without a deadline', async () => {
    const transport = inProcessTransport(
      (request) => ({
        status: 200,
        headers: {},
        body: JSON.stringify({
          TrainingJobName: (JSON.parse(request.body) as { TrainingJobName: string }).TrainingJobName,
        }),
      }),
      { cacheMiddleware: true },
    );
    const client = sageMakerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      transport,
    });
    const resolve = vi.spyOn(DescribeTrainingJobCommand.prototype, 'resolveMiddleware');
    try {
      const jobs = new SageMakerTrainingJobs(client);
      for (const name of ['a', 'b', 'c']) expect((await jobs.describe(name))?.name).toBe(name);
      expect(resolve).toHaveBeenCalledTimes(1);
    } finally {
      resolve.mockRestore();
    }
  });

  it('let the document client resolve each command class once, each call marshalling its own input', async () => {
    const asked: unknown[] = [];
    const transport = inProcessTransport(
      (request) => {
        const body = JSON.parse(request.body) as { Key: { pk: { S: string } }; ExclusiveStartKey?: unknown };
        asked.push(body);
        const pk = body.Key?.pk.S;
        const target = request.headers['x-amz-target'];
        if (target === 'DynamoDB_20120810.Query') {
          const page = body.ExclusiveStartKey ? 2 : 1;
          return {
            status: 200,
            headers: {},
            body: JSON.stringify({
              Items: [{ pk: { S: `page${page}` } }],
              ...(page === 1 ? { LastEvaluatedKey: { pk: { S: 'page1' } } } : {}),
            }),
          };
        }
        return {
          status: 200,
          headers: {},
          body: JSON.stringify(
            target === 'DynamoDB_20120810.GetItem'
              ? { Item: { pk: { S: pk }, n: { N: String(pk?.length) } } }
              : { Attributes: { pk: { S: pk }, tags: { SS: ['x'] } } },
          ),
        };
      },
      { cacheMiddleware: true },
    );
    const client = documentClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      transport,
    });
    const resolve = vi.spyOn(UpdateItemCommand.prototype, 'resolveMiddleware');
    // What wraps the SDK client's send (the benchmarks' request counts) sees every call.
    const sends = vi.spyOn(Object.getPrototypeOf(DynamoDBDocumentClient.prototype), 'send');
    try {
      const updated = await Promise.all(
        ['a', 'bb', 'ccc'].map((pk) =>
          client.send(
            new UpdateCommand({
              TableName: 't',
              Key: { pk },
              UpdateExpression: 'SET n = :n',
              ExpressionAttributeValues: { ':n': pk.length },
              ReturnValues: 'ALL_NEW',
            }),
          ),
        ),
      );
      expect(updated.map((out) => out.Attributes)).toEqual([
        { pk: 'a', tags: new Set(['x']) },
        { pk: 'bb', tags: new Set(['x']) },
        { pk: 'ccc', tags: new Set(['x']) },
      ]);
      expect(resolve).toHaveBeenCalledTimes(1);
      expect(sends).toHaveBeenCalledTimes(3);
    } finally {
      resolve.mockRestore();
      sends.mockRestore();
    }
    expect(
      asked.map((body) => (body as { ExpressionAttributeValues: unknown }).ExpressionAttributeValues),
    ).toEqual([{ ':n': { N: '1' } }, { ':n': { N: '2' } }, { ':n': { N: '3' } }]);
    for (const pk of ['dddd', 'e']) {
      const { Item } = await client.send(new GetCommand({ TableName: 't', Key: { pk } }));
      expect(Item).toEqual({ pk, n: pk.length });
    }
    const pages: unknown[] = [];
    for await (const page of paginateQuery(
      { client },
      { TableName: 't', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'x' } },
    )) {
      pages.push(page.Items);
    }
    expect(pages).toEqual([[{ pk: 'page1' }], [{ pk: 'page2' }]]);
  });

  it("resolve an in-process client's command chains on its configuration copy", async () => {
    const transport = inProcessTransport(
      () => ({ status: 200, headers: {}, body: '{"TrainingJobName":"a"}' }),
      {
        cacheMiddleware: true,
      },
    );
    const options = { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    const client = sageMakerClient({ ...options, transport });
    // The SDK's own configuration is left in dictionary mode; the copy has the same properties.
    expect(client.config.region).toBeTypeOf('function');
    const resolve = vi.spyOn(DescribeTrainingJobCommand.prototype, 'resolveMiddleware');
    try {
      await client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'a' }));
      // The chain's middleware (the endpoint's spreads it per call) holds the client's config, a copy.
      expect(resolve.mock.calls[0]?.[1]).toBe(client.config);
      expect(Object.getOwnPropertyDescriptor(client.config, 'credentials')?.get).toBeTypeOf('function');
    } finally {
      resolve.mockRestore();
    }
  });

  it('copy a client configuration with the same providers and accessors', () => {
    const client = documentClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const copy = configurationCopy(client.config);
    expect(copy).not.toBe(client.config);
    expect(Object.getOwnPropertyDescriptors(copy)).toEqual(Object.getOwnPropertyDescriptors(client.config));
    expect(copy.credentials).toBe(client.config.credentials);
  });
});
