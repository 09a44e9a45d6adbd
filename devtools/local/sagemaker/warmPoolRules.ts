import { clusterShape } from '../../../lib/domain/clusterShape';
import { expiryAfterJobEnd, expiryAfterUpdate, type KeepAliveLimits } from '../../../lib/domain/keepAlive';
import { type MatchCriteria, normaliseCriteria } from '../../../lib/domain/matchKey';
import type { TerminalStatus } from '../../../lib/domain/trainingJob';
import { mayUseWarmPools as jobMayUseWarmPools } from '../../../lib/domain/warmPool';
import type { EmulatedNoPoolReason, TrainingJobSpec } from './emulatedJob';
import type { StartupSeconds } from './emulatorOptions';

/**
 * SageMaker's warm pool rules as the emulator plays them, each in one named function. The
 * emulator stands in for SageMaker, so these are written from the documentation (see
 * /work/shared/reference/warm-pools-facts.md), not taken from poolwarden's own inferences —
 * except the match key, the keep-alive expiry and the default pool choice (poolChoice.ts here), where
 * poolwarden's domain is the single place of a fact (matchKey.ts) or of a documented assumption
 * (keepAlive.ts, poolChoice.ts).
 */

/** The spec's values of the reuse criteria (matchKey.ts holds the list; the image is not one). */
export const matchCriteriaOf = (spec: TrainingJobSpec): MatchCriteria =>
  normaliseCriteria({
    roleArn: spec.roleArn,
    instanceType: spec.instanceType,
    instanceCount: spec.instanceCount,
    volumeSizeInGB: spec.volumeSizeInGB,
    volumeKmsKeyId: spec.volumeKmsKeyId ?? null,
    securityGroupIds: spec.vpc?.securityGroupIds ?? [],
    subnets: spec.vpc?.subnets ?? [],
    enableNetworkIsolation: spec.enableNetworkIsolation ?? false,
    enableInterContainerTrafficEncryption: spec.enableInterContainerTrafficEncryption ?? false,
  });

/** Spot and heterogeneous clusters have no warm pools: they neither take nor leave one. */
export const mayUseWarmPools = (spec: TrainingJobSpec): boolean =>
  jobMayUseWarmPools({ spot: spec.spot ?? false, heterogeneous: clusterShape(spec).heterogeneous });

/** Seconds from creation to TrainingStartTime: the whole point of a warm pool. */
export const startupSecondsOf = (warm: boolean, startup: StartupSeconds): number =>
  warm ? startup.warm : startup.cold;

/** A failure keeps a pool only when it was the job's own: an algorithm or client error. */
export const isClientSideFailure = (failureReason: string | undefined): boolean =>
  /^\s*(AlgorithmError|ClientError)\b/.test(failureReason ?? '');

/** What a simulated failure says when the trace does not say: the job's own fault, the usual case. */
export const DEFAULT_FAILURE_REASON =
  'AlgorithmError: simulated failure, the training script exited with code 1';

export interface JobEndFacts {
  readonly status: TerminalStatus;
  readonly keepAliveSeconds: number | undefined;
  readonly failureReason?: string;
  /** The cluster launched once TrainingStartTime is set, or before the job when it started warm. */
  readonly clusterLaunched: boolean;
  readonly spec: TrainingJobSpec;
}

/**
 * Whether a job that ends leaves a warm pool, quota and lifetime aside: keep-alive > 0, not
 * spot, not heterogeneous, and Completed, or Stopped after its cluster launched, or Failed
 * with an algorithm or client error. Returns why not, or undefined when the pool is kept.
 */
export const whyNoPoolAtEnd = (facts: JobEndFacts): EmulatedNoPoolReason | undefined => {
  if (!facts.keepAliveSeconds || facts.keepAliveSeconds <= 0) return 'no-keep-alive';
  if (facts.spec.spot) return 'spot-training';
  if (clusterShape(facts.spec).heterogeneous) return 'heterogeneous-cluster';
  if (facts.status === 'Failed' && !isClientSideFailure(facts.failureReason)) {
    return 'failed-without-client-error';
  }
  if (facts.status === 'Stopped' && !facts.clusterLaunched) return 'stopped-before-launch';
  return undefined;
};

/**
 * The warm pool quota counts, per instance type, the instances of pools that are Available or
 * InUse. A pool that is already counted (a reused one) does not need room again.
 */
export const quotaAllows = (heldElsewhere: number, instanceCount: number, quota: number): boolean =>
  heldElsewhere + instanceCount <= quota;

/** SageMaker bills a retained pool by whole seconds of wall-clock time. */
export const billableSeconds = (availableSinceMs: number, untilMs: number): number =>
  Math.max(0, Math.floor((untilMs - availableSinceMs) / 1000));

/** A pool's first keep-alive runs from the end of the job that left it, within the lifetime cap. */
export const expiryAtJobEnd = (
  endedAtMs: number,
  keepAliveSeconds: number,
  poolBornAtMs: number,
  limits: KeepAliveLimits,
): number => expiryAfterJobEnd(endedAtMs, keepAliveSeconds, poolBornAtMs, limits);

/**
 * A keep-alive set by UpdateTrainingJob counts from the update (poolwarden's documented
 * assumption, kept in keepAlive.ts), within the lifetime cap.
 */
export const expiryAtUpdate = (
  updatedAtMs: number,
  keepAliveSeconds: number,
  poolBornAtMs: number,
  limits: KeepAliveLimits,
): number => expiryAfterUpdate(updatedAtMs, keepAliveSeconds, poolBornAtMs, limits);

/** The range one call (CreateTrainingJob or UpdateTrainingJob) may set; undefined when valid. */
export const keepAliveRangeProblem = (seconds: number, limits: KeepAliveLimits): string | undefined =>
  Number.isInteger(seconds) && seconds >= 0 && seconds <= limits.perCallCapSeconds
    ? undefined
    : `Value '${seconds}' at 'resourceConfig.keepAlivePeriodInSeconds' failed to satisfy constraint: Member must have value between 0 and ${limits.perCallCapSeconds}`;
