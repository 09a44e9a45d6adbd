import type { TrainingJobStatus } from './trainingJob';

/** SageMaker's WarmPoolStatus.Status values. */
export const WARM_POOL_STATUSES = ['InUse', 'Available', 'Reused', 'Terminated'] as const;
export type WarmPoolStatus = (typeof WARM_POOL_STATUSES)[number];

/**
 * A job's warm pool only moves forward: InUse -> Available -> Reused | Terminated.
 * The ledger never lets a lower rank overwrite a higher one, whatever order it learns them in.
 */
const POOL_RANK: Record<WarmPoolStatus, number> = { InUse: 1, Available: 2, Reused: 3, Terminated: 3 };
export const poolRank = (status: WarmPoolStatus): number => POOL_RANK[status];

/** What DescribeTrainingJob says of a job's warm pool. */
export interface WarmPoolObservation {
  readonly status: WarmPoolStatus;
  readonly reusedByJob?: string;
  /** Filled by SageMaker only once the pool is Reused or Terminated. */
  readonly billableSeconds?: number;
}

/**
 * Whether a job's cluster can take or leave a warm pool at all: SageMaker keeps none for managed
 * spot training or heterogeneous clusters (InstanceGroups), so such a job never takes a pool of
 * its match key, however many are Available.
 */
export const mayUseWarmPools = (job: { readonly spot: boolean; readonly heterogeneous: boolean }): boolean =>
  !job.spot && !job.heterogeneous;

export type NoPoolReason =
  | 'failed-without-client-error'
  | 'stopped-before-launch'
  | 'spot-training'
  | 'heterogeneous-cluster'
  | 'no-warm-pool-quota';

export interface NoPool {
  readonly reason: NoPoolReason;
  readonly detail: string;
}

export interface NoPoolFacts {
  readonly status: TrainingJobStatus;
  readonly instanceType: string;
  readonly failureReason?: string;
  readonly clusterLaunched: boolean;
  readonly spot: boolean;
  readonly heterogeneous: boolean;
}

/** SageMaker keeps a pool after a failure only when the failure was the job's own (algorithm or client error). */
const isClientSideFailure = (failureReason: string | undefined): boolean =>
  /^\s*(AlgorithmError|ClientError)\b/i.test(failureReason ?? '');

/**
 * Why a job that asked for keep-alive has no warm pool. When none of SageMaker's documented
 * exclusions applies, the usual cause is the warm pool quota, which defaults to 0 per
 * instance type.
 */
export const explainNoPool = (facts: NoPoolFacts): NoPool => {
  if (facts.spot)
    return { reason: 'spot-training', detail: 'managed spot training jobs never keep a warm pool' };
  if (facts.heterogeneous) {
    return { reason: 'heterogeneous-cluster', detail: 'heterogeneous clusters never keep a warm pool' };
  }
  if (facts.status === 'Failed' && !isClientSideFailure(facts.failureReason)) {
    return {
      reason: 'failed-without-client-error',
      detail: `the job failed with a service-side error (${facts.failureReason ?? 'no reason given'}); SageMaker keeps a pool only after an algorithm or client error`,
    };
  }
  if (facts.status === 'Stopped' && !facts.clusterLaunched) {
    return { reason: 'stopped-before-launch', detail: 'the job was stopped before its cluster launched' };
  }
  return {
    reason: 'no-warm-pool-quota',
    detail: `no warm pool was kept: the account's "${facts.instanceType} for training warm pool usage" quota is probably 0 (the default); request an increase in Service Quotas`,
  };
};
