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
 * Brings the ledger's view of one job's pool up to what SageMaker just said, and links the
 * reuse when the pool was handed on. Used on job end, on reuse detection and by the sweep.
 */
export const observeDescription = async (
  deps: ObserveDeps,
  record: JobRecord,
  description: TrainingJobDescription,
): Promise<LedgerFact[]> => {
  const state = poolStateFrom(record, description, deps.limits, deps.clock.now());
  if (!state) return [];
  const { pool } = await deps.ledger.observePool(record, state);
  const updated: JobRecord = { ...record, pool };
  switch (state.status) {
    case 'Available':
      return [{ kind: 'pool-available', job: updated }];
    case 'Reused': {
      if (!state.reusedByJob) return [];
      // The birth as stored, not as this (possibly stale) record implied: a link learnt earlier may have moved it.
      await deps.ledger.linkReuse(record.name, state.reusedByJob, {
        poolId: pool.poolId ?? record.name,
        bornAtMs: pool.bornAtMs ?? state.bornAtMs ?? deps.clock.now(),
      });
      return [{ kind: 'pool-reused', fromJob: updated, toJob: state.reusedByJob }];
    }
    case 'Terminated':
      return [{ kind: 'pool-ended', job: updated }];
    case 'InUse':
      return [];
  }
};
