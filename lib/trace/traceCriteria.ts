import type { MatchCriteria } from '../domain/matchKey';
import type { TraceJob } from './traceJob';

/** The warm-pool match criteria of a trace job, for matchKey() and differences(). */
export const traceJobCriteria = (job: TraceJob): MatchCriteria => ({
  roleArn: job.roleArn,
  instanceType: job.instanceType,
  instanceCount: job.instanceCount,
  volumeSizeInGB: job.volumeSizeInGB,
  volumeKmsKeyId: job.volumeKmsKeyId,
  securityGroupIds: job.vpc.securityGroupIds,
  subnets: job.vpc.subnets,
  enableNetworkIsolation: job.enableNetworkIsolation,
  enableInterContainerTrafficEncryption: job.enableInterContainerTrafficEncryption,
});
