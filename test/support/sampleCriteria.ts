import type { MatchCriteria } from '../../lib/domain/matchKey';

/** One training job's reuse criteria, for tests that need a job but not its details. */
export const SAMPLE_CRITERIA: MatchCriteria = {
  roleArn: 'arn:aws:iam::123456789012:role/Train',
  instanceType: 'ml.g5.2xlarge',
  instanceCount: 1,
  volumeSizeInGB: 30,
  volumeKmsKeyId: null,
  securityGroupIds: [],
  subnets: [],
  enableNetworkIsolation: false,
  enableInterContainerTrafficEncryption: false,
};
