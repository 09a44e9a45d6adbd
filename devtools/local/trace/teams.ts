import type { TraceVpc } from '../../../lib/trace/traceJob';

/** A value and its relative weight in a random choice. */
export type Weighted<T> = readonly [T, number];

export interface OwnerProfile {
  readonly name: string;
  /** The keep-alive this person habitually sets; people rarely change it from job to job. */
  readonly keepAliveSeconds: number;
}

/** A scheduled training pipeline that runs once a night. */
export interface NightlyPipeline {
  readonly name: string;
  /**
   * Not among the team's interactive or sweep instance types: no daytime job can then match a
   * nightly run's pool, which keeps nightly keep-alives "set but never reused".
   */
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  /** Set "just in case" by the pipeline's author; the next run is a day later. */
  readonly keepAliveSeconds: number;
}

/** Everything the generator needs to know about one team to make up its jobs. */
export interface TeamProfile {
  readonly name: string;
  /** IANA time zone: working hours and weekends are the team's own. */
  readonly timeZone: string;
  readonly owners: readonly OwnerProfile[];
  readonly projects: readonly string[];
  /** Instance types the team iterates on interactively. */
  readonly devInstanceTypes: readonly Weighted<string>[];
  readonly devVolumeSizesInGB: readonly number[];
  readonly sweepInstanceType: string;
  readonly nightly: readonly NightlyPipeline[];
  readonly vpc?: TraceVpc;
  readonly volumeKmsKeyId?: string;
  readonly enableNetworkIsolation?: boolean;
  readonly enableInterContainerTrafficEncryption?: boolean;
}

/** The emulator's default account, so that generated roles and images look like its own. */
export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

/**
 * Instance types the generator assumes the account has no warm-pool quota for (SageMaker's
 * default is 0 per type). A local run should give them a quota of 0 so that their jobs show
 * the "no warm pool: quota" explanation.
 */
export const NO_WARM_POOL_QUOTA_TYPES: readonly string[] = ['ml.p5.48xlarge'];

/** Each team shares one execution role, as platform teams usually provision them. */
export const teamRoleArn = (team: TeamProfile): string =>
  `arn:aws:iam::${ACCOUNT_ID}:role/sagemaker-${team.name}`;
export const ownerEmail = (owner: OwnerProfile): string => `${owner.name}@example.com`;
export const teamSlackChannel = (team: TeamProfile): string => `#ml-${team.name}`;

export const DEFAULT_TEAMS: readonly TeamProfile[] = [
  {
    name: 'vision',
    timeZone: 'Europe/Paris',
    owners: [
      { name: 'alice', keepAliveSeconds: 1800 },
      { name: 'bruno', keepAliveSeconds: 600 },
      { name: 'chloe', keepAliveSeconds: 3600 },
    ],
    projects: ['resnet-ft', 'detr', 'segformer'],
    devInstanceTypes: [
      ['ml.g5.2xlarge', 5],
      ['ml.g5.xlarge', 3],
      ['ml.p3.2xlarge', 2],
    ],
    devVolumeSizesInGB: [30, 50, 100],
    sweepInstanceType: 'ml.g5.xlarge',
    nightly: [
      {
        name: 'pretrain',
        instanceType: 'ml.p4d.24xlarge',
        instanceCount: 2,
        volumeSizeInGB: 500,
        keepAliveSeconds: 3600,
      },
    ],
    vpc: {
      securityGroupIds: ['sg-0a1b2c3d4e5f60001'],
      subnets: ['subnet-0a1b2c3d4e5f60011', 'subnet-0a1b2c3d4e5f60012'],
    },
  },
  {
    name: 'nlp',
    timeZone: 'America/New_York',
    owners: [
      { name: 'dave', keepAliveSeconds: 3600 },
      { name: 'erin', keepAliveSeconds: 1800 },
      { name: 'farid', keepAliveSeconds: 0 },
    ],
    projects: ['bert-ft', 'llama-lora', 'tokenizer'],
    devInstanceTypes: [
      ['ml.g5.2xlarge', 4],
      ['ml.p3.2xlarge', 2],
      ['ml.g5.xlarge', 2],
      // Someone always tries the newest GPUs, on which the account has no warm-pool quota.
      ['ml.p5.48xlarge', 0.6],
    ],
    devVolumeSizesInGB: [50, 100, 200],
    sweepInstanceType: 'ml.g5.2xlarge',
    nightly: [
      {
        name: 'llm-finetune',
        instanceType: 'ml.p4d.24xlarge',
        instanceCount: 4,
        volumeSizeInGB: 1000,
        keepAliveSeconds: 1800,
      },
    ],
  },
  {
    name: 'recsys',
    timeZone: 'America/Los_Angeles',
    owners: [
      { name: 'grace', keepAliveSeconds: 600 },
      { name: 'hiro', keepAliveSeconds: 1800 },
    ],
    projects: ['two-tower', 'dlrm'],
    devInstanceTypes: [
      ['ml.m5.xlarge', 4],
      ['ml.g5.xlarge', 3],
      ['ml.m5.4xlarge', 1],
    ],
    devVolumeSizesInGB: [30, 50],
    sweepInstanceType: 'ml.m5.xlarge',
    nightly: [
      {
        name: 'retrain',
        instanceType: 'ml.g5.12xlarge',
        instanceCount: 2,
        volumeSizeInGB: 500,
        keepAliveSeconds: 600,
      },
    ],
  },
  {
    name: 'risk',
    timeZone: 'Asia/Singapore',
    owners: [
      { name: 'ivan', keepAliveSeconds: 1800 },
      { name: 'jun', keepAliveSeconds: 600 },
    ],
    projects: ['fraud-gbm', 'txn-embed'],
    devInstanceTypes: [
      ['ml.m5.xlarge', 3],
      ['ml.g5.2xlarge', 2],
    ],
    devVolumeSizesInGB: [30, 100],
    sweepInstanceType: 'ml.m5.xlarge',
    nightly: [
      {
        name: 'scoring-model',
        instanceType: 'ml.m5.4xlarge',
        instanceCount: 4,
        volumeSizeInGB: 200,
        keepAliveSeconds: 3600,
      },
    ],
    // A regulated team: private network, encrypted volumes and traffic, no outbound network.
    vpc: { securityGroupIds: ['sg-0f9e8d7c6b5a40002'], subnets: ['subnet-0f9e8d7c6b5a40021'] },
    volumeKmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT_ID}:key/2f1c7a0e-5b8d-4e21-9c3f-7d6a1b0e4f52`,
    enableNetworkIsolation: true,
    enableInterContainerTrafficEncryption: true,
  },
];

/**
 * The teams of a workload: the defaults, or as many as asked for. Teams beyond the defaults
 * are numbered copies of them (vision2, alice2, ...), each with its own role.
 */
export const resolveTeams = (teams: number | readonly TeamProfile[] | undefined): readonly TeamProfile[] => {
  if (teams === undefined) return DEFAULT_TEAMS;
  if (typeof teams !== 'number') return teams;
  return Array.from({ length: teams }, (_, index) => {
    const base = DEFAULT_TEAMS[index % DEFAULT_TEAMS.length];
    if (base === undefined) throw new RangeError('there are no default teams');
    const copy = Math.floor(index / DEFAULT_TEAMS.length) + 1;
    if (copy === 1) return base;
    return {
      ...base,
      name: `${base.name}${copy}`,
      owners: base.owners.map((owner) => ({ ...owner, name: `${owner.name}${copy}` })),
    };
  });
};
