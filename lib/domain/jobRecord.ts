import type { CriterionDifference } from './matchKey';
import type { JobSnapshot } from './trainingJob';
import type { NoPool, WarmPoolStatus } from './warmPool';

/** poolwarden's view of the warm pool a job holds or held, built from SageMaker's answers. */
export interface PoolState {
  readonly status: WarmPoolStatus;
  readonly keepAliveSeconds?: number;
  readonly availableSinceMs?: number;
  /** Predicted by keepAlive.ts; SageMaker never states it. */
  readonly expiresAtMs?: number;
  /** When the first job of the chain left the pool: the lifetime cap counts from here. */
  readonly bornAtMs?: number;
  /** The pool's id: the name of the chain's first job. Travels with bornAtMs. */
  readonly poolId?: string;
  readonly reusedByJob?: string;
  readonly billableSeconds?: number;
  readonly observedAtMs: number;
  /** Who set the keep-alive to 0 through poolwarden (a policy, an operator, a Slack user). */
  readonly stoppedBy?: string;
  /** A person asked to keep the pool until then: policies treat it like the protect tag. */
  readonly heldUntilMs?: number;
  /**
   * Still Available in the ledger but presumed taken by this job, whose start linked the reuse
   * without a describe; the next reconcile's listing confirms or corrects it (reusePresumption.ts).
   */
  readonly presumedTakenBy?: string;
  /** When that job was created: when SageMaker would have handed the pool over to it. */
  readonly presumedAtMs?: number;
}

/** Where a pool's chain starts: the first job's name and when it left the pool. */
export interface PoolBirth {
  readonly poolId: string;
  readonly bornAtMs: number;
}

/**
 * The birth an observed pool state may give a pool the ledger holds none for: the job's own. A
 * chain's birth comes through a link alone (Ledger.linkReuse), so one a state carries without it
 * came from a record read before that link was taken back (a presumption proved wrong): the pool
 * is then the job's own, born when the job left it. Undefined when the state tells no birth.
 */
export const observedBirth = (name: string, state: PoolState): PoolBirth | undefined => {
  if (state.bornAtMs === undefined) return undefined;
  if (state.poolId === undefined || state.poolId === name) return { poolId: name, bornAtMs: state.bornAtMs };
  return state.availableSinceMs === undefined
    ? undefined
    : { poolId: name, bornAtMs: state.availableSinceMs };
};

export interface NearMiss {
  /** The job whose Available pool this job could have reused. */
  readonly poolOf: string;
  readonly differences: readonly CriterionDifference[];
}

/**
 * An action on a pool recorded before SageMaker is asked to carry it out (intent before
 * action): whoever finds it without an outcome later asks SageMaker what happened and records
 * that, so a crash between the call and the ledger write never loses the decision.
 */
export interface PendingAction {
  readonly dedupeKey: string;
  readonly action: 'extend' | 'stop';
  readonly keepAliveSeconds: number;
  readonly actor: string;
  readonly reason: string;
  readonly rule?: string;
  readonly cause?: string;
  readonly atMs: number;
  /**
   * Set when the invocation that began it gave up without learning what SageMaker did (the
   * outcome "unknown"): it is no longer working on it, so whoever finds it finishes it at once
   * by asking SageMaker, without waiting for the lease to run out.
   */
  readonly unknownSinceMs?: number;
  /** Where the person who asked for it waits for the outcome (a Slack click's response_url). */
  readonly replyTo?: string;
  /**
   * The keep-alive the pool had when the action was decided: SageMaker showing the one asked is
   * proof that it took the update only when that differs from this (intentOutcome.ts). Absent on
   * items written before it was recorded.
   */
  readonly previousKeepAliveSeconds?: number;
  /**
   * The rest of a click's plan: once the extend is applied, auto-stop is held off until then, in
   * the same write, whoever finishes it (a sweep finishing a click SageMaker answered too late).
   */
  readonly holdUntilMs?: number;
}

/** One training job as the ledger knows it. A job seen only as a reuser may lack its snapshot. */
export interface JobRecord {
  readonly name: string;
  readonly job?: JobSnapshot;
  readonly pool?: PoolState;
  /** The job whose pool this job took over. */
  readonly reusedPoolOf?: string;
  readonly noPool?: NoPool;
  readonly nearMiss?: NearMiss;
  /** An extend or stop asked of SageMaker whose outcome is not recorded yet. */
  readonly pendingAction?: PendingAction;
  /**
   * When the job's end event first reached poolwarden, by the event handler's clock, even if a
   * listing had recorded the end before it: whether the end events run on time (listingPace.ts).
   * Absent: no end event has come.
   */
  readonly endEventAtMs?: number;
}

/**
 * Whether poolwarden stopped the pool (SageMaker accepted keep-alive 0) while the ledger still
 * holds it Available: its end, and what it was billed, wait for SageMaker's next answer. The pool
 * is released: an extend would be refused and a warning would be wrong.
 */
export const isStopping = (record: JobRecord): boolean =>
  record.pool?.status === 'Available' &&
  record.pool.stoppedBy !== undefined &&
  record.pendingAction === undefined;

/** Whether the pool is Available with nothing under way on it: no action in flight, no stop accepted. */
export const isAvailableAtRest = (record: JobRecord): boolean =>
  record.pool?.status === 'Available' && record.pendingAction === undefined && !isStopping(record);
