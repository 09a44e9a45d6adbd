import type { TrainingJobStatus } from '../../../lib/domain/trainingJob';
import type { WarmPoolStatus } from '../../../lib/domain/warmPool';
import type {
  EmulatedJob,
  EmulatedNoPoolReason,
  EmulatedPool,
  PoolEndReason,
  PoolState,
  SecondaryStatus,
} from './emulatedJob';

/**
 * Read-only snapshots of the emulator's state for the runner's report and for tests: plain
 * data, copied, so that they do not change under the caller as virtual time moves on.
 */
export interface JobInspection {
  readonly name: string;
  readonly arn: string;
  readonly status: TrainingJobStatus;
  readonly secondaryStatus: SecondaryStatus;
  readonly createdAtMs: number;
  readonly startedAtMs?: number;
  readonly endedAtMs?: number;
  readonly lastModifiedMs: number;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly matchKey: string;
  readonly keepAliveSeconds?: number;
  /** Whether the job landed on a warm pool, and the startup time that gave it. */
  readonly warmStart: boolean;
  readonly startupSeconds: number;
  readonly warmPoolStatus?: WarmPoolStatus;
  readonly reusedByJob?: string;
  readonly billableSeconds?: number;
  readonly reusedPoolOf?: string;
  readonly poolId?: string;
  readonly noPoolReason?: EmulatedNoPoolReason;
  readonly failureReason?: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface PoolInspection {
  readonly id: string;
  readonly state: PoolState;
  readonly jobs: readonly string[];
  readonly reuseCount: number;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly matchKey: string;
  readonly bornAtMs: number;
  readonly availableSinceMs?: number;
  readonly expiresAtMs?: number;
  readonly terminatedAtMs?: number;
  readonly endReason?: PoolEndReason;
  readonly idleBillableSeconds: number;
}

/** One hand-over of a cluster from a job that left it to a job that took it. */
export interface ReuseInspection {
  readonly poolId: string;
  readonly fromJob: string;
  readonly toJob: string;
  readonly atMs: number;
  /** How long the pool sat Available before this job took it, as SageMaker bills it. */
  readonly billableSeconds: number;
}

export interface EmulatorSummary {
  readonly jobs: number;
  readonly coldStarts: number;
  readonly warmStarts: number;
  readonly startupSeconds: number;
  readonly pools: number;
  readonly availablePools: number;
  readonly reuses: number;
  readonly idleBillableSeconds: number;
  /** Idle billable seconds times instance count: what the idle pools cost, in instance-seconds. */
  readonly idleInstanceSeconds: number;
}

export const inspectJob = (job: EmulatedJob): JobInspection => ({
  name: job.spec.name,
  arn: job.arn,
  status: job.status,
  secondaryStatus: job.secondaryStatus,
  createdAtMs: job.createdAtMs,
  ...(job.startedAtMs !== undefined ? { startedAtMs: job.startedAtMs } : {}),
  ...(job.endedAtMs !== undefined ? { endedAtMs: job.endedAtMs } : {}),
  lastModifiedMs: job.lastModifiedMs,
  instanceType: job.spec.instanceType,
  instanceCount: job.spec.instanceCount,
  matchKey: job.matchKey,
  ...(job.keepAliveSeconds !== undefined ? { keepAliveSeconds: job.keepAliveSeconds } : {}),
  warmStart: job.warmStart,
  startupSeconds: job.startupSeconds,
  ...(job.warmPool ? { warmPoolStatus: job.warmPool.status } : {}),
  ...(job.warmPool?.reusedByJob ? { reusedByJob: job.warmPool.reusedByJob } : {}),
  ...(job.warmPool?.billableSeconds !== undefined ? { billableSeconds: job.warmPool.billableSeconds } : {}),
  ...(job.reusedPoolOf ? { reusedPoolOf: job.reusedPoolOf } : {}),
  ...(job.poolId ? { poolId: job.poolId } : {}),
  ...(job.noPoolReason ? { noPoolReason: job.noPoolReason } : {}),
  ...(job.failureReason ? { failureReason: job.failureReason } : {}),
  tags: Object.fromEntries(job.tags),
});

export const inspectPool = (pool: EmulatedPool): PoolInspection => ({
  id: pool.id,
  state: pool.state,
  jobs: [...pool.jobs],
  reuseCount: pool.jobs.length - 1,
  instanceType: pool.instanceType,
  instanceCount: pool.instanceCount,
  matchKey: pool.matchKey,
  bornAtMs: pool.bornAtMs,
  ...(pool.availableSinceMs !== undefined ? { availableSinceMs: pool.availableSinceMs } : {}),
  ...(pool.expiresAtMs !== undefined ? { expiresAtMs: pool.expiresAtMs } : {}),
  ...(pool.terminatedAtMs !== undefined ? { terminatedAtMs: pool.terminatedAtMs } : {}),
  ...(pool.endReason ? { endReason: pool.endReason } : {}),
  idleBillableSeconds: pool.idleBillableSeconds,
});
