import type { TraceJob } from '../../../lib/trace/traceJob';
import type { SubmitRequest } from '../sagemaker/emulatedJob';

/** A trace line as the emulator's CreateTrainingJob at the job's submission time. */
export const submissionOf = (job: TraceJob): SubmitRequest => ({
  name: job.name,
  roleArn: job.roleArn,
  instanceType: job.instanceType,
  instanceCount: job.instanceCount,
  volumeSizeInGB: job.volumeSizeInGB,
  ...(job.volumeKmsKeyId ? { volumeKmsKeyId: job.volumeKmsKeyId } : {}),
  vpc: job.vpc,
  enableNetworkIsolation: job.enableNetworkIsolation,
  enableInterContainerTrafficEncryption: job.enableInterContainerTrafficEncryption,
  keepAliveSeconds: job.keepAliveSeconds,
  tags: job.tags,
  ...(job.image ? { image: job.image } : {}),
  durationSeconds: job.durationSeconds,
  outcome: job.outcome,
  ...(job.failureReason ? { failureReason: job.failureReason } : {}),
});
