import type { JobRecord, NearMiss, PendingAction, PoolBirth, PoolState } from '../domain/jobRecord';
import type { JobSnapshot } from '../domain/trainingJob';
import type { NoPool } from '../domain/warmPool';

export type SnapshotWrite =
  /** `previous` is the snapshot this write replaced, if any. */
  | { readonly kind: 'recorded'; readonly record: JobRecord; readonly previous?: JobSnapshot }
  /** The ledger already holds a newer state of this job; nothing was written. */
  | { readonly kind: 'stale'; readonly record: JobRecord };

/** The outcome of observePool: whether the state moved forward, and the pool as now stored. */
export interface PoolWrite {
  readonly applied: boolean;
  readonly pool: PoolState;
}

/**
 * What became of a job's pool at its end, recorded with the end itself: its state as SageMaker
 * described it, why it got none, or nothing to say (no keep-alive asked, or no description).
 */
export type EndOutcome =
  | {
      readonly kind: 'pool';
      readonly pool: PoolState;
      /**
       * The presumption mark (presumeReuse) the caller saw on the pool, if any: as observePool's
       * `record.pool`, a marked pool leaves Available only when this is its mark.
       */
      readonly seenMark?: string;
    }
  | { readonly kind: 'no-pool'; readonly noPool: NoPool }
  | { readonly kind: 'none' };

export type EndWrite =
  /**
   * `record` as now stored; `pool`, for a pool outcome, as observePool would answer (applied
   * false: the ledger already held the pool at that state or further, and that pool stays).
   */
  | {
      readonly kind: 'recorded';
      readonly record: JobRecord;
      readonly previous?: JobSnapshot;
      readonly pool?: PoolWrite;
    }
  /** The ledger already holds a newer state of this job: nothing was written, the pool neither. */
  | { readonly kind: 'stale'; readonly record: JobRecord };

export interface KeepAliveChange {
  readonly keepAliveSeconds: number;
  readonly expiresAtMs: number;
  readonly stoppedBy?: string;
  /** An extend that carries the rest of a click's plan: auto-stop held off until then. */
  readonly heldUntilMs?: number;
}

/**
 * The pool's end and hold as a caller read them before deciding: a claim is refused when either
 * changed since (a click's extend or hold landed after a sweep read the pool).
 */
export type PoolAsRead = Pick<PoolState, 'expiresAtMs' | 'heldUntilMs'>;

export interface Page<T> {
  readonly items: readonly T[];
  readonly cursor?: string;
}

/**
 * The record of every job and warm pool. Every write is one conditional single-item write,
 * safe to repeat and safe in any order.
 */
export interface Ledger {
  getJob(name: string): Promise<JobRecord | undefined>;
  /** The records of these jobs that exist, in no particular order (a batch read). */
  getJobs(names: readonly string[]): Promise<JobRecord[]>;
  /**
   * Writes the job's facts unless a newer snapshot is already recorded. `endEventAtMs`: the
   * snapshot is an end event that arrived then; written with it unless an earlier arrival is
   * recorded (see recordEndEvent).
   */
  recordSnapshot(snapshot: JobSnapshot, endEventAtMs?: number): Promise<SnapshotWrite>;
  /**
   * A job's terminal snapshot and its pool's outcome together, so that no crash leaves the job
   * recorded as ended (out of the running index) with its pool unknown (in no index either). The
   * snapshot applies as recordSnapshot's, the pool as observePool's: when the ledger already
   * holds the pool at that state or further, or holds it Available under a presumption mark the
   * caller did not see (`seenMark`), the snapshot is written alone and the pool stays (its caller
   * settles the mark, then observes the pool: the end is recorded either way, and the pool in the
   * Available index is in one the sweep reads). A stale snapshot writes nothing.
   */
  recordEnd(snapshot: JobSnapshot, outcome: EndOutcome, endEventAtMs?: number): Promise<EndWrite>;
  /**
   * When the job's end event arrived, though its snapshot was stale (a listing recorded the end
   * first, or this is a copy): kept only if no arrival is recorded, so the first one stays. One
   * conditional write; a job the ledger never heard of is left alone.
   */
  recordEndEvent(name: string, atMs: number): Promise<void>;
  /**
   * Moves the job's pool forward; a state of lower rank than the recorded one is ignored. The
   * pool's birth is never overwritten (see linkReuse), so callers read it from the result.
   * Seeing an Available pool still Available refreshes only when it was observed. A pool marked
   * presumed taken (presumeReuse) leaves Available only when `record.pool` carries that mark (its
   * caller settled the presumption); otherwise nothing is written and the stored pool, mark and
   * all, is returned.
   */
  observePool(record: JobRecord, state: PoolState): Promise<PoolWrite>;
  /**
   * Brings an Available pool's predicted end earlier to `expiresAtMs`, never later: the lifetime
   * cap of a chain whose birth the end's write did not know (ingestJobEvent.ts). One conditional
   * write; false when the pool is not Available or already ends by then. A pool marked presumed
   * taken is capped too: the cap is true of it whatever the listing finds, and counts again only
   * if the presumption proves wrong and the pool is managed again.
   */
  capExpiry(name: string, expiresAtMs: number): Promise<boolean>;
  /**
   * Records that `toJob` took over the pool `fromJob` left, and carries the pool's birth down the
   * chain. A job linked to another pool only by presumption (that pool still Available and marked
   * taken by it: presumeReuse) is linked to this one instead, with this birth: SageMaker's word wins.
   * `lifetimeEndsAtMs` is that birth's lifetime cap (keepAlive.ts lifetimeEndMs): an Available pool
   * of `toJob` or down the chain is brought to end no later (as capExpiry), since its end was
   * predicted from the later birth it knew.
   */
  linkReuse(fromJob: string, toJob: string, birth: PoolBirth, lifetimeEndsAtMs: number): Promise<void>;
  /**
   * Marks `poolOf`'s pool presumed taken by `byJob` (reusePresumption.ts), leaving it in the
   * Available index: refused unless it is Available, no action is pending on it, and it is not
   * marked by another job (marking it again for the same job applies). `createdAtMs`: when that
   * job was created, the instant SageMaker hands a pool over.
   */
  presumeReuse(poolOf: string, byJob: string, createdAtMs: number): Promise<boolean>;
  /** Takes back the mark `byJob` left on `poolOf`'s pool: the pool is managed again. False when it bore no such mark. */
  withdrawPresumption(poolOf: string, byJob: string): Promise<boolean>;
  /**
   * Takes back a presumed link: `toJob` no longer reuses `fromJob`'s pool (only while that is the
   * link recorded), and the pool state the link wrote is undone: the placeholder of a job still
   * running is removed, and an ended job's pool is born again at its own end.
   */
  unlinkPresumedReuse(toJob: string, fromJob: string): Promise<boolean>;
  recordNoPool(name: string, noPool: NoPool): Promise<void>;
  /**
   * After a successful UpdateTrainingJob: the keep-alive set and the expiry it implies (0 and
   * `stoppedBy` for a stop). Applies only while the ledger holds the pool as Available and, given
   * `intentKey`, only while that intent is still the pending one (two finishers of one intent
   * record it once; a newer intent is never cleared by an older one's). Clears the pending action.
   */
  recordKeepAlive(name: string, change: KeepAliveChange, intentKey?: string): Promise<boolean>;
  /**
   * Records an action before SageMaker is asked (intent before action), and claims the pool for
   * it: refused unless the pool is Available, not presumed taken, and no other action is pending, or the pending one
   * started before `leaseStartMs` (its caller is gone), and unless the pool's end and hold are
   * still as `asRead`. Two copies of one request act once.
   */
  beginAction(
    name: string,
    action: PendingAction,
    leaseStartMs: number,
    asRead: PoolAsRead,
  ): Promise<boolean>;
  /**
   * Marks the pending action with this key as given up by its invocation (its outcome is
   * unknown): it stays, claiming the pool, until someone asks SageMaker and finishes it.
   */
  markActionUnknown(name: string, dedupeKey: string, atMs: number): Promise<void>;
  /** Clears the pending action with this key, whatever became of it: false when it was no longer pending. */
  endAction(name: string, dedupeKey: string): Promise<boolean>;
  /**
   * A person asked to keep the pool until `untilMs`. Applies only while Available and no action
   * claimed since `leaseStartMs` is in flight (one given up as unknown is not): a stop between
   * its claim and SageMaker would end the pool the person was told is kept.
   */
  holdPool(name: string, untilMs: number, leaseStartMs: number): Promise<boolean>;
  /** Ignored once the job is known to have reused a pool. */
  recordNearMiss(name: string, nearMiss: NearMiss): Promise<void>;
  availableByMatchKey(matchKey: string): Promise<JobRecord[]>;
  availableByOwner(owner: string): Promise<JobRecord[]>;
  /** Available pools, soonest expiry first, a page at a time. */
  availablePools(limit: number, cursor?: string): Promise<Page<JobRecord>>;
  /** Jobs whose last recorded snapshot is not terminal (InProgress, Stopping), oldest first. */
  runningJobs(limit: number, cursor?: string): Promise<Page<JobRecord>>;
  /** Jobs submitted on one UTC day (yyyy-mm-dd), oldest submission first, a page at a time: history for reports. */
  jobsSubmittedOn(day: string, limit: number, cursor?: string): Promise<Page<JobRecord>>;
}
