import { JOB_NAME_MAX_LENGTH, type TraceJob } from '../../../lib/trace/traceJob';
import type { Run } from './outcomes';
import {
  ACCOUNT_ID,
  type OwnerProfile,
  ownerEmail,
  REGION,
  type TeamProfile,
  teamRoleArn,
  teamSlackChannel,
} from './teams';

/** What a person chooses when they submit a job; the match criteria among it come from the team. */
export interface JobChoice {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  readonly keepAliveSeconds: number;
  readonly image: string;
  readonly project: string;
}

/**
 * Room the generator leaves for a cold start (P90 176 s in File Mode) before it assumes a job
 * has ended: a person waits for a job to end before submitting the next, so the next job of an
 * iteration must not arrive while its predecessor may still be starting.
 */
export const START_UP_ALLOWANCE_SECONDS = 180;

/** When a job started at `submitAtMs` is, at the latest, over. */
export const latestEndMs = (submitAtMs: number, durationSeconds: number): number =>
  submitAtMs + (START_UP_ALLOWANCE_SECONDS + durationSeconds) * 1000;

// The SageMaker Python SDK's suffix, base-YYYY-MM-DD-HH-MM-SS-mmm: 24 characters with its hyphen.
const SDK_SUFFIX_LENGTH = 24;
/** Leaves room for the "-2" that tells apart the rare jobs whose names would collide. */
const MAX_BASE_LENGTH = JOB_NAME_MAX_LENGTH - SDK_SUFFIX_LENGTH - 3;

/** Names jobs the way the SageMaker Python SDK does: a base name and the submission time. */
export const sdkJobName = (base: string, submitAtMs: number): string => {
  const stamp = new Date(submitAtMs)
    .toISOString()
    .replace(/[-:T.]/g, '-')
    .replace('Z', '');
  const trimmed = base.slice(0, MAX_BASE_LENGTH).replace(/-+$/, '');
  return `${trimmed}-${stamp}`;
};

export const ecrImage = (repository: string, tag: string): string =>
  `${ACCOUNT_ID}.dkr.ecr.${REGION}.amazonaws.com/${repository}:${tag}`;

/** AWS's Deep Learning Container for PyTorch: what script-mode sweeps usually run on. */
export const pytorchImage = (instanceType: string): string => {
  const gpu = /^ml\.(g|p)\d/.test(instanceType);
  const tag = gpu ? '2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker' : '2.3.0-cpu-py311-ubuntu20.04-sagemaker';
  return `763104351884.dkr.ecr.${REGION}.amazonaws.com/pytorch-training:${tag}`;
};

export const buildJob = (
  team: TeamProfile,
  owner: OwnerProfile,
  baseName: string,
  submitAtMs: number,
  choice: JobChoice,
  run: Run,
): TraceJob => ({
  name: sdkJobName(baseName, submitAtMs),
  submitAt: new Date(submitAtMs).toISOString(),
  submitAtMs,
  durationSeconds: run.durationSeconds,
  outcome: run.outcome,
  ...(run.failureReason !== undefined ? { failureReason: run.failureReason } : {}),
  roleArn: teamRoleArn(team),
  instanceType: choice.instanceType,
  instanceCount: choice.instanceCount,
  volumeSizeInGB: choice.volumeSizeInGB,
  keepAliveSeconds: choice.keepAliveSeconds,
  tags: {
    owner: owner.name,
    team: team.name,
    email: ownerEmail(owner),
    'slack-channel': teamSlackChannel(team),
    project: choice.project,
  },
  vpc: team.vpc ?? { securityGroupIds: [], subnets: [] },
  volumeKmsKeyId: team.volumeKmsKeyId ?? null,
  enableNetworkIsolation: team.enableNetworkIsolation ?? false,
  enableInterContainerTrafficEncryption: team.enableInterContainerTrafficEncryption ?? false,
  image: choice.image,
});
