import { type JobLocation, jobRef } from '../../../lib/domain/jobLocation';
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

/** Where a trace job runs: its own account and region, or the local stack's. */
export const locationOf = (job: TraceJob, home: JobLocation): JobLocation => ({
  account: job.account ?? home.account,
  region: job.region ?? home.region,
});

/** The name the ledger gives a trace job (jobRef: bare at home). */
export const traceJobRef = (job: TraceJob, home: JobLocation): string =>
  jobRef(job.name, locationOf(job, home), home);
