import type { TraceJob } from './traceJob';

// Fields equal to their default (no VPC, no KMS key, false flags) are left out so that lines
// stay readable; parseTrace restores them.
const toLine = (job: TraceJob): Record<string, unknown> => ({
  name: job.name,
  submitAt: job.submitAt,
  durationSeconds: job.durationSeconds,
  outcome: job.outcome,
  ...(job.failureReason !== undefined ? { failureReason: job.failureReason } : {}),
  roleArn: job.roleArn,
  instanceType: job.instanceType,
  instanceCount: job.instanceCount,
  volumeSizeInGB: job.volumeSizeInGB,
  keepAliveSeconds: job.keepAliveSeconds,
  tags: job.tags,
  ...(job.vpc.securityGroupIds.length > 0 || job.vpc.subnets.length > 0 ? { vpc: job.vpc } : {}),
  ...(job.volumeKmsKeyId !== null ? { volumeKmsKeyId: job.volumeKmsKeyId } : {}),
  ...(job.enableNetworkIsolation ? { enableNetworkIsolation: true } : {}),
  ...(job.enableInterContainerTrafficEncryption ? { enableInterContainerTrafficEncryption: true } : {}),
  ...(job.image !== undefined ? { image: job.image } : {}),
  ...(job.account !== undefined ? { account: job.account } : {}),
  ...(job.region !== undefined ? { region: job.region } : {}),
});

/** Writes jobs as JSON Lines, fields in the order of the format: parseTrace(serializeTrace(jobs)) gives them back. */
export const serializeTrace = (jobs: readonly TraceJob[]): string =>
  jobs.map((job) => `${JSON.stringify(toLine(job))}\n`).join('');
