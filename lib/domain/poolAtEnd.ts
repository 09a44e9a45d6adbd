import { expiryAfterJobEnd, type KeepAliveLimits } from './keepAlive';
import type { TrainingJobStatus } from './trainingJob';

/**
 * ASSUMPTION (unconfirmed by any public source): when a job's end event carries
 * ResourceConfig.KeepAlivePeriodInSeconds, it is the keep-alive DescribeTrainingJob would
 * answer. The documented sample's ResourceConfig and the schema registry list only
 * InstanceCount, InstanceType and VolumeSizeInGb, so a real event may lack it: then the end is
 * described, as it is whenever this is false. The local emulator's events carry it.
 */
export const END_EVENT_KEEP_ALIVE_IS_THE_JOBS: boolean = true;

/**
 * How old an end may be, when its event is handled, for its pool to be recorded Available from
 * the event. Past it the end is described. A pool can only be taken by a matching job created
 * after the end, and such a job's start event travels as this end event does: an end event on
 * time (the catch-up listings leave an end this young to its event, lib/app/listingPace.ts)
 * leaves a taker only seconds in which to have been created unseen, and that taker's own start
 * event then finds the pool Available in the ledger and describes it (reuse detection). An end
 * event later than this may have let the pool be taken, or be stopped by someone else, unseen.
 */
export const POOL_AT_END_FRESH_MS = 20_000;

export interface EndFacts {
  readonly status: TrainingJobStatus;
  /** From the end event; absent when the event did not carry it. */
  readonly keepAliveSeconds?: number;
  readonly endedAtMs?: number;
  readonly spot: boolean;
  readonly heterogeneous: boolean;
  /**
   * The chain's birth when the job ran on a pool it took over (linked from its start, still
   * InUse in the ledger). Such a pool is already held: no warm pool quota is asked of it again,
   * and it is Available for this job's keep-alive once the job completes.
   */
  readonly heldPoolBornAtMs?: number;
  /**
   * A job of the same match key that the ledger holds running, not linked to another pool and
   * not started before this end: it may have taken this pool already.
   */
  readonly possibleTaker: boolean;
}

export type PoolAtEnd =
  | { readonly kind: 'available'; readonly availableSinceMs: number; readonly keepAliveSeconds: number }
  | { readonly kind: 'describe'; readonly why: string };

/**
 * Whether an end event alone says the job's pool is Available, without DescribeTrainingJob.
 * Only the documented case is taken from the event: a job that ran on a pool it took over and
 * completed with a keep-alive leaves that pool Available for its own keep-alive. Stops, failures
 * and a job's first pool (which needs the instance type's warm pool quota, which nothing in the
 * ledger tells) are described, as is anything the event cannot vouch for.
 */
export const poolAtEnd = (facts: EndFacts, nowMs: number, limits: KeepAliveLimits): PoolAtEnd => {
  const describe = (why: string): PoolAtEnd => ({ kind: 'describe', why });
  if (!END_EVENT_KEEP_ALIVE_IS_THE_JOBS) return describe('the end event is not trusted for the keep-alive');
  if (facts.status !== 'Completed') return describe('not a completed job');
  if (facts.spot || facts.heterogeneous) return describe('spot and heterogeneous clusters keep no pool');
  const { keepAliveSeconds, endedAtMs, heldPoolBornAtMs } = facts;
  if (keepAliveSeconds === undefined) return describe('the event carries no keep-alive');
  if (keepAliveSeconds <= 0) return describe('no keep-alive');
  if (endedAtMs === undefined) return describe('the event carries no end time');
  if (heldPoolBornAtMs === undefined) return describe('the job held no pool: a new one needs quota');
  if (nowMs - endedAtMs > POOL_AT_END_FRESH_MS) return describe('the end is not fresh');
  const expiresAtMs = expiryAfterJobEnd(endedAtMs, keepAliveSeconds, heldPoolBornAtMs, limits);
  if (expiresAtMs <= endedAtMs) return describe('the pool reached its lifetime cap');
  if (expiresAtMs <= nowMs) return describe('the pool may have expired');
  if (facts.possibleTaker) return describe('a matching job started since may have taken the pool');
  return { kind: 'available', availableSinceMs: endedAtMs, keepAliveSeconds };
};
