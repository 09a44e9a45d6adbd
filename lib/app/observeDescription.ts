import type { JobRecord, PoolState } from '../domain/jobRecord';
import { expiryAfterJobEnd, type KeepAliveLimits } from '../domain/keepAlive';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import type { LedgerFact } from './ledgerFacts';

export interface ObserveDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly limits: KeepAliveLimits;
  /**
   * Acts on the facts of a pool leaving Available (reused, ended) before the write that takes it
   * out of the Available index, and throws when it could not: the pool then stays Available in
   * the ledger, so the next look at it learns (and acts on) the same facts again. Those facts
   * are not returned. Absent: they are returned for the caller to act on (an event is retried
   * whole when that fails).
   */
  readonly beforeLeaving?: (facts: readonly LedgerFact[]) => Promise<void>;
}

/** The pool state a DescribeTrainingJob answer implies, keeping what the ledger already predicted. */
export const poolStateFrom = (
  record: JobRecord,
  description: TrainingJobDescription,
  limits: KeepAliveLimits,
  nowMs: number,
): PoolState | undefined => {
  const warmPool = description.warmPool;
  if (!warmPool) return undefined;
  const known = record.pool;
  const availableSinceMs = known?.availableSinceMs ?? description.endedAtMs ?? record.job?.endedAtMs;
  const keepAliveSeconds =
    known?.keepAliveSeconds ?? description.keepAliveSeconds ?? record.job?.keepAliveSeconds;
  const bornAtMs = known?.bornAtMs ?? availableSinceMs;
  const poolId = known?.poolId ?? record.name;
  const expiresAtMs =
    known?.expiresAtMs ??
    (availableSinceMs !== undefined && keepAliveSeconds !== undefined && bornAtMs !== undefined
      ? expiryAfterJobEnd(availableSinceMs, keepAliveSeconds, bornAtMs, limits)
      : undefined);
  return {
    status: warmPool.status,
    observedAtMs: nowMs,
    ...(keepAliveSeconds !== undefined ? { keepAliveSeconds } : {}),
    ...(availableSinceMs !== undefined ? { availableSinceMs } : {}),
    ...(expiresAtMs !== undefined ? { expiresAtMs } : {}),
    ...(bornAtMs !== undefined ? { bornAtMs, poolId } : {}),
    ...(warmPool.reusedByJob ? { reusedByJob: warmPool.reusedByJob } : {}),
    ...(warmPool.billableSeconds !== undefined ? { billableSeconds: warmPool.billableSeconds } : {}),
  };
};

/**
 * Writes the pool's new state: observePool, or at a job's end the end and the pool together
 * (ingestJobEvent.ts). Answers the pool as stored and, when it read it, the whole record.
 */
export type PoolWriter = (
  state: PoolState,
) => Promise<{ readonly pool: PoolState; readonly record?: JobRecord }>;

/**
 * Brings the ledger's view of one job's pool up to what SageMaker just said, and links the
 * reuse when the pool was handed on. Used on job end, on reuse detection and by the sweep.
 */
export const observeDescription = async (
  deps: ObserveDeps,
  record: JobRecord,
  description: TrainingJobDescription,
  write: PoolWriter = (state) => deps.ledger.observePool(record, state),
): Promise<LedgerFact[]> => {
  const state = poolStateFrom(record, description, deps.limits, deps.clock.now());
  if (!state) return [];
  // The link first: once the pool is recorded Reused, no index leads back to it, so a crash
  // between the two writes must leave it Available (looked at again), never unlinked.
  const reusedBy = state.status === 'Reused' ? state.reusedByJob : undefined;
  const provisional = {
    poolId: state.poolId ?? record.name,
    bornAtMs: state.bornAtMs ?? deps.clock.now(),
  };
  if (reusedBy) await deps.ledger.linkReuse(record.name, reusedBy, provisional);
  const leaving = state.status === 'Terminated' || reusedBy !== undefined;
  if (leaving && deps.beforeLeaving) {
    // What the write below will store: the stored pool's own fields (who stopped it) kept.
    const job: JobRecord = { ...record, pool: { ...record.pool, ...state } };
    await deps.beforeLeaving(
      reusedBy ? [{ kind: 'pool-reused', fromJob: job, toJob: reusedBy }] : [{ kind: 'pool-ended', job }],
    );
  }
  const written = await write(state);
  const pool = written.pool;
  const updated: JobRecord = { ...(written.record ?? record), pool };
  switch (state.status) {
    case 'Available':
      return [{ kind: 'pool-available', job: updated }];
    case 'Reused': {
      if (!reusedBy) return [];
      // The birth as stored wins over this (possibly stale) record's: a link learnt earlier may
      // have moved it earlier; linkReuse carries an earlier birth down the chain.
      if (pool.bornAtMs !== undefined && pool.bornAtMs < provisional.bornAtMs) {
        await deps.ledger.linkReuse(record.name, reusedBy, {
          poolId: pool.poolId ?? record.name,
          bornAtMs: pool.bornAtMs,
        });
      }
      return deps.beforeLeaving ? [] : [{ kind: 'pool-reused', fromJob: updated, toJob: reusedBy }];
    }
    case 'Terminated':
      return deps.beforeLeaving ? [] : [{ kind: 'pool-ended', job: updated }];
    case 'InUse':
      return [];
  }
};
