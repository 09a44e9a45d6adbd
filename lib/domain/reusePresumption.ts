import type { JobRecord, PoolState } from './jobRecord';
import { isAvailableAtRest } from './jobRecord';
import { ASSUMED_POOL_CHOICE } from './poolChoice';
import type { JobSnapshot } from './trainingJob';
import { mayUseWarmPools, type WarmPoolObservation } from './warmPool';

/**
 * What poolwarden presumes when a job starts while the ledger holds an Available pool of its match
 * key: that the job took the first of those pools in the order reuse detection ranks them (the
 * one that expires soonest: which pool SageMaker hands over is not documented; poolwarden's
 * assumption, the pool that expires soonest, is named in poolChoice.ts).
 * The start event does not say which pool the job took, and the pool's own Available -> Reused
 * move fires no event; only DescribeTrainingJob of the pool's job tells (Reused, ReusedByJob).
 * Instead of that describe at every warm start, the pool is marked taken by the job (it stays in
 * the ledger's Available index, left alone by the policy, the expiry looks and warnings, and
 * offered to no other job), the reuse is linked on the job and told as a describe would have told
 * it, and the next reconcile's listing, which carries every recent job's WarmPoolStatus at no
 * extra call, confirms or corrects it:
 * - the listing shows the pool Reused by that job: confirmed, recorded Reused from the listing;
 * - Reused by another job, Terminated, or still Available: wrong; the link is taken back, the
 *   pool recorded as SageMaker shows it (an Available one is managed by the policy again), and the
 *   miss counted (ReusesPresumedWrongly);
 * - not covered by the listing (an extended pool older than its window): described, as before.
 * Why it is safe: until that reconcile, a wrong presumption leaves one pool unmanaged, as a lost
 * end event would, and the reconcile period counts a marked pool's idle cost like a running dear
 * job's (stretchLimitMs) so the wait stays within the lost-end budget. An operator who does not
 * trust it turns it off (POOLWARDEN_PRESUME_REUSE=false): each warm start then describes its
 * candidates, as before.
 */
export const PRESUMES_SOONEST_EXPIRING_POOL_TAKEN = ASSUMED_POOL_CHOICE === 'soonest-expiring';

/** Whether the pool is marked taken by a job whose reuse the next listing has yet to confirm. */
export const isPresumedTaken = (record: JobRecord): boolean =>
  record.pool?.status === 'Available' && record.pool.presumedTakenBy !== undefined;

/**
 * Whether `candidate`, the first pool reuse detection offers `job`, may be presumed taken by it:
 * a job whose cluster can take a pool at all (not spot, not heterogeneous), and a pool Available
 * since a known instant no later than the job's creation, not marked by another job, and with no
 * action in flight or stop accepted (SageMaker may have released it: described).
 */
export const mayPresume = (candidate: JobRecord, job: JobSnapshot): boolean => {
  if (!mayUseWarmPools(job)) return false;
  const pool = candidate.pool;
  if (!pool || !isAvailableAtRest(candidate) || pool.availableSinceMs === undefined) return false;
  if (pool.presumedTakenBy !== undefined && pool.presumedTakenBy !== job.name) return false;
  return pool.availableSinceMs <= job.createdAtMs;
};

/**
 * What DescribeTrainingJob of the pool's job would show once `job` took it: Reused by the job,
 * billed for the whole seconds it sat Available until the job was created (SageMaker hands the
 * pool over at CreateTrainingJob; ResourceRetainedBillableTimeInSeconds as the local emulator
 * bills it).
 */
export const presumedObservation = (pool: PoolState, job: JobSnapshot): WarmPoolObservation => ({
  status: 'Reused',
  reusedByJob: job.name,
  billableSeconds:
    presumedBillableSeconds({ ...pool, presumedTakenBy: job.name, presumedAtMs: job.createdAtMs }) ?? 0,
});

/**
 * The idle seconds a marked pool's presumption told (presumedObservation, from the pool's own
 * record: it keeps when the job presumed to take it was created); undefined when the pool is not
 * marked. A confirmation tells nothing new, whatever SageMaker billed (observeDescription.ts).
 */
export const presumedBillableSeconds = (pool: PoolState): number | undefined =>
  pool.presumedTakenBy === undefined || pool.presumedAtMs === undefined || pool.availableSinceMs === undefined
    ? undefined
    : Math.max(0, Math.floor((pool.presumedAtMs - pool.availableSinceMs) / 1000));

/**
 * What SageMaker's word on a marked pool makes of the presumption: `confirmed` when it shows the
 * pool Reused by the job presumed; `wrong` when it shows it Available, Terminated or Reused by
 * another job; `unsettled` when its answer tells nothing yet (Reused with no job named).
 */
export const presumptionVerdict = (
  presumedTakenBy: string,
  seen: Pick<WarmPoolObservation, 'status' | 'reusedByJob'>,
): 'confirmed' | 'wrong' | 'unsettled' => {
  if (seen.status === 'Reused')
    return seen.reusedByJob === undefined
      ? 'unsettled'
      : seen.reusedByJob === presumedTakenBy
        ? 'confirmed'
        : 'wrong';
  return seen.status === 'InUse' ? 'unsettled' : 'wrong';
};

/**
 * Whether an owner may still take the pool at `nowMs`: at rest, not presumed taken by a starting
 * job, not past its expiry. Only of such a pool is an "available" or an expiry warning still true.
 */
export const isStillOffered = (record: JobRecord, nowMs: number): boolean =>
  isAvailableAtRest(record) &&
  !isPresumedTaken(record) &&
  (record.pool?.expiresAtMs === undefined || record.pool.expiresAtMs > nowMs);
