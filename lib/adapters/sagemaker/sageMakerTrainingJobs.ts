import {
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  paginateListTags,
  paginateListTrainingJobs,
  type SageMakerClient,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { TrainingJobStatus } from '../../domain/trainingJob';
import type { WarmPoolStatus } from '../../domain/warmPool';
import type {
  TrainingJobDescription,
  TrainingJobDetails,
  TrainingJobHistory,
  TrainingJobSummary,
  TrainingJobs,
} from '../../ports/trainingJobs';

/** SageMaker answers an unknown job with ResourceNotFound, or in practice a ValidationException saying so. */
export const isJobNotFound = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ResourceNotFound' ||
    (error.name === 'ValidationException' && /not found|does not exist/i.test(error.message)));

const toDescription = (out: DescribeTrainingJobCommandOutput): TrainingJobDescription => {
  const wp = out.WarmPoolStatus;
  return {
    name: out.TrainingJobName ?? '',
    status: (out.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
    instanceType: out.ResourceConfig?.InstanceType ?? '',
    ...(out.TrainingStartTime ? { startedAtMs: out.TrainingStartTime.getTime() } : {}),
    ...(out.TrainingEndTime ? { endedAtMs: out.TrainingEndTime.getTime() } : {}),
    ...(out.ResourceConfig?.KeepAlivePeriodInSeconds !== undefined
      ? { keepAliveSeconds: out.ResourceConfig.KeepAlivePeriodInSeconds }
      : {}),
    ...(out.FailureReason ? { failureReason: out.FailureReason } : {}),
    ...(wp?.Status
      ? {
          warmPool: {
            status: wp.Status as WarmPoolStatus,
            ...(wp.ReusedByJob ? { reusedByJob: wp.ReusedByJob } : {}),
            ...(wp.ResourceRetainedBillableTimeInSeconds !== undefined
              ? { billableSeconds: wp.ResourceRetainedBillableTimeInSeconds }
              : {}),
          },
        }
      : {}),
  };
};

export class SageMakerTrainingJobs implements TrainingJobs, TrainingJobHistory {
  constructor(private readonly client: SageMakerClient) {}

  async describe(name: string): Promise<TrainingJobDescription | undefined> {
    try {
      return toDescription(await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name })));
    } catch (error) {
      if (isJobNotFound(error)) return undefined;
      throw error;
    }
  }

  async setKeepAlive(name: string, seconds: number): Promise<void> {
    await this.client.send(
      new UpdateTrainingJobCommand({
        TrainingJobName: name,
        ResourceConfig: { KeepAlivePeriodInSeconds: seconds },
      }),
    );
  }

  async *listJobs(fromMs: number, toMs: number): AsyncIterable<TrainingJobSummary> {
    for await (const page of paginateListTrainingJobs(
      { client: this.client, pageSize: 100 },
      {
        CreationTimeAfter: new Date(fromMs),
        CreationTimeBefore: new Date(toMs),
        SortBy: 'CreationTime',
        SortOrder: 'Ascending',
      },
    )) {
      for (const summary of page.TrainingJobSummaries ?? []) {
        if (!summary.TrainingJobName || !summary.CreationTime) continue;
        yield {
          name: summary.TrainingJobName,
          createdAtMs: summary.CreationTime.getTime(),
          status: (summary.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
        };
      }
    }
  }

  async details(name: string): Promise<TrainingJobDetails | undefined> {
    let out: DescribeTrainingJobCommandOutput;
    try {
      out = await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
    } catch (error) {
      if (isJobNotFound(error)) return undefined;
      throw error;
    }
    const arn = out.TrainingJobArn ?? '';
    const tags: Record<string, string> = {};
    if (arn) {
      for await (const page of paginateListTags({ client: this.client }, { ResourceArn: arn })) {
        for (const tag of page.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      }
    }
    const rc = out.ResourceConfig;
    const groups = rc?.InstanceGroups ?? [];
    return {
      name: out.TrainingJobName ?? name,
      arn,
      status: (out.TrainingJobStatus ?? 'InProgress') as TrainingJobStatus,
      createdAtMs: out.CreationTime?.getTime() ?? 0,
      ...(out.TrainingStartTime ? { startedAtMs: out.TrainingStartTime.getTime() } : {}),
      ...(out.TrainingEndTime ? { endedAtMs: out.TrainingEndTime.getTime() } : {}),
      ...(out.FailureReason ? { failureReason: out.FailureReason } : {}),
      roleArn: out.RoleArn ?? '',
      instanceType: rc?.InstanceType ?? groups[0]?.InstanceType ?? '',
      instanceCount: rc?.InstanceCount ?? groups.reduce((n, g) => n + (g.InstanceCount ?? 0), 0),
      volumeSizeInGB: rc?.VolumeSizeInGB ?? 0,
      ...(rc?.VolumeKmsKeyId ? { volumeKmsKeyId: rc.VolumeKmsKeyId } : {}),
      ...(rc?.KeepAlivePeriodInSeconds !== undefined
        ? { keepAliveSeconds: rc.KeepAlivePeriodInSeconds }
        : {}),
      securityGroupIds: out.VpcConfig?.SecurityGroupIds ?? [],
      subnets: out.VpcConfig?.Subnets ?? [],
      enableNetworkIsolation: out.EnableNetworkIsolation ?? false,
      enableInterContainerTrafficEncryption: out.EnableInterContainerTrafficEncryption ?? false,
      ...(out.AlgorithmSpecification?.TrainingImage
        ? { image: out.AlgorithmSpecification.TrainingImage }
        : {}),
      spot: out.EnableManagedSpotTraining ?? false,
      heterogeneous: groups.length > 1,
      tags,
    };
  }
}
