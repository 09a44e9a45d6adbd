import { JOB_STATE_CHANGE_DETAIL_TYPE, JOB_STATE_CHANGE_SOURCE } from '../../../lib/events/jobStateChange';
import { type ClusterShape, clusterShapeOf } from './clusterShape';
import type { EmulatedJob } from './emulatedJob';
import type { EventStyle } from './eventStyle';

/** A timestamp as the event carries it: epoch ms, as a number or as a string of one. */
export type EventTimestamp = number | string;
export type EventTags = Record<string, string> | { Key: string; Value: string }[];

/**
 * As SageMaker sends it: neither the documented sample nor the schema registry type carries
 * KeepAlivePeriodInSeconds, so poolwarden learns a job's keep-alive from DescribeTrainingJob,
 * never from its events, and the emulator's events do not tell it either.
 */
export interface EventResourceConfig extends ClusterShape {
  VolumeSizeInGB?: number;
  VolumeSizeInGb?: number;
  VolumeKmsKeyId?: string;
}

export interface TrainingJobStateChangeDetail {
  TrainingJobName: string;
  TrainingJobArn: string;
  TrainingJobStatus: string;
  SecondaryStatus: string;
  CreationTime: EventTimestamp;
  TrainingStartTime?: EventTimestamp;
  TrainingEndTime?: EventTimestamp;
  LastModifiedTime: EventTimestamp;
  RoleArn: string;
  ResourceConfig: EventResourceConfig;
  VpcConfig: { SecurityGroupIds?: string[]; Subnets?: string[] };
  EnableNetworkIsolation: boolean;
  EnableInterContainerTrafficEncryption: boolean;
  EnableManagedSpotTraining: boolean;
  FailureReason?: string;
  Tags: EventTags;
  SecondaryStatusTransitions: [];
}

export interface TrainingJobStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': typeof JOB_STATE_CHANGE_DETAIL_TYPE;
  source: typeof JOB_STATE_CHANGE_SOURCE;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TrainingJobStateChangeDetail;
}

export type ConcreteEventStyle = Exclude<EventStyle, 'mixed'>;

/** `mixed` alternates, documented first, so that a run exercises both shapes deterministically. */
export const styleOfEvent = (style: EventStyle, eventNumber: number): ConcreteEventStyle => {
  if (style !== 'mixed') return style;
  return eventNumber % 2 === 0 ? 'documented' : 'registry';
};

/** Deterministic, UUID-shaped event ids, so that two runs of one trace emit the same events. */
export const eventIdOf = (eventNumber: number): string =>
  `5a9e0000-0000-4000-8000-${eventNumber.toString(16).padStart(12, '0')}`;

/** EventBridge's `time`: ISO-8601 to the second. */
const eventTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const resourceConfigOf = (job: EmulatedJob, style: ConcreteEventStyle): EventResourceConfig => {
  const spec = job.spec;
  return {
    ...clusterShapeOf(spec),
    // The documented sample spells it VolumeSizeInGB, the schema registry VolumeSizeInGb.
    ...(style === 'documented'
      ? { VolumeSizeInGB: spec.volumeSizeInGB }
      : { VolumeSizeInGb: spec.volumeSizeInGB }),
    ...(spec.volumeKmsKeyId ? { VolumeKmsKeyId: spec.volumeKmsKeyId } : {}),
  };
};

export interface EventContext {
  readonly style: ConcreteEventStyle;
  readonly eventNumber: number;
  readonly atMs: number;
  readonly region: string;
  readonly accountId: string;
}

/**
 * The `SageMaker Training Job State Change` event for the job as it is now: DescribeTrainingJob's
 * fields without WarmPoolStatus (the event never carries it), in one of the two real shapes.
 */
export const stateChangeEvent = (job: EmulatedJob, context: EventContext): TrainingJobStateChangeEvent => {
  const { style } = context;
  const time = (ms: number): EventTimestamp => (style === 'documented' ? String(ms) : ms);
  const tags: EventTags =
    style === 'documented'
      ? Object.fromEntries(job.tags)
      : [...job.tags].map(([Key, Value]) => ({ Key, Value }));
  const vpc = job.spec.vpc;
  return {
    version: '0',
    id: eventIdOf(context.eventNumber),
    'detail-type': JOB_STATE_CHANGE_DETAIL_TYPE,
    source: JOB_STATE_CHANGE_SOURCE,
    account: context.accountId,
    time: eventTime(context.atMs),
    region: context.region,
    resources: [job.arn],
    detail: {
      TrainingJobName: job.spec.name,
      TrainingJobArn: job.arn,
      TrainingJobStatus: job.status,
      SecondaryStatus: job.secondaryStatus,
      CreationTime: time(job.createdAtMs),
      ...(job.startedAtMs !== undefined ? { TrainingStartTime: time(job.startedAtMs) } : {}),
      ...(job.endedAtMs !== undefined ? { TrainingEndTime: time(job.endedAtMs) } : {}),
      LastModifiedTime: time(job.lastModifiedMs),
      RoleArn: job.spec.roleArn,
      ResourceConfig: resourceConfigOf(job, style),
      VpcConfig: vpc ? { SecurityGroupIds: [...vpc.securityGroupIds], Subnets: [...vpc.subnets] } : {},
      EnableNetworkIsolation: job.spec.enableNetworkIsolation ?? false,
      EnableInterContainerTrafficEncryption: job.spec.enableInterContainerTrafficEncryption ?? false,
      EnableManagedSpotTraining: job.spec.spot ?? false,
      ...(job.status === 'Failed' && job.failureReason ? { FailureReason: job.failureReason } : {}),
      Tags: tags,
      SecondaryStatusTransitions: [],
    },
  };
};
