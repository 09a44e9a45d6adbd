import {
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  type SageMakerClient,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { TrainingJobStatus } from '../../domain/trainingJob';
import type { WarmPoolStatus } from '../../domain/warmPool';
import type { TrainingJobDescription, TrainingJobs } from '../../ports/trainingJobs';

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

export class SageMakerTrainingJobs implements TrainingJobs {
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
}
