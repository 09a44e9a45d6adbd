import type { JobRecord, NearMiss, PendingAction, PoolState } from '../../domain/jobRecord';
import type { JobSnapshot } from '../../domain/trainingJob';
import type { NoPool, WarmPoolStatus } from '../../domain/warmPool';

/** A job item as stored: the pool's fields are top-level so conditions and indexes can use them. */
export interface JobItem {
  readonly pk: string;
  readonly sk: string;
  readonly name: string;
  readonly job?: JobSnapshot;
  readonly lastModifiedMs?: number;
  readonly statusRank?: number;
  readonly poolStatus?: WarmPoolStatus;
  readonly poolRank?: number;
  readonly poolObservedAtMs?: number;
  readonly keepAliveSeconds?: number;
  readonly availableSinceMs?: number;
  readonly expiresAtMs?: number;
  readonly bornAtMs?: number;
  readonly poolId?: string;
  readonly reusedByJob?: string;
  readonly billableSeconds?: number;
  readonly stoppedBy?: string;
  readonly heldUntilMs?: number;
  readonly presumedTakenBy?: string;
  readonly presumedAtMs?: number;
  readonly reusedPoolOf?: string;
  readonly noPool?: NoPool;
  readonly nearMiss?: NearMiss;
  readonly pendingAction?: PendingAction;
  readonly endEventAtMs?: number;
}

/** The object without its undefined values: the keys that may be undefined become optional. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

const defined = <T extends object>(value: T): Defined<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;

const poolOf = (item: JobItem): PoolState | undefined =>
  item.poolStatus === undefined
    ? undefined
    : defined({
        status: item.poolStatus,
        observedAtMs: item.poolObservedAtMs ?? 0,
        keepAliveSeconds: item.keepAliveSeconds,
        availableSinceMs: item.availableSinceMs,
        expiresAtMs: item.expiresAtMs,
        bornAtMs: item.bornAtMs,
        poolId: item.poolId,
        reusedByJob: item.reusedByJob,
        billableSeconds: item.billableSeconds,
        stoppedBy: item.stoppedBy,
        heldUntilMs: item.heldUntilMs,
        presumedTakenBy: item.presumedTakenBy,
        presumedAtMs: item.presumedAtMs,
      });

export const recordFromItem = (item: JobItem): JobRecord =>
  defined({
    name: item.name,
    job: item.job,
    pool: poolOf(item),
    reusedPoolOf: item.reusedPoolOf,
    noPool: item.noPool,
    nearMiss: item.nearMiss,
    pendingAction: item.pendingAction,
    endEventAtMs: item.endEventAtMs,
  });

/** The pool fields of an item, by attribute name, for an update. */
export const poolAttributes = (state: PoolState): Record<string, unknown> =>
  defined({
    poolStatus: state.status,
    poolObservedAtMs: state.observedAtMs,
    keepAliveSeconds: state.keepAliveSeconds,
    availableSinceMs: state.availableSinceMs,
    expiresAtMs: state.expiresAtMs,
    bornAtMs: state.bornAtMs,
    poolId: state.poolId,
    reusedByJob: state.reusedByJob,
    billableSeconds: state.billableSeconds,
    stoppedBy: state.stoppedBy,
    heldUntilMs: state.heldUntilMs,
    presumedTakenBy: state.presumedTakenBy,
    presumedAtMs: state.presumedAtMs,
  });
