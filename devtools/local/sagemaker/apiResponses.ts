import { clusterShapeOf } from './clusterShape';
import type { EmulatedJob } from './emulatedJob';

/** The JSON protocol carries timestamps as epoch seconds; fractions keep the milliseconds. */
export const epochSeconds = (ms: number): number => ms / 1000;

type Json = Record<string, unknown>;

const optionalTime = (name: string, ms: number | undefined): Json =>
  ms === undefined ? {} : { [name]: epochSeconds(ms) };

const warmPoolStatusOf = (job: EmulatedJob): Json => {
  const wp = job.warmPool;
  if (!wp) return {};
  return {
    WarmPoolStatus: {
      Status: wp.status,
      ...(wp.reusedByJob ? { ReusedByJob: wp.reusedByJob } : {}),
      ...(wp.billableSeconds !== undefined
        ? { ResourceRetainedBillableTimeInSeconds: wp.billableSeconds }
        : {}),
    },
  };
};

const resourceConfigOf = (job: EmulatedJob): Json => {
  const spec = job.spec;
  return {
    ...clusterShapeOf(spec),
    VolumeSizeInGB: spec.volumeSizeInGB,
    ...(spec.volumeKmsKeyId ? { VolumeKmsKeyId: spec.volumeKmsKeyId } : {}),
    ...(job.keepAliveSeconds !== undefined ? { KeepAlivePeriodInSeconds: job.keepAliveSeconds } : {}),
  };
};

/** Seconds the cluster trained; and what SageMaker bills for the job itself (no spot savings here). */
const trainingSeconds = (job: EmulatedJob): Json => {
  if (job.endedAtMs === undefined || job.startedAtMs === undefined) return {};
  const seconds = Math.max(0, Math.round((job.endedAtMs - job.startedAtMs) / 1000));
  return { TrainingTimeInSeconds: seconds, BillableTimeInSeconds: seconds };
};

/** Request members the caller gave and DescribeTrainingJob returns as they were, or sensible stand-ins. */
const echoed = (job: EmulatedJob): Json => ({
  AlgorithmSpecification: {
    TrainingImage: job.spec.image ?? 'poolwarden-local/training:latest',
    TrainingInputMode: 'FastFile',
  },
  OutputDataConfig: { S3OutputPath: 's3://poolwarden-local/output' },
  StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
  ...job.spec.echo,
});

export const describeTrainingJobResponse = (job: EmulatedJob): Json => ({
  TrainingJobName: job.spec.name,
  TrainingJobArn: job.arn,
  ModelArtifacts: { S3ModelArtifacts: `s3://poolwarden-local/output/${job.spec.name}/output/model.tar.gz` },
  TrainingJobStatus: job.status,
  SecondaryStatus: job.secondaryStatus,
  ...(job.status === 'Failed' && job.failureReason ? { FailureReason: job.failureReason } : {}),
  RoleArn: job.spec.roleArn,
  ResourceConfig: resourceConfigOf(job),
  ...warmPoolStatusOf(job),
  ...(job.spec.vpc
    ? {
        VpcConfig: {
          SecurityGroupIds: [...job.spec.vpc.securityGroupIds],
          Subnets: [...job.spec.vpc.subnets],
        },
      }
    : {}),
  CreationTime: epochSeconds(job.createdAtMs),
  ...optionalTime('TrainingStartTime', job.startedAtMs),
  ...optionalTime('TrainingEndTime', job.endedAtMs),
  LastModifiedTime: epochSeconds(job.lastModifiedMs),
  SecondaryStatusTransitions: job.transitions.map((t) => ({
    Status: t.status,
    StartTime: epochSeconds(t.startMs),
    ...optionalTime('EndTime', t.endMs),
    StatusMessage: t.message,
  })),
  EnableNetworkIsolation: job.spec.enableNetworkIsolation ?? false,
  EnableInterContainerTrafficEncryption: job.spec.enableInterContainerTrafficEncryption ?? false,
  EnableManagedSpotTraining: job.spec.spot ?? false,
  ...trainingSeconds(job),
  ...echoed(job),
});

export const trainingJobSummary = (job: EmulatedJob): Json => ({
  TrainingJobName: job.spec.name,
  TrainingJobArn: job.arn,
  CreationTime: epochSeconds(job.createdAtMs),
  ...optionalTime('TrainingEndTime', job.endedAtMs),
  LastModifiedTime: epochSeconds(job.lastModifiedMs),
  TrainingJobStatus: job.status,
  SecondaryStatus: job.secondaryStatus,
  ...warmPoolStatusOf(job),
});

export const tagList = (tags: ReadonlyMap<string, string>): { Key: string; Value: string }[] =>
  [...tags].map(([Key, Value]) => ({ Key, Value }));
