import type { KeepAliveLimits } from './keepAlive';
import { KEEP_ALIVE_PERIOD_SECONDS } from './sageMakerLimits';

/**
 * Whether a warm pool's own transitions (Available to Reused or Terminated, a new keep-alive)
 * move its job's LastModifiedTime. Not documented: DescribeTrainingJob defines LastModifiedTime
 * as "when the status of the training job was last modified", and no source says a warm pool
 * transition counts (the local emulator does not move it either). So poolwarden assumes it does
 * not: a listing of the jobs changed since the previous reconcile shows jobs that ended, never
 * a pool that ended, was reused or was stopped by someone else. Every reconcile therefore lists
 * which pools are Available (planReconcile in lib/app/reconcilePlan.ts reads this constant).
 * Were it ever documented true, the changed-jobs listing alone would be the guarantee.
 */
export const POOL_TRANSITIONS_MOVE_LAST_MODIFIED = false;

/**
 * How far back the reconciler lists jobs (by LastModifiedTime) for Available pools. A pool
 * lives at most the lifetime cap from the end of its chain's first job, and the job holding it
 * now ended after that; its end modified it. So a job last modified earlier than the cap ago
 * cannot hold an Available pool. (By creation time the bound would add the longest runtime,
 * 28 days, and double the list's cost.)
 */
export const reconcileWindowMs = (limits: KeepAliveLimits): number => limits.lifetimeCapSeconds * 1000;

/**
 * How far back every reconcile lists jobs to see which pools are Available: a pool nobody
 * extended ends at most one keep-alive after its job ended, and a job is created with at most
 * the newest SDK model's maximum (21600 s, or the configured cap if larger); the job's end
 * modified it. One reconcile period is added so consecutive listings overlap. A pool extended
 * since is found by the full listing of reconcileWindowMs (POOLWARDEN_FULL_RECONCILE_HOURS), or
 * described when the ledger knows it. The cost follows the jobs of a few hours, not of 28 days.
 */
export const recentPoolsWindowMs = (limits: KeepAliveLimits, reconcileEveryMs: number): number =>
  Math.max(KEEP_ALIVE_PERIOD_SECONDS.newestModelMax, limits.perCallCapSeconds) * 1000 + reconcileEveryMs;
