import { createHash } from 'node:crypto';
import type { JobLocation } from './jobLocation';

/**
 * The criteria SageMaker compares, all for equality, before it lets a new job reuse a warm
 * pool. The training image is deliberately absent: SageMaker does not compare it.
 * This is the only list of the criteria in poolwarden.
 */
export interface MatchCriteria {
  readonly roleArn: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly volumeSizeInGB: number;
  readonly volumeKmsKeyId: string | null;
  readonly securityGroupIds: readonly string[];
  readonly subnets: readonly string[];
  readonly enableNetworkIsolation: boolean;
  readonly enableInterContainerTrafficEncryption: boolean;
}

export type CriterionName = keyof MatchCriteria;

export const CRITERIA: readonly CriterionName[] = [
  'roleArn',
  'instanceType',
  'instanceCount',
  'volumeSizeInGB',
  'volumeKmsKeyId',
  'securityGroupIds',
  'subnets',
  'enableNetworkIsolation',
  'enableInterContainerTrafficEncryption',
];

/** Order inside the VPC lists does not matter to SageMaker, so it must not matter to the key. */
export const normaliseCriteria = (criteria: MatchCriteria): MatchCriteria => ({
  ...criteria,
  volumeKmsKeyId: criteria.volumeKmsKeyId || null,
  securityGroupIds: [...criteria.securityGroupIds].sort(),
  subnets: [...criteria.subnets].sort(),
});

const render = (value: MatchCriteria[CriterionName]): string =>
  Array.isArray(value) ? `[${value.join(',')}]` : String(value);

/**
 * A short stable identifier: two jobs can share a warm pool exactly when their keys are equal.
 * A pool never crosses accounts or regions, so a job outside the deployment's own account and
 * region (`elsewhere`) has them in its key. The deployment's own jobs keep the key they always
 * had: pools, learnt idle gaps and traces recorded before there were several accounts stay valid.
 */
export const matchKey = (criteria: MatchCriteria, elsewhere?: JobLocation): string => {
  const normalised = normaliseCriteria(criteria);
  const lines = CRITERIA.map((name) => `${name}=${render(normalised[name])}`);
  if (elsewhere) lines.push(`account=${elsewhere.account}`, `region=${elsewhere.region}`);
  return `mk1_${createHash('sha256').update(lines.join('\n')).digest('hex').slice(0, 32)}`;
};

export interface CriterionDifference {
  readonly field: CriterionName;
  readonly pool: string;
  readonly job: string;
}

/** The criteria on which a job differs from a pool: why the job could not reuse it. */
export const differences = (pool: MatchCriteria, job: MatchCriteria): CriterionDifference[] => {
  const a = normaliseCriteria(pool);
  const b = normaliseCriteria(job);
  return CRITERIA.filter((name) => render(a[name]) !== render(b[name])).map((field) => ({
    field,
    pool: render(a[field]),
    job: render(b[field]),
  }));
};

export const describeDifferences = (diffs: readonly CriterionDifference[]): string =>
  diffs.map((d) => `${d.field} ${d.pool} vs ${d.job}`).join(', ');
