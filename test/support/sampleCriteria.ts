import type { JobRecord } from '../../lib/domain/jobRecord';
import { type MatchCriteria, matchKey } from '../../lib/domain/matchKey';
import type { JobSnapshot } from '../../lib/domain/trainingJob';

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

/** A finished job's snapshot with SAMPLE_CRITERIA: ended a minute before `nowMs`, after an hour. */
export const sampleSnapshot = (
  name: string,
  nowMs: number,
  overrides: Partial<JobSnapshot> = {},
): JobSnapshot => ({
  name,
  arn: `arn:aws:sagemaker:us-east-1:123456789012:training-job/${name}`,
  status: 'Completed',
  lastModifiedMs: nowMs,
  createdAtMs: nowMs - 3_600_000,
  endedAtMs: nowMs - 60_000,
  criteria: SAMPLE_CRITERIA,
  matchKey: matchKey(SAMPLE_CRITERIA),
  keepAliveSeconds: 1800,
  spot: false,
  heterogeneous: false,
  tags: {},
  ...overrides,
});

/** alice's pool of team vision left by `name`: Available since `sinceMs` for the job's own 30 minutes. */
export const sampleAvailablePool = (name: string, sinceMs: number, observedAtMs = sinceMs): JobRecord => ({
  name,
  job: sampleSnapshot(name, sinceMs, { owner: 'alice', team: 'vision' }),
  pool: {
    status: 'Available',
    keepAliveSeconds: 1800,
    availableSinceMs: sinceMs,
    expiresAtMs: sinceMs + 1_800_000,
    bornAtMs: sinceMs,
    poolId: name,
    observedAtMs,
  },
});
