import {
  CreateTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  StopTrainingJobCommand,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import type { SageMakerEmulatorOptions } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { startEmulatorOnLoopback } from '../support/emulatorOnLoopback';

const T0 = Date.parse('2025-03-03T09:00:00Z');
const ROLE = 'arn:aws:iam::123456789012:role/training';

interface JobOptions {
  readonly volumeSizeInGB?: number;
  readonly instanceType?: string;
  readonly keepAlive?: number;
  readonly image?: string;
  readonly durationSeconds?: number;
  readonly outcome?: 'Completed' | 'Failed' | 'Stopped';
  readonly failureReason?: string;
}

const createInput = (name: string, o: JobOptions = {}): CreateTrainingJobCommandInput => ({
  TrainingJobName: name,
  AlgorithmSpecification: {
    TrainingImage: o.image ?? '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1',
    TrainingInputMode: 'FastFile',
  },
  RoleArn: ROLE,
  OutputDataConfig: { S3OutputPath: 's3://bucket/output' },
  ResourceConfig: {
    InstanceType: (o.instanceType ?? 'ml.g5.xlarge') as 'ml.g5.xlarge',
    InstanceCount: 1,
    VolumeSizeInGB: o.volumeSizeInGB ?? 50,
    ...(o.keepAlive === undefined
      ? { KeepAlivePeriodInSeconds: 600 }
      : { KeepAlivePeriodInSeconds: o.keepAlive }),
  },
  StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
  Tags: [
    { Key: 'owner', Value: 'ada' },
    { Key: 'poolwarden-sim:duration-seconds', Value: String(o.durationSeconds ?? 600) },
    { Key: 'poolwarden-sim:outcome', Value: o.outcome ?? 'Completed' },
    ...(o.failureReason ? [{ Key: 'poolwarden-sim:failure-reason', Value: o.failureReason }] : []),
  ],
});

/** A clock the test moves by hand, an emulator on loopback and the real SDK client pointed at it. */
const harnesses: { close(): Promise<void> }[] = [];
const harness = async (options: Partial<SageMakerEmulatorOptions> = {}) => {
  const base = await startEmulatorOnLoopback(T0, options);
  const { client } = base;
  const h = {
    ...base,
    create: (name: string, o?: JobOptions) => client.send(new CreateTrainingJobCommand(createInput(name, o))),
    describe: (name: string): Promise<DescribeTrainingJobCommandOutput> =>
      client.send(new DescribeTrainingJobCommand({ TrainingJobName: name })),
    update: (name: string, keepAlive: number) =>
      client.send(
        new UpdateTrainingJobCommand({
          TrainingJobName: name,
          ResourceConfig: { KeepAlivePeriodInSeconds: keepAlive },
        }),
      ),
  };
  harnesses.push(h);
  return h;
};

afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((h) => h.close()));
});

const seconds = (from: Date | undefined, to: Date | undefined): number =>
  ((to?.getTime() ?? Number.NaN) - (from?.getTime() ?? Number.NaN)) / 1000;

describe('SageMaker emulator: cold start, warm reuse', () => {
  it('runs a cold job, keeps its pool, and hands it to the next matching job', async () => {
    const h = await harness();
    const created = await h.create('job-a');
    expect(created.TrainingJobArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:training-job/job-a');

    let a = await h.describe('job-a');
    expect(a.TrainingJobStatus).toBe('InProgress');
    expect(a.SecondaryStatus).toBe('Starting');
    expect(a.WarmPoolStatus).toBeUndefined();
    expect(a.CreationTime).toEqual(new Date(T0));

    h.advance(143);
    a = await h.describe('job-a');
    expect(a.SecondaryStatus).toBe('Training');
    expect(seconds(a.CreationTime, a.TrainingStartTime)).toBe(143);

    h.advance(600);
    a = await h.describe('job-a');
    expect(a.TrainingJobStatus).toBe('Completed');
    expect(a.TrainingEndTime).toEqual(new Date(T0 + 743_000));
    expect(a.WarmPoolStatus).toEqual({ Status: 'Available' });
    expect(a.ResourceConfig?.KeepAlivePeriodInSeconds).toBe(600);

    h.advance(100);
    await h.create('job-b', { image: 'another/image:2' });
    a = await h.describe('job-a');
    expect(a.WarmPoolStatus).toEqual({
      Status: 'Reused',
      ReusedByJob: 'job-b',
      ResourceRetainedBillableTimeInSeconds: 100,
    });
    let b = await h.describe('job-b');
    expect(b.WarmPoolStatus).toEqual({ Status: 'InUse' });

    h.advance(21);
    b = await h.describe('job-b');
    expect(b.SecondaryStatus).toBe('Training');
    expect(seconds(b.CreationTime, b.TrainingStartTime)).toBe(21);

    h.advance(600);
    b = await h.describe('job-b');
    expect(b.TrainingJobStatus).toBe('Completed');
    expect(b.WarmPoolStatus).toEqual({ Status: 'Available' });
    expect((await h.describe('job-a')).WarmPoolStatus?.Status).toBe('Reused');

    expect(h.emulator.model.reuses()).toEqual([
      { poolId: 'job-a', fromJob: 'job-a', toJob: 'job-b', atMs: T0 + 843_000, billableSeconds: 100 },
    ]);
    const [pool] = h.emulator.model.inspectPools();
    expect(pool).toMatchObject({ id: 'job-a', jobs: ['job-a', 'job-b'], state: 'Available', reuseCount: 1 });
    expect(h.emulator.model.inspectJob('job-a')).toMatchObject({ warmStart: false, startupSeconds: 143 });
    expect(h.emulator.model.inspectJob('job-b')).toMatchObject({
      warmStart: true,
      startupSeconds: 21,
      reusedPoolOf: 'job-a',
      poolId: 'job-a',
    });
  });

  it('cold-starts a job that differs in one criterion, and leaves the pool alone', async () => {
    const h = await harness();
    await h.create('job-a', { volumeSizeInGB: 50 });
    h.advance(743);
    await h.create('job-c', { volumeSizeInGB: 30 });
    expect((await h.describe('job-a')).WarmPoolStatus).toEqual({ Status: 'Available' });
    expect((await h.describe('job-c')).WarmPoolStatus).toBeUndefined();
    h.advance(143);
    const c = await h.describe('job-c');
    expect(seconds(c.CreationTime, c.TrainingStartTime)).toBe(143);
    expect(h.emulator.model.reuses()).toEqual([]);
  });

  it('takes the matching pool that expires soonest when several are Available', async () => {
    const h = await harness();
    await h.create('long-keep', { keepAlive: 1800 });
    await h.create('short-keep', { keepAlive: 900 });
    h.advance(743);
    await h.create('job-next');
    expect((await h.describe('short-keep')).WarmPoolStatus?.ReusedByJob).toBe('job-next');
    expect((await h.describe('long-keep')).WarmPoolStatus?.Status).toBe('Available');
  });
});

describe('SageMaker emulator: the pool choice', () => {
  it("plays another choice than poolwarden's assumption on request: the pool that became Available last", async () => {
    const h = await harness({ poolChoice: 'latest-available' });
    // short-keep is Available first and expires first: the assumed choice would hand it out.
    await h.create('short-keep', { keepAlive: 900 });
    h.advance(60);
    await h.create('long-keep', { keepAlive: 1800 });
    h.advance(743);
    await h.create('job-next');
    expect((await h.describe('short-keep')).WarmPoolStatus?.Status).toBe('Available');
    expect((await h.describe('long-keep')).WarmPoolStatus?.ReusedByJob).toBe('job-next');
    await h.create('job-after');
    expect((await h.describe('short-keep')).WarmPoolStatus?.ReusedByJob).toBe('job-after');
  });
});

describe('SageMaker emulator: pool endings', () => {
  it('terminates an unused pool at the end of its keep-alive, billing the whole keep-alive', async () => {
    const h = await harness();
    await h.create('job-a', { keepAlive: 600 });
    h.advance(743);
    h.advance(599);
    expect((await h.describe('job-a')).WarmPoolStatus).toEqual({ Status: 'Available' });
    h.advance(1);
    expect((await h.describe('job-a')).WarmPoolStatus).toEqual({
      Status: 'Terminated',
      ResourceRetainedBillableTimeInSeconds: 600,
    });
    expect(h.emulator.model.inspectPool('job-a')).toMatchObject({
      state: 'Terminated',
      endReason: 'expired',
    });
    h.advance(10);
    await h.create('job-late');
    expect((await h.describe('job-late')).WarmPoolStatus).toBeUndefined();
  });

  it('keeps no pool when the warm pool quota of the instance type is 0', async () => {
    const h = await harness({ defaultQuota: 0 });
    await h.create('job-a');
    h.advance(743);
    const a = await h.describe('job-a');
    expect(a.TrainingJobStatus).toBe('Completed');
    expect(a.WarmPoolStatus).toBeUndefined();
    expect(h.emulator.model.inspectJob('job-a')?.noPoolReason).toBe('no-warm-pool-quota');
  });

  it('counts Available and InUse pools against a per-type quota', async () => {
    const h = await harness({ quotas: { 'ml.g5.xlarge': 1 } });
    await h.create('job-a');
    await h.create('job-b');
    h.advance(743);
    expect((await h.describe('job-a')).WarmPoolStatus?.Status).toBe('Available');
    expect((await h.describe('job-b')).WarmPoolStatus).toBeUndefined();
    expect(h.emulator.model.quotaUsage()['ml.g5.xlarge']).toEqual({ held: 1, quota: 1 });
    await h.create('job-c');
    await h.create('job-d');
    h.advance(743);
    // job-c ran on job-a's pool (InUse, so still counted); job-d ran cold and found no room.
    expect((await h.describe('job-c')).WarmPoolStatus?.Status).toBe('Available');
    const d = await h.describe('job-d');
    expect(d.TrainingJobStatus).toBe('Completed');
    expect(d.WarmPoolStatus).toBeUndefined();
    expect(h.emulator.model.inspectJob('job-d')?.noPoolReason).toBe('no-warm-pool-quota');
  });

  it('keeps a pool after an AlgorithmError, not after a service error', async () => {
    const h = await harness();
    await h.create('algo-fail', { outcome: 'Failed', failureReason: 'AlgorithmError: loss is NaN' });
    await h.create('svc-fail', { outcome: 'Failed', failureReason: 'InternalServerError: capacity' });
    h.advance(743);
    const algo = await h.describe('algo-fail');
    expect(algo.TrainingJobStatus).toBe('Failed');
    expect(algo.FailureReason).toBe('AlgorithmError: loss is NaN');
    expect(algo.WarmPoolStatus).toEqual({ Status: 'Available' });
    const svc = await h.describe('svc-fail');
    expect(svc.TrainingJobStatus).toBe('Failed');
    expect(svc.WarmPoolStatus).toBeUndefined();
    expect(h.emulator.model.inspectJob('svc-fail')?.noPoolReason).toBe('failed-without-client-error');
  });

  it('terminates a reused pool when the job that took it ends without keeping one', async () => {
    const h = await harness();
    await h.create('job-a');
    h.advance(743 + 60);
    await h.create('job-b', { outcome: 'Failed', failureReason: 'InternalServerError: host failure' });
    h.advance(21 + 600);
    expect((await h.describe('job-a')).WarmPoolStatus).toEqual({
      Status: 'Reused',
      ReusedByJob: 'job-b',
      ResourceRetainedBillableTimeInSeconds: 60,
    });
    expect((await h.describe('job-b')).WarmPoolStatus).toEqual({
      Status: 'Terminated',
      ResourceRetainedBillableTimeInSeconds: 0,
    });
    expect(h.emulator.model.inspectPool('job-a')).toMatchObject({
      state: 'Terminated',
      endReason: 'ended-without-pool',
      idleBillableSeconds: 60,
    });
  });

  it('keeps a pool when a job is stopped after its cluster launched, not before', async () => {
    const h = await harness({ stopDelaySeconds: 5 });
    await h.create('stop-late');
    await h.create('stop-early', { volumeSizeInGB: 80 });
    h.advance(60);
    await h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-early' }));
    h.advance(100);
    await h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'stop-late' }));
    let late = await h.describe('stop-late');
    expect(late.TrainingJobStatus).toBe('Stopping');
    h.advance(5);
    late = await h.describe('stop-late');
    expect(late.TrainingJobStatus).toBe('Stopped');
    expect(late.TrainingEndTime).toEqual(new Date(T0 + 165_000));
    expect(late.WarmPoolStatus).toEqual({ Status: 'Available' });
    const early = await h.describe('stop-early');
    expect(early.TrainingJobStatus).toBe('Stopped');
    expect(early.TrainingStartTime).toBeUndefined();
    expect(early.WarmPoolStatus).toBeUndefined();
    expect(h.emulator.model.inspectJob('stop-early')?.noPoolReason).toBe('stopped-before-launch');
  });

  it('keeps the pool of a warm-started job stopped during its warm startup: its cluster had launched', async () => {
    const h = await harness({ stopDelaySeconds: 5 });
    await h.create('job-a');
    h.advance(743 + 60);
    await h.create('job-b');
    h.advance(5);
    await h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'job-b' }));
    h.advance(5);
    const b = await h.describe('job-b');
    expect(b.TrainingJobStatus).toBe('Stopped');
    expect(b.TrainingStartTime).toBeUndefined();
    expect(b.WarmPoolStatus).toEqual({ Status: 'Available' });
    expect((await h.describe('job-a')).WarmPoolStatus?.Status).toBe('Reused');
    expect(h.emulator.model.inspectPool('job-a')).toMatchObject({
      state: 'Available',
      jobs: ['job-a', 'job-b'],
    });
    expect(h.emulator.model.inspectJob('job-b')?.noPoolReason).toBeUndefined();
  });

  it('refuses to stop a job that has already ended', async () => {
    const h = await harness();
    await h.create('job-a');
    h.advance(743);
    await expect(
      h.client.send(new StopTrainingJobCommand({ TrainingJobName: 'job-a' })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('plays the trace outcome Stopped as a stop when the training time runs out', async () => {
    const h = await harness();
    h.emulator.submit({
      name: 'traced-stop',
      durationSeconds: 600,
      outcome: 'Stopped',
      roleArn: ROLE,
      instanceType: 'ml.g5.xlarge',
      instanceCount: 1,
      volumeSizeInGB: 50,
      keepAliveSeconds: 300,
    });
    h.advance(743);
    expect((await h.describe('traced-stop')).TrainingJobStatus).toBe('Stopping');
    h.advance(5);
    const job = await h.describe('traced-stop');
    expect(job.TrainingJobStatus).toBe('Stopped');
    expect(job.WarmPoolStatus?.Status).toBe('Available');
  });
});

describe('SageMaker emulator: UpdateTrainingJob', () => {
  it('extends an Available pool, counting the new keep-alive from the update', async () => {
    const h = await harness();
    await h.create('job-a', { keepAlive: 600 });
    h.advance(743 + 300);
    const out = await h.update('job-a', 900);
    expect(out.TrainingJobArn).toBe('arn:aws:sagemaker:us-east-1:123456789012:training-job/job-a');
    const a = await h.describe('job-a');
    expect(a.ResourceConfig?.KeepAlivePeriodInSeconds).toBe(900);
    expect(a.WarmPoolStatus).toEqual({ Status: 'Available' });
    h.advance(899);
    expect((await h.describe('job-a')).WarmPoolStatus?.Status).toBe('Available');
    h.advance(1);
    expect((await h.describe('job-a')).WarmPoolStatus).toEqual({
      Status: 'Terminated',
      ResourceRetainedBillableTimeInSeconds: 1200,
    });
  });

  it('terminates the pool at once when the keep-alive is set to 0', async () => {
    const h = await harness();
    await h.create('job-a');
    h.advance(743 + 42);
    await h.update('job-a', 0);
    const a = await h.describe('job-a');
    expect(a.ResourceConfig?.KeepAlivePeriodInSeconds).toBe(0);
    expect(a.WarmPoolStatus).toEqual({ Status: 'Terminated', ResourceRetainedBillableTimeInSeconds: 42 });
    expect(h.emulator.model.inspectPool('job-a')?.endReason).toBe('keep-alive-set-to-zero');
    expect(h.emulator.model.quotaUsage()['ml.g5.xlarge']?.held).toBe(0);
  });

  it('refuses an update unless the pool is Available', async () => {
    const h = await harness();
    await h.create('job-a');
    // Still training: no pool yet.
    await expect(h.update('job-a', 900)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('only while its warm pool is Available'),
    });
    h.advance(743);
    await h.create('job-b');
    // Reused: the pool now belongs to job-b.
    await expect(h.update('job-a', 900)).rejects.toMatchObject({ name: 'ValidationException' });
    // InUse.
    await expect(h.update('job-b', 900)).rejects.toMatchObject({ name: 'ValidationException' });
    h.advance(621);
    await h.update('job-b', 0);
    // Terminated.
    await expect(h.update('job-b', 900)).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses a keep-alive above the per-call cap, and accepts a raised cap', async () => {
    const h = await harness();
    await h.create('job-a');
    h.advance(743);
    await expect(h.update('job-a', 3601)).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('between 0 and 3600'),
    });
    await expect(h.update('job-a', -1)).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(h.create('job-too-long', { keepAlive: 3601 })).rejects.toMatchObject({
      name: 'ValidationException',
    });

    const raised = await harness({ keepAliveLimits: { perCallCapSeconds: 21_600 } });
    await raised.create('job-a');
    raised.advance(743);
    await raised.update('job-a', 21_600);
    expect(raised.emulator.model.inspectPool('job-a')?.expiresAtMs).toBe(T0 + 743_000 + 21_600_000);
  });

  it('caps the whole life of a pool chain, counted from when its first job left it', async () => {
    const h = await harness({ keepAliveLimits: { lifetimeCapSeconds: 1000 } });
    await h.create('job-a', { keepAlive: 600 });
    h.advance(743 + 500);
    await h.update('job-a', 900);
    expect(h.emulator.model.inspectPool('job-a')?.expiresAtMs).toBe(T0 + 743_000 + 1_000_000);
    h.advance(500);
    expect((await h.describe('job-a')).WarmPoolStatus).toEqual({
      Status: 'Terminated',
      ResourceRetainedBillableTimeInSeconds: 1000,
    });
    expect(h.emulator.model.inspectPool('job-a')?.endReason).toBe('lifetime-cap-reached');
  });

  it('answers an unknown job as the real service does, which the adapter reads as not found', async () => {
    const h = await harness();
    await expect(h.describe('no-such-job')).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Requested resource not found.',
    });
    await expect(h.update('no-such-job', 60)).rejects.toMatchObject({ name: 'ValidationException' });

    const adapter = new SageMakerTrainingJobs(h.client);
    expect(await adapter.describe('no-such-job')).toBeUndefined();
    await h.create('job-a');
    h.advance(743 + 10);
    await adapter.setKeepAlive('job-a', 120);
    expect(await adapter.describe('job-a')).toEqual({
      name: 'job-a',
      status: 'Completed',
      instanceType: 'ml.g5.xlarge',
      // A keep-alive update does not move LastModifiedTime (reconcileWindow.ts): the job's end did.
      lastModifiedMs: T0 + 743_000,
      startedAtMs: T0 + 143_000,
      endedAtMs: T0 + 743_000,
      keepAliveSeconds: 120,
      warmPool: { status: 'Available' },
    });
  });
});
