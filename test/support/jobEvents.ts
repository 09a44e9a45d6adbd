/** Builders of SageMaker training-job state-change events as EventBridge delivers them. */
export interface JobEventOptions {
  readonly id?: string;
  readonly name?: string;
  readonly status?: 'InProgress' | 'Completed' | 'Failed' | 'Stopped' | 'Stopping';
  readonly secondaryStatus?: string;
  readonly createdAtMs?: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly lastModifiedMs?: number;
  readonly roleArn?: string;
  readonly instanceType?: string;
  readonly instanceCount?: number;
  readonly volumeSizeInGB?: number;
  readonly keepAliveSeconds?: number;
  readonly tags?: Record<string, string>;
  readonly failureReason?: string;
  /** Where the job lives (the envelope's account and region, and the ARN's). */
  readonly account?: string;
  readonly region?: string;
  /** documented: timestamps as strings and Tags as a map; registry: numbers and a [{Key, Value}] list. */
  readonly style?: 'documented' | 'registry';
}

export const T0 = Date.parse('2026-03-02T09:00:00Z');

export const jobEvent = (o: JobEventOptions = {}) => {
  const name = o.name ?? 'train-a';
  const status = o.status ?? 'Completed';
  const createdAtMs = o.createdAtMs ?? T0;
  const endedAtMs = o.endedAtMs ?? (status === 'InProgress' ? undefined : createdAtMs + 600_000);
  const startedAtMs = o.startedAtMs ?? createdAtMs + 143_000;
  const lastModifiedMs = o.lastModifiedMs ?? endedAtMs ?? createdAtMs;
  const registry = o.style === 'registry';
  const time = (ms: number | undefined) => (ms === undefined ? undefined : registry ? ms : String(ms));
  const tags = o.tags ?? { owner: 'alice', team: 'vision', email: 'alice@example.com' };
  const account = o.account ?? '123456789012';
  const region = o.region ?? 'us-east-1';
  const arn = `arn:aws:sagemaker:${region}:${account}:training-job/${name}`;
  return {
    version: '0',
    id: o.id ?? `evt-${name}-${status}-${lastModifiedMs}`,
    'detail-type': 'SageMaker Training Job State Change',
    source: 'aws.sagemaker',
    account,
    time: new Date(lastModifiedMs).toISOString(),
    region,
    resources: [arn],
    detail: {
      TrainingJobName: name,
      TrainingJobArn: arn,
      TrainingJobStatus: status,
      SecondaryStatus: o.secondaryStatus ?? (status === 'InProgress' ? 'Starting' : status),
      CreationTime: time(createdAtMs),
      TrainingStartTime:
        status === 'InProgress' && o.startedAtMs === undefined ? undefined : time(startedAtMs),
      TrainingEndTime: time(endedAtMs),
      LastModifiedTime: time(lastModifiedMs),
      RoleArn: o.roleArn ?? `arn:aws:iam::${account}:role/vision-training`,
      ResourceConfig: {
        InstanceType: o.instanceType ?? 'ml.g5.xlarge',
        InstanceCount: o.instanceCount ?? 1,
        [registry ? 'VolumeSizeInGb' : 'VolumeSizeInGB']: o.volumeSizeInGB ?? 30,
        KeepAlivePeriodInSeconds: o.keepAliveSeconds ?? 1800,
      },
      VpcConfig: {},
      EnableNetworkIsolation: false,
      EnableInterContainerTrafficEncryption: false,
      EnableManagedSpotTraining: false,
      ...(o.failureReason ? { FailureReason: o.failureReason } : {}),
      SecondaryStatusTransitions: [],
      Tags: registry ? Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) : tags,
    },
  };
};

/**
 * SageMaker's DescribeTrainingJob answer for `jobEvent`'s default job after it completed at
 * T0 + 10 min with its warm pool Available (a 30-minute keep-alive).
 */
export const completedWithAvailablePool = (name: string) => ({
  TrainingJobName: name,
  TrainingJobStatus: 'Completed' as const,
  TrainingEndTime: new Date(T0 + 600_000),
  ResourceConfig: {
    InstanceType: 'ml.g5.xlarge' as const,
    InstanceCount: 1,
    VolumeSizeInGB: 30,
    KeepAlivePeriodInSeconds: 1800,
  },
  WarmPoolStatus: { Status: 'Available' as const },
});
