import {
  DescribeTrainingJobCommand,
  ListTagsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';

const T0 = Date.parse('2026-03-02T12:00:00Z');
const client = new SageMakerClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
const sageMaker = mockClient(client);

/** A page of jobs created a minute apart from `firstMinute`, the last `available` of them holding an Available pool. */
const page = (firstMinute: number, size: number, nextToken?: string) => ({
  TrainingJobSummaries: Array.from({ length: size }, (_, i) => ({
    TrainingJobName: `job-${firstMinute + i}`,
    TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/job-${firstMinute + i}`,
    CreationTime: new Date(T0 + (firstMinute + i) * 60_000),
    TrainingJobStatus: 'Completed' as const,
    ...(i === size - 1 ? { WarmPoolStatus: { Status: 'Available' as const } } : {}),
  })),
  ...(nextToken ? { NextToken: nextToken } : {}),
});

describe('SageMakerTrainingJobs: the full listing in parts', () => {
  afterEach(() => sageMaker.reset());

  it('asks without WarmPoolStatusEquals, keeps the Available pools, and pages to the end unless told to stop', async () => {
    sageMaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce(page(0, 100, 't1'))
      .resolvesOnce(page(100, 100, 't2'))
      .resolvesOnce(page(200, 10));
    const listing = await new SageMakerTrainingJobs(client).availablePools(T0);
    expect(listing.calls).toBe(3);
    expect(listing.jobs.map((j) => j.name)).toEqual(['job-99', 'job-199', 'job-209']);
    expect(listing.resumeFromMs).toBeUndefined();
    const input = sageMaker.commandCalls(ListTrainingJobsCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ SortBy: 'CreationTime', SortOrder: 'Ascending', MaxResults: 100 });
    expect(input).not.toHaveProperty('WarmPoolStatusEquals');
    expect(input).not.toHaveProperty('CreationTimeAfter');
  });

  it('stops before a page when told, says where to resume, and resumes from there with a second of overlap', async () => {
    sageMaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce(page(0, 100, 't1'))
      .resolvesOnce(page(100, 100, 't2'));
    let pages = 0;
    const catalog = new SageMakerTrainingJobs(client);
    const part = await catalog.availablePools(T0, { keepPaging: () => ++pages < 2 });
    expect(part.calls).toBe(2);
    // The last job read: created at minute 199.
    expect(part.resumeFromMs).toBe(T0 + 199 * 60_000);

    sageMaker.reset();
    sageMaker.on(ListTrainingJobsCommand).resolvesOnce(page(199, 5));
    const next = await catalog.availablePools(T0, {
      createdFromMs: T0 + 199 * 60_000,
      keepPaging: () => false,
    });
    expect(next.resumeFromMs).toBeUndefined();
    expect(sageMaker.commandCalls(ListTrainingJobsCommand)[0]?.args[0].input.CreationTimeAfter).toEqual(
      new Date(T0 + 199 * 60_000 - 1_000),
    );
  });

  it('moves on past a part that read only jobs created in the same second as its start', async () => {
    const crowded = {
      TrainingJobSummaries: Array.from({ length: 100 }, (_, i) => ({
        TrainingJobName: `burst-${i}`,
        TrainingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/burst-${i}`,
        CreationTime: new Date(T0),
        TrainingJobStatus: 'Completed' as const,
      })),
      NextToken: 't1',
    };
    sageMaker.on(ListTrainingJobsCommand).resolvesOnce(crowded);
    const part = await new SageMakerTrainingJobs(client).availablePools(T0 - 60_000, {
      createdFromMs: T0,
      keepPaging: () => false,
    });
    expect(part.resumeFromMs).toBe(T0 + 1_000);
  });

  it('keeps what a part read when a later page fails, and says where to resume; a listing not in parts still fails', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    sageMaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce(page(0, 100, 't1'))
      .rejectsOnce(throttled);
    const catalog = new SageMakerTrainingJobs(client);
    const part = await catalog.availablePools(T0, { keepPaging: () => true });
    expect(part.jobs.map((j) => j.name)).toEqual(['job-99']);
    expect(part.resumeFromMs).toBe(T0 + 99 * 60_000);
    expect(part.interrupted).toMatch(/ThrottlingException: Rate exceeded/);

    sageMaker.reset();
    sageMaker
      .on(ListTrainingJobsCommand)
      .resolvesOnce(page(0, 100, 't1'))
      .rejectsOnce(throttled);
    await expect(catalog.availablePools(T0)).rejects.toThrow('Rate exceeded');
    // Nothing read yet: nothing to resume from, the part fails as a whole.
    sageMaker.reset();
    sageMaker.on(ListTrainingJobsCommand).rejectsOnce(throttled);
    await expect(catalog.availablePools(T0, { keepPaging: () => true })).rejects.toThrow('Rate exceeded');
  });
});

describe('SageMakerTrainingJobs: details', () => {
  afterEach(() => sageMaker.reset());

  it('reads a cluster named by one InstanceGroup as the event parser does: heterogeneous, so it takes no pool', async () => {
    sageMaker.on(DescribeTrainingJobCommand).resolves({
      TrainingJobName: 'grouped',
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:training-job/grouped',
      TrainingJobStatus: 'Completed',
      CreationTime: new Date(T0),
      ResourceConfig: {
        VolumeSizeInGB: 30,
        InstanceGroups: [{ InstanceGroupName: 'only', InstanceType: 'ml.g5.xlarge', InstanceCount: 2 }],
      },
    });
    sageMaker.on(ListTagsCommand).resolves({ Tags: [] });
    const job = await new SageMakerTrainingJobs(client).details('grouped');
    expect(job).toMatchObject({ instanceType: 'ml.g5.xlarge', instanceCount: 2, heterogeneous: true });
  });
});
