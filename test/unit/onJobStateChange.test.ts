import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ProcessOutcome } from '../../lib/app/processJobStateChange';
import { completedWithAvailablePool, jobEvent, T0 } from '../support/jobEvents';
import { lambdaContext } from '../support/lambdaContext';

const dynamo = mockClient(DynamoDBDocumentClient);
const sageMaker = mockClient(SageMakerClient);

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<ProcessOutcome>;
let handler: Handler;

beforeAll(async () => {
  process.env.POOLWARDEN_TABLE = 'ledger-test';
  // The describe at a warm start, as an operator who turned the presumption off has it; the
  // presumption is tested against the emulator (test/integration/reusePresumption.test.ts).
  process.env.POOLWARDEN_PRESUME_REUSE = 'off';
  handler = (await import('../../functions/onJobStateChange')).handler as unknown as Handler;
});

afterAll(() => {
  delete process.env.POOLWARDEN_PRESUME_REUSE;
});

beforeEach(() => {
  dynamo.reset();
  sageMaker.reset();
  // Reads and writes a test does not script (statistics, notification log) find nothing and succeed.
  dynamo.onAnyCommand().resolves({});
});

const invoke = (event: unknown) => handler(event, lambdaContext('onJobStateChange'));

/** A first write of every job: no previous item (ALL_OLD is empty); other updates echo their key. */
const echoSnapshotWrite = () =>
  dynamo
    .on(UpdateCommand)
    .callsFake((input: { Key: { pk: string }; ExpressionAttributeValues?: Record<string, unknown> }) =>
      input.ExpressionAttributeValues && ':lm' in input.ExpressionAttributeValues
        ? {}
        : { Attributes: { pk: input.Key.pk, sk: 'JOB', name: input.Key.pk.slice(4) } },
    );

const updatesOf = (key: string) =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((i) => (i.Key as { pk: string }).pk === `JOB#${key}`);

const setValues = (input: {
  ExpressionAttributeNames?: Record<string, string> | undefined;
  ExpressionAttributeValues?: Record<string, unknown> | undefined;
}) => {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  return Object.fromEntries(
    Object.entries(names)
      .filter(([placeholder]) => placeholder.startsWith('#s'))
      .map(([placeholder, attribute]) => [attribute, values[`:${placeholder.slice(1)}`]]),
  );
};

describe('onJobStateChange', () => {
  it('rejects a malformed event without touching DynamoDB or SageMaker', async () => {
    const event = jobEvent({ id: 'bad-1' });
    const outcome = await invoke({ ...event, detail: { ...event.detail, TrainingJobStatus: 'Weird' } });
    expect(outcome).toMatchObject({
      kind: 'rejected',
      rejection: { eventId: 'bad-1', field: 'detail.TrainingJobStatus' },
    });
    expect(dynamo.calls()).toHaveLength(0);
    expect(sageMaker.calls()).toHaveLength(0);
  });

  it('records a finished job and its Available pool with the predicted expiry and index keys', async () => {
    echoSnapshotWrite();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    sageMaker.on(DescribeTrainingJobCommand).resolves(completedWithAvailablePool('train-a'));
    const outcome = await invoke(jobEvent({ name: 'train-a' }));
    expect(outcome).toMatchObject({
      kind: 'applied',
      facts: [{ kind: 'job-ended' }, { kind: 'pool-available' }],
    });

    // The job is described first: its end and its pool are one write.
    const writes = updatesOf('train-a').filter((w) => /:lm|:poolRank/.test(w.ConditionExpression ?? ''));
    expect(writes).toHaveLength(1);
    const end = writes[0];
    expect(end?.ConditionExpression).toContain('lastModifiedMs < :lm');
    expect(end?.ConditionExpression).toContain('poolRank < :poolRank');
    const written = setValues(end ?? {});
    expect(written).toMatchObject({
      job: expect.objectContaining({ status: 'Completed' }),
      poolStatus: 'Available',
      availableSinceMs: T0 + 600_000,
      expiresAtMs: T0 + 600_000 + 1_800_000,
      keepAliveSeconds: 1800,
      availablePartition: 'AVAILABLE',
      availableOwner: 'alice',
      availableMatchKey: expect.stringMatching(/^mk1_/),
    });
  });

  it('a stale event overwrites nothing and describes nothing; the start it tells still counts', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'stale', $metadata: {} }));
    dynamo.on(GetCommand).resolves({ Item: { pk: 'JOB#train-a', sk: 'JOB', name: 'train-a' } });
    const outcome = await invoke(jobEvent({ name: 'train-a', status: 'InProgress', lastModifiedMs: T0 }));
    expect(outcome).toEqual({ kind: 'stale', job: 'train-a' });
    expect(sageMaker.calls()).toHaveLength(0);
    const jobWrites = dynamo
      .commandCalls(UpdateCommand)
      .filter((call) => call.args[0].input.Key?.pk === 'JOB#train-a');
    expect(jobWrites).toHaveLength(1);
  });

  it('records a reuse when a candidate pool shows Reused by the starting job', async () => {
    echoSnapshotWrite();
    const candidate = {
      pk: 'JOB#train-a',
      sk: 'JOB',
      name: 'train-a',
      poolStatus: 'Available',
      availableSinceMs: T0,
      expiresAtMs: T0 + 1_800_000,
      bornAtMs: T0,
      keepAliveSeconds: 1800,
    };
    dynamo.on(QueryCommand).resolves({ Items: [candidate] });
    sageMaker.on(DescribeTrainingJobCommand, { TrainingJobName: 'train-a' }).resolves({
      TrainingJobName: 'train-a',
      TrainingJobStatus: 'Completed',
      TrainingEndTime: new Date(T0),
      ResourceConfig: {
        InstanceType: 'ml.g5.xlarge',
        InstanceCount: 1,
        VolumeSizeInGB: 30,
        KeepAlivePeriodInSeconds: 1800,
      },
      WarmPoolStatus: {
        Status: 'Reused',
        ReusedByJob: 'train-b',
        ResourceRetainedBillableTimeInSeconds: 420,
      },
    });
    const outcome = await invoke(
      jobEvent({
        name: 'train-b',
        status: 'InProgress',
        createdAtMs: T0 + 420_000,
        lastModifiedMs: T0 + 420_000,
      }),
    );
    expect(outcome).toMatchObject({
      kind: 'applied',
      facts: [{ kind: 'job-started' }, { kind: 'pool-reused', toJob: 'train-b' }],
    });
    expect(setValues(updatesOf('train-a')[0] ?? {})).toMatchObject({
      poolStatus: 'Reused',
      reusedByJob: 'train-b',
      billableSeconds: 420,
    });
    const link = updatesOf('train-b').find((u) => u.UpdateExpression?.includes('reusedPoolOf'));
    expect(link?.ExpressionAttributeValues).toMatchObject({ ':from': 'train-a', ':to': 'train-b' });
    expect(link?.UpdateExpression).toContain('REMOVE nearMiss');
  });

  it('records a near miss naming the differing criteria when no pool matches', async () => {
    echoSnapshotWrite();
    const ownerPool = {
      pk: 'JOB#train-a',
      sk: 'JOB',
      name: 'train-a',
      poolStatus: 'Available',
      job: {
        name: 'train-a',
        matchKey: 'mk1_other',
        criteria: {
          roleArn: 'arn:aws:iam::123456789012:role/vision-training',
          instanceType: 'ml.g5.xlarge',
          instanceCount: 1,
          volumeSizeInGB: 50,
          volumeKmsKeyId: null,
          securityGroupIds: [],
          subnets: [],
          enableNetworkIsolation: false,
          enableInterContainerTrafficEncryption: false,
        },
      },
    };
    dynamo.on(QueryCommand, { IndexName: 'byMatchKey' }).resolves({ Items: [] });
    dynamo.on(QueryCommand, { IndexName: 'byOwner' }).resolves({ Items: [ownerPool] });
    const outcome = await invoke(jobEvent({ name: 'train-b', status: 'InProgress', volumeSizeInGB: 30 }));
    expect(outcome).toMatchObject({
      kind: 'applied',
      facts: [
        { kind: 'job-started' },
        {
          kind: 'near-miss',
          nearMiss: { poolOf: 'train-a', differences: [{ field: 'volumeSizeInGB', pool: '50', job: '30' }] },
        },
      ],
    });
    const write = updatesOf('train-b').find(
      (u) => u.ConditionExpression === 'attribute_not_exists(reusedPoolOf)',
    );
    expect(write).toBeDefined();
    expect(sageMaker.calls()).toHaveLength(0);
  });

  it('records why a job that asked for keep-alive got no pool', async () => {
    echoSnapshotWrite();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    sageMaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobName: 'train-p5',
      TrainingJobStatus: 'Completed',
      TrainingStartTime: new Date(T0 + 143_000),
      TrainingEndTime: new Date(T0 + 600_000),
      ResourceConfig: {
        InstanceType: 'ml.p5.48xlarge',
        InstanceCount: 1,
        VolumeSizeInGB: 30,
        KeepAlivePeriodInSeconds: 1800,
      },
    });
    const outcome = await invoke(jobEvent({ name: 'train-p5', instanceType: 'ml.p5.48xlarge' }));
    expect(outcome).toMatchObject({
      facts: [{ kind: 'job-ended' }, { kind: 'no-pool', noPool: { reason: 'no-warm-pool-quota' } }],
    });
    expect(setValues(updatesOf('train-p5').at(-1) ?? {})).toMatchObject({
      noPool: { reason: 'no-warm-pool-quota' },
    });
  });

  it('throws when DynamoDB fails, so that Lambda retries and finally dead-letters the event', async () => {
    dynamo.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceeded'));
    sageMaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobName: 'train-a',
      TrainingJobStatus: 'Completed',
      ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    });
    await expect(invoke(jobEvent())).rejects.toThrow('ProvisionedThroughputExceeded');
  });

  it('records the end of a job SageMaker no longer knows, without a pool', async () => {
    echoSnapshotWrite();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    sageMaker
      .on(DescribeTrainingJobCommand)
      .rejects(Object.assign(new Error('Requested resource not found.'), { name: 'ValidationException' }));
    const outcome = await invoke(jobEvent({ name: 'gone' }));
    expect(outcome).toMatchObject({ kind: 'applied', facts: [{ kind: 'job-ended' }] });
  });
});
