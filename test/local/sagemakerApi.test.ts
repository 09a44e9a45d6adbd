import {
  AddTagsCommand,
  CreateTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  type ListTrainingJobsCommandInput,
  paginateListTrainingJobs,
  type TrainingJobSummary,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import type { SageMakerEmulatorOptions } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { startEmulatorOnLoopback } from '../support/emulatorOnLoopback';

const T0 = Date.parse('2025-03-03T09:00:00Z');
const ROLE = 'arn:aws:iam::123456789012:role/training';
const ARN_PREFIX = 'arn:aws:sagemaker:us-east-1:123456789012:training-job/';

const baseInput = (name: string): CreateTrainingJobCommandInput => ({
  TrainingJobName: name,
  AlgorithmSpecification: { TrainingImage: 'train:1', TrainingInputMode: 'File' },
  RoleArn: ROLE,
  OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
  ResourceConfig: {
    InstanceType: 'ml.m5.xlarge',
    InstanceCount: 1,
    VolumeSizeInGB: 30,
    KeepAlivePeriodInSeconds: 900,
  },
  StoppingCondition: { MaxRuntimeInSeconds: 3600 },
});

const harnesses: { close(): Promise<void> }[] = [];
const harness = async (options: Partial<SageMakerEmulatorOptions> = {}, maxAttempts?: number) => {
  const base = await startEmulatorOnLoopback(T0, options, maxAttempts);
  const { client } = base;
  const h = {
    ...base,
    create: (input: CreateTrainingJobCommandInput) => client.send(new CreateTrainingJobCommand(input)),
    list: (input: ListTrainingJobsCommandInput) => client.send(new ListTrainingJobsCommand(input)),
    listAll: async (input: ListTrainingJobsCommandInput, pageSize: number) => {
      const jobs: TrainingJobSummary[] = [];
      let pages = 0;
      for await (const page of paginateListTrainingJobs({ client, pageSize }, input)) {
        pages++;
        jobs.push(...(page.TrainingJobSummaries ?? []));
      }
      return { names: jobs.map((j) => j.TrainingJobName), jobs, pages };
    },
  };
  harnesses.push(h);
  return h;
};

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

/** 25 jobs, one a minute: every 5th fails with a service error, the rest complete after 10 minutes. */
const seedJobs = async (h: Awaited<ReturnType<typeof harness>>) => {
  const names: string[] = [];
  for (let i = 0; i < 25; i++) {
    const name = `${i % 2 === 0 ? 'alpha' : 'beta'}-${String(i).padStart(2, '0')}`;
    names.push(name);
    const input = baseInput(name);
    await h.create({
      ...input,
      // Distinct volume sizes: no job reuses another's pool, so each keeps its own.
      ResourceConfig: { ...input.ResourceConfig, VolumeSizeInGB: 30 + i },
      Tags: [
        { Key: 'poolwarden-sim:duration-seconds', Value: '600' },
        ...(i % 5 === 0
          ? [
              { Key: 'poolwarden-sim:outcome', Value: 'Failed' },
              { Key: 'poolwarden-sim:failure-reason', Value: 'InternalServerError: boom' },
            ]
          : []),
      ],
    });
    h.advance(60);
  }
  return names;
};

describe('ListTrainingJobs', () => {
  it('pages through every job with the SDK paginator, in creation order', async () => {
    const h = await harness();
    const names = await seedJobs(h);
    const all = await h.listAll({}, 7);
    expect(all.names).toEqual(names);
    expect(all.pages).toBe(4);
    const descending = await h.listAll({ SortOrder: 'Descending' }, 10);
    expect(descending.names).toEqual([...names].reverse());
    const byName = await h.listAll({ SortBy: 'Name', SortOrder: 'Descending' }, 100);
    expect(byName.names).toEqual([...names].sort().reverse());
  });

  it('filters by status, warm pool status, name and time', async () => {
    const h = await harness();
    const names = await seedJobs(h);
    // Now T0 + 25 min: jobs created at minutes 0..12 have ended (143 s + 600 s = 12.4 min).
    const failed = await h.listAll({ StatusEquals: 'Failed' }, 100);
    expect(failed.names).toEqual(['alpha-00', 'beta-05', 'alpha-10']);
    const available = await h.listAll({ WarmPoolStatusEquals: 'Available' }, 100);
    expect(available.names).toEqual(names.slice(0, 13).filter((_, i) => i % 5 !== 0));
    expect(available.jobs.every((j) => j.WarmPoolStatus?.Status === 'Available')).toBe(true);
    expect(available.jobs[0]?.TrainingEndTime).toEqual(new Date(T0 + 60_000 + 743_000));
    const both = await h.listAll({ StatusEquals: 'Completed', WarmPoolStatusEquals: 'Available' }, 3);
    expect(both.names).toEqual(available.names);
    const beta = await h.listAll({ NameContains: 'BETA-1' }, 100);
    expect(beta.names).toEqual(['beta-11', 'beta-13', 'beta-15', 'beta-17', 'beta-19']);
    const window = await h.listAll(
      { CreationTimeAfter: new Date(T0 + 5 * 60_000), CreationTimeBefore: new Date(T0 + 9 * 60_000) },
      100,
    );
    expect(window.names).toEqual(names.slice(6, 9));
    // Modified strictly after minute 24: alpha-12 ended at 24:23, alpha-22 started at 24:23;
    // alpha-24 was created at exactly 24:00.
    const recent = await h.listAll({ LastModifiedTimeAfter: new Date(T0 + 24 * 60_000) }, 100);
    expect(recent.names).toEqual(['alpha-12', 'alpha-22']);
    const running = await h.list({ StatusEquals: 'InProgress', MaxResults: 100 });
    expect(running.TrainingJobSummaries?.map((j) => j.TrainingJobName)).toEqual(names.slice(13));
    expect(running.TrainingJobSummaries?.[0]).toMatchObject({
      TrainingJobArn: `${ARN_PREFIX}beta-13`,
      TrainingJobStatus: 'InProgress',
      CreationTime: new Date(T0 + 13 * 60_000),
    });
  });

  it('neither skips nor repeats jobs when new ones are created between pages', async () => {
    const h = await harness();
    const names = await seedJobs(h);
    const first = await h.list({ MaxResults: 10, SortOrder: 'Descending' });
    await h.create(baseInput('gamma-new'));
    const second = await h.list({ MaxResults: 100, SortOrder: 'Descending', NextToken: first.NextToken });
    expect(
      [...(first.TrainingJobSummaries ?? []), ...(second.TrainingJobSummaries ?? [])].map(
        (j) => j.TrainingJobName,
      ),
    ).toEqual([...names].reverse());
    expect(second.NextToken).toBeUndefined();
  });

  it('validates MaxResults, enums and tokens', async () => {
    const h = await harness();
    await expect(h.list({ MaxResults: 101 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(h.list({ MaxResults: 0 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(h.list({ NextToken: 'not-a-token' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      h.list({ StatusEquals: 'Sleeping' as unknown as ListTrainingJobsCommandInput['StatusEquals'] }),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const empty = await h.list({});
    expect(empty.TrainingJobSummaries).toEqual([]);
  });
});

describe('CreateTrainingJob validation', () => {
  it.each([
    [
      '6 security groups',
      { VpcConfig: { SecurityGroupIds: ['sg-1', 'sg-2', 'sg-3', 'sg-4', 'sg-5', 'sg-6'], Subnets: ['s-1'] } },
      'vpcConfig.securityGroupIds',
    ],
    [
      'a subnet id of 33 characters',
      { VpcConfig: { SecurityGroupIds: ['sg-1'], Subnets: [`subnet-${'a'.repeat(26)}`] } },
      'vpcConfig.subnets',
    ],
    [
      'a KMS key id with a space',
      { ResourceConfig: { ...baseInput('x').ResourceConfig, VolumeKmsKeyId: 'key 1' } },
      'volumeKmsKeyId',
    ],
    [
      'a volume over 2^31 - 1 GB',
      { ResourceConfig: { ...baseInput('x').ResourceConfig, VolumeSizeInGB: 2 ** 31 } },
      'volumeSizeInGB',
    ],
    ['a tag key with #', { Tags: [{ Key: '#team', Value: 'v' }] }, 'tags.key'],
    ['a tag value of 257 characters', { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }, 'tags.value'],
  ] as const)('refuses %s, as SageMaker documents', async (_what, patch, member) => {
    const h = await harness();
    await expect(
      h.create({ ...baseInput('job-bounds'), ...patch } as CreateTrainingJobCommandInput),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining(member),
    });
  });

  it('refuses bad names, duplicates, missing members and out-of-range values', async () => {
    const h = await harness();
    await h.create(baseInput('job-a'));
    await expect(h.create(baseInput('job-a'))).rejects.toMatchObject({ name: 'ResourceInUse' });
    await expect(h.create(baseInput('JOB-A'))).rejects.toMatchObject({ name: 'ResourceInUse' });
    await expect(h.create(baseInput('bad_name'))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'trainingJobName'"),
    });
    await expect(h.create(baseInput(`a${'-b'.repeat(32)}`))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const { RoleArn: _role, ...noRole } = baseInput('job-b');
    await expect(h.create(noRole as CreateTrainingJobCommandInput)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining("'roleArn' failed to satisfy constraint: Member must not be null"),
    });
    const input = baseInput('job-c');
    await expect(
      h.create({ ...input, ResourceConfig: { ...input.ResourceConfig, InstanceCount: 0 } }),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      h.create({ ...input, Tags: [{ Key: 'poolwarden-sim:outcome', Value: 'Exploded' }] }),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('poolwarden-sim:outcome'),
    });
    expect(h.emulator.model.inspectJobs().map((j) => j.name)).toEqual(['job-a']);
  });

  it('defaults an HTTP-created job without simulation tags to 300 s, Completed', async () => {
    const h = await harness();
    await h.create(baseInput('job-a'));
    h.advance(143 + 300);
    const a = await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'job-a' }));
    expect(a.TrainingJobStatus).toBe('Completed');
    expect(a.TrainingTimeInSeconds).toBe(300);
    expect(a.AlgorithmSpecification).toEqual({ TrainingImage: 'train:1', TrainingInputMode: 'File' });
    expect(a.SecondaryStatusTransitions?.map((t) => t.Status)).toEqual(['Starting', 'Training', 'Completed']);
  });
});

describe('ListTags and AddTags', () => {
  it('adds, overwrites and lists tags by ARN', async () => {
    const h = await harness();
    await h.create({ ...baseInput('job-a'), Tags: [{ Key: 'owner', Value: 'ada' }] });
    const arn = `${ARN_PREFIX}job-a`;
    const added = await h.client.send(
      new AddTagsCommand({
        ResourceArn: arn,
        Tags: [
          { Key: 'team', Value: 'vision' },
          { Key: 'owner', Value: 'grace' },
        ],
      }),
    );
    expect(added.Tags).toEqual([
      { Key: 'team', Value: 'vision' },
      { Key: 'owner', Value: 'grace' },
    ]);
    const listed = await h.client.send(new ListTagsCommand({ ResourceArn: arn }));
    expect(listed.Tags).toEqual([
      { Key: 'owner', Value: 'grace' },
      { Key: 'team', Value: 'vision' },
    ]);
    expect(listed.NextToken).toBeUndefined();
    await expect(
      h.client.send(new ListTagsCommand({ ResourceArn: `${ARN_PREFIX}nope` })),
    ).rejects.toMatchObject({ name: 'ValidationException', message: 'Requested resource not found.' });
    await expect(
      h.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'aws:reserved', Value: 'x' }] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('pages tags 50 at a time', async () => {
    const h = await harness();
    await h.create(baseInput('job-a'));
    const arn = `${ARN_PREFIX}job-a`;
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: `v${i}` }));
    await h.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: tags }));
    const first = await h.client.send(new ListTagsCommand({ ResourceArn: arn, MaxResults: 50 }));
    expect(first.Tags).toHaveLength(50);
    expect(first.NextToken).toBeUndefined();
    await expect(
      h.client.send(new AddTagsCommand({ ResourceArn: arn, Tags: [{ Key: 'one-too-many', Value: 'x' }] })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('throttling and call counts', () => {
  it('throttles on demand; the SDK retries and succeeds', async () => {
    const h = await harness({ throttle: { everyNth: 2, operations: ['DescribeTrainingJob'] } });
    await h.create(baseInput('job-a'));
    for (let i = 0; i < 3; i++) {
      const out = await h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'job-a' }));
      expect(out.TrainingJobName).toBe('job-a');
    }
    const counts = h.emulator.callCounts();
    expect(counts.CreateTrainingJob).toEqual({ calls: 1, throttled: 0, failed: 0 });
    expect(counts.DescribeTrainingJob?.throttled).toBeGreaterThan(0);
    expect(counts.DescribeTrainingJob?.calls).toBe(3 + (counts.DescribeTrainingJob?.throttled ?? 0));
  });

  it('surfaces ThrottlingException by name when the SDK gives up', async () => {
    const h = await harness({ throttle: { hook: (operation) => operation === 'UpdateTrainingJob' } }, 1);
    await expect(
      h.client.send(new DescribeTrainingJobCommand({ TrainingJobName: 'missing' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const update = h.client.send(
      new UpdateTrainingJobCommand({
        TrainingJobName: 'missing',
        ResourceConfig: { KeepAlivePeriodInSeconds: 60 },
      }),
    );
    await expect(update).rejects.toMatchObject({ name: 'ThrottlingException' });
    expect(h.emulator.callCounts()).toEqual({
      DescribeTrainingJob: { calls: 1, throttled: 0, failed: 1 },
      UpdateTrainingJob: { calls: 1, throttled: 1, failed: 0 },
    });
    expect(h.emulator.api.totalCalls()).toBe(2);
  });
});
