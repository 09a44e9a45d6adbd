import { isStopping, type JobRecord } from '../domain/jobRecord';
import { pendingActionLeaseEndMs } from './applyPoolAction';

/** When the sweep describes a pool without a reconcile's listing asking it to. */
export interface PoolLookRules {
  /**
   * Whether a reconciler lists SageMaker's jobs: then its listing, once a period, names the pools
   * to describe, and the period alone never does.
   */
  readonly listed: boolean;
  readonly reconcileEveryMs: number;
  /** Without a listing, a forced reconcile looks at every pool. */
  readonly forceReconcile?: boolean;
}

/**
 * The first instant from which the sweep describes the pool whatever a listing says (the sweep's
 * mustLook is `nowMs >= poolLookDueAtMs(...)`, or the listing's word); the look-ahead of a quiet
 * sweep (sweepWake.ts) stops there too, so that the local stack's next-event timing wakes for it
 * and for nothing else:
 * - an action left pending is finished once its lease is over (at once when its outcome is unknown);
 * - the first sweep past the predicted end looks once: the keep-alive rules may be off. A stop's
 *   predicted end is the stop, made after the look that decided it even when at the same instant;
 * - without a listing, a pool is described once per reconcile period.
 */
export const poolLookDueAtMs = (pool: JobRecord, rules: PoolLookRules): number => {
  const lastLook = pool.pool?.observedAtMs ?? 0;
  const intent = pool.pendingAction;
  // Finishable strictly after its lease (isFinishable): the first whole millisecond past it.
  const finishAtMs =
    intent === undefined ? Number.POSITIVE_INFINITY : Math.floor(pendingActionLeaseEndMs(intent)) + 1;
  const expiresAtMs = pool.pool?.expiresAtMs;
  const lookedSinceEnd =
    expiresAtMs !== undefined && (lastLook > expiresAtMs || (lastLook === expiresAtMs && !isStopping(pool)));
  // A pool with no predicted end is past it at every instant after its last look.
  const endLookAtMs = lookedSinceEnd
    ? Number.POSITIVE_INFINITY
    : Math.max(expiresAtMs ?? Number.NEGATIVE_INFINITY, Math.floor(lastLook) + 1);
  const periodLookAtMs = rules.listed
    ? Number.POSITIVE_INFINITY
    : rules.forceReconcile === true
      ? Number.NEGATIVE_INFINITY
      : lastLook + rules.reconcileEveryMs;
  return Math.min(finishAtMs, endLookAtMs, periodLookAtMs);
};
