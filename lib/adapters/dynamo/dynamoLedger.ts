import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { historyDay } from '../../domain/historyDay';
import {
  type JobRecord,
  type NearMiss,
  observedBirth,
  type PendingAction,
  type PoolBirth,
  type PoolState,
} from '../../domain/jobRecord';
import { isTerminal, type JobSnapshot, statusRank, supersedes } from '../../domain/trainingJob';
import type { NoPool } from '../../domain/warmPool';
import { poolRank } from '../../domain/warmPool';
import type {
  EndOutcome,
  EndWrite,
  KeepAliveChange,
  Ledger,
  Page,
  PoolAsRead,
  PoolWrite,
  SnapshotWrite,
} from '../../ports/ledger';
import { type ByExpiryRiders, isRider } from './byExpiryRiders';
import {
  appliedIf,
  decodeCursor,
  encodeCursor,
  isConditionFailure,
  RETURN_ITEM_WHEN_REFUSED,
  refusedItem,
} from './conditions';
import { type JobItem, poolAttributes, recordFromItem } from './jobItem';
import {
  AVAILABLE_PARTITION,
  historyTtl,
  INDEX,
  jobKey,
  KEY,
  RUNNING_PARTITION,
  TTL_ATTRIBUTE,
} from './tableDesign';
import { DEFAULT_UNPROCESSED_RETRY, sendUntilProcessed, type UnprocessedRetry } from './unprocessedRetry';
import { buildUpdate } from './updateExpression';

/** SageMaker named a second predecessor for a job that already has one: the ledger will not guess. */
export class ReuseConflictError extends Error {
  constructor(
    readonly job: string,
    readonly recordedPredecessor: string,
    readonly newPredecessor: string,
  ) {
    super(`job ${job} is recorded as reusing the pool of ${recordedPredecessor}, not ${newPredecessor}`);
    this.name = 'ReuseConflictError';
  }
}

const BATCH_GET_KEYS = 100;

/**
 * refreshObservation's condition, in DynamoDB's words and in TypeScript's side by side: the pool
 * is still Available and was seen earlier. The TypeScript one spares a write the item a refusal
 * returned already refuses; the write checks the expression again.
 */
const REFRESH_CONDITION =
  'poolStatus = :available AND (attribute_not_exists(poolObservedAtMs) OR poolObservedAtMs < :at)';
const refreshes = (item: JobItem, observedAtMs: number): boolean =>
  item.poolStatus === 'Available' &&
  (item.poolObservedAtMs === undefined || item.poolObservedAtMs < observedAtMs);

/** A snapshot write's condition: the ledger's rule (`supersedes`) in DynamoDB's words. */
const SNAPSHOT_CONDITION =
  'attribute_not_exists(lastModifiedMs) OR lastModifiedMs < :lm OR (lastModifiedMs = :lm AND statusRank <= :rank)';

/** A pool write's condition: the state moves the recorded one forward. */
const POOL_CONDITION = 'attribute_not_exists(poolRank) OR poolRank < :poolRank';

/**
 * A write taking a pool out of Available also needs the caller to have seen any presumption mark
 * on it (Ledger.observePool): none, or the one it saw (`:mark`). A pool becoming Available was
 * never marked.
 */
const SETTLED_CONDITION = 'attribute_not_exists(presumedTakenBy)';
const SETTLED_BY_SEEN_MARK = '(attribute_not_exists(presumedTakenBy) OR presumedTakenBy = :mark)';

/** Whether a write of `state` would take the item's pool from under a mark its caller did not see. */
const markUnseen = (item: JobItem, state: PoolState, seenMark: string | undefined): boolean =>
  state.status !== 'Available' && item.presumedTakenBy !== undefined && item.presumedTakenBy !== seenMark;

/** The pieces of one update, to be combined with others into one write. */
interface Parts {
  readonly set: Record<string, unknown>;
  readonly remove: readonly string[];
  readonly names: Record<string, string>;
  readonly values: Record<string, unknown>;
  readonly setClauses: readonly string[];
}

/** A pool write's pieces, with the condition they are written under. */
interface PoolParts extends Parts {
  readonly condition: string;
}

/** A snapshot's attributes, with the indexes it enters or leaves; the values SNAPSHOT_CONDITION names. */
const snapshotParts = (snapshot: JobSnapshot, endEventAtMs: number | undefined): Parts => {
  // Snapshots only move forward, so the newest one decides whether the job is in byRunning.
  const ended = isTerminal(snapshot.status);
  // The first arrival of an end event stays: a copy or a retry is not when the event came.
  const arrival = endEventAtMs !== undefined;
  return {
    set: {
      name: snapshot.name,
      job: snapshot,
      lastModifiedMs: snapshot.lastModifiedMs,
      statusRank: statusRank(snapshot.status),
      [INDEX.byDay.partition]: historyDay(snapshot.createdAtMs),
      [INDEX.byDay.sort]: snapshot.createdAtMs,
      [TTL_ATTRIBUTE]: historyTtl(snapshot.createdAtMs),
      ...(ended ? {} : { [INDEX.byRunning.partition]: RUNNING_PARTITION }),
    },
    remove: ended ? [INDEX.byRunning.partition] : [],
    names: arrival ? { '#arrived': 'endEventAtMs' } : {},
    values: {
      ':lm': snapshot.lastModifiedMs,
      ':rank': statusRank(snapshot.status),
      ...(arrival ? { ':arrived': endEventAtMs } : {}),
    },
    setClauses: arrival ? ['#arrived = if_not_exists(#arrived, :arrived)'] : [],
  };
};

/** The record a snapshot write that applied leaves, from the item before it (ALL_OLD). */
const snapshotRecorded = (
  snapshot: JobSnapshot,
  endEventAtMs: number | undefined,
  before: JobItem | undefined,
): Extract<SnapshotWrite, { kind: 'recorded' }> => {
  const old = before ? recordFromItem(before) : { name: snapshot.name };
  const arrived = old.endEventAtMs ?? endEventAtMs;
  return {
    kind: 'recorded',
    record: {
      ...old,
      name: snapshot.name,
      job: snapshot,
      ...(arrived !== undefined ? { endEventAtMs: arrived } : {}),
    },
    ...(old.job ? { previous: old.job } : {}),
  };
};

/** The snapshot an item holds, as SNAPSHOT_CONDITION reads it. */
const snapshotOf = (item: JobItem) =>
  item.lastModifiedMs === undefined || item.statusRank === undefined
    ? undefined
    : { lastModifiedMs: item.lastModifiedMs, statusRank: item.statusRank };

/**
 * A pool state's attributes, with the indexes an Available pool is in, and the condition it is
 * written under (POOL_CONDITION, and for a pool leaving Available the mark `seenMark` settled).
 * The pool's birth only ever moves earlier, and only through linkReuse: a state built from a
 * record read before a link must not undo it.
 */
const poolParts = (
  record: Pick<JobRecord, 'name' | 'job'>,
  state: PoolState,
  seenMark: string | undefined,
): PoolParts => {
  const available = state.status === 'Available';
  const indexed: Record<string, unknown> = {};
  if (available) {
    indexed[INDEX.byExpiry.partition] = AVAILABLE_PARTITION;
    if (record.job) indexed[INDEX.byMatchKey.partition] = record.job.matchKey;
    if (record.job?.owner) indexed[INDEX.byOwner.partition] = record.job.owner;
  }
  // A mark is written by presumeReuse alone: one a state carries over from its record is not.
  const {
    bornAtMs: _born,
    poolId: _poolId,
    presumedTakenBy: _mark,
    presumedAtMs: _markedAt,
    ...attributes
  } = poolAttributes(state);
  const birth = observedBirth(record.name, state);
  const mark = !available && seenMark !== undefined ? { ':mark': seenMark } : {};
  return {
    set: { name: record.name, ...attributes, poolRank: poolRank(state.status), ...indexed },
    // Leaving Available settles any presumption on the pool (reusePresumption.ts): its mark goes.
    remove: available
      ? []
      : [
          INDEX.byExpiry.partition,
          INDEX.byMatchKey.partition,
          INDEX.byOwner.partition,
          'presumedTakenBy',
          'presumedAtMs',
        ],
    names: {},
    values:
      birth === undefined
        ? { ':poolRank': poolRank(state.status), ...mark }
        : {
            ':poolRank': poolRank(state.status),
            ':born': birth.bornAtMs,
            ':poolId': birth.poolId,
            ...mark,
          },
    setClauses:
      birth === undefined
        ? []
        : ['bornAtMs = if_not_exists(bornAtMs, :born)', 'poolId = if_not_exists(poolId, :poolId)'],
    condition: available
      ? POOL_CONDITION
      : `(${POOL_CONDITION}) AND ${seenMark === undefined ? SETTLED_CONDITION : SETTLED_BY_SEEN_MARK}`,
  };
};

/** The pool a write of `state` that applied leaves, from the item before it: its birth kept (poolParts). */
const movedPool = (name: string, before: JobItem | undefined, state: PoolState): PoolState => {
  const old = before ? recordFromItem(before).pool : undefined;
  const {
    bornAtMs: _born,
    poolId: _poolId,
    presumedTakenBy: _told,
    presumedAtMs: _toldAt,
    ...observed
  } = state;
  const { presumedTakenBy: _mark, presumedAtMs: _markedAt, ...kept } = old ?? {};
  const birth = old?.bornAtMs === undefined ? observedBirth(name, state) : undefined;
  const bornAtMs = old?.bornAtMs ?? birth?.bornAtMs;
  const poolId = old?.poolId ?? birth?.poolId;
  return {
    ...(state.status === 'Available' ? old : kept),
    ...observed,
    ...(bornAtMs !== undefined ? { bornAtMs } : {}),
    ...(poolId !== undefined ? { poolId } : {}),
  };
};

export class DynamoLedger implements Ledger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly unprocessedRetry: UnprocessedRetry = DEFAULT_UNPROCESSED_RETRY,
    /** Where the riders of byExpiry (byExpiryRiders.ts) this ledger reads are told; absent: dropped. */
    private readonly riders?: ByExpiryRiders,
  ) {}

  async getJob(name: string): Promise<JobRecord | undefined> {
    const item = await this.getJobItem(name);
    return item ? recordFromItem(item) : undefined;
  }

  private async getJobItem(name: string): Promise<JobItem | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: jobKey(name), ConsistentRead: true }),
    );
    return Item as JobItem | undefined;
  }

  async getJobs(names: readonly string[]): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    // BatchGetItem takes 100 keys; what it leaves unprocessed (throttling) is asked again, after
    // a backoff (unprocessedRetry.ts), a bounded number of times.
    for (let start = 0; start < names.length; start += BATCH_GET_KEYS) {
      const keys = [...new Set(names.slice(start, start + BATCH_GET_KEYS))].map(jobKey);
      await sendUntilProcessed<Record<string, unknown>>(
        this.unprocessedRetry,
        this.tableName,
        'BatchGetItem',
        keys,
        async (pending) => {
          const out: BatchGetCommandOutput = await this.client.send(
            new BatchGetCommand({
              RequestItems: { [this.tableName]: { Keys: [...pending], ConsistentRead: true } },
            }),
          );
          for (const item of out.Responses?.[this.tableName] ?? [])
            records.push(recordFromItem(item as JobItem));
          return out.UnprocessedKeys?.[this.tableName]?.Keys;
        },
      );
    }
    return records;
  }

  async recordSnapshot(snapshot: JobSnapshot, endEventAtMs?: number): Promise<SnapshotWrite> {
    const parts = snapshotParts(snapshot, endEventAtMs);
    try {
      // ALL_OLD tells whether this job had a snapshot before; the new record is the old one plus this write.
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(snapshot.name),
          ...buildUpdate(parts.set, parts.remove, parts),
          ConditionExpression: SNAPSHOT_CONDITION,
          ReturnValues: 'ALL_OLD',
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      return snapshotRecorded(snapshot, endEventAtMs, Attributes as JobItem | undefined);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.currentJob(snapshot.name, error);
      if (!current) throw error;
      return { kind: 'stale', record: current };
    }
  }

  async recordEnd(snapshot: JobSnapshot, outcome: EndOutcome, endEventAtMs?: number): Promise<EndWrite> {
    if (outcome.kind === 'none') return this.recordSnapshot(snapshot, endEventAtMs);
    const job = snapshotParts(snapshot, endEventAtMs);
    const pool =
      outcome.kind === 'pool'
        ? poolParts({ name: snapshot.name, job: snapshot }, outcome.pool, outcome.seenMark)
        : undefined;
    const set = {
      ...job.set,
      ...pool?.set,
      ...(outcome.kind === 'no-pool' ? { noPool: outcome.noPool } : {}),
    };
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(snapshot.name),
          ...buildUpdate(set, [...job.remove, ...(pool?.remove ?? [])], {
            names: job.names,
            values: { ...job.values, ...pool?.values },
            setClauses: [...job.setClauses, ...(pool?.setClauses ?? [])],
          }),
          ConditionExpression: pool ? `(${SNAPSHOT_CONDITION}) AND (${pool.condition})` : SNAPSHOT_CONDITION,
          ReturnValues: 'ALL_OLD',
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      const before = Attributes as JobItem | undefined;
      const written = snapshotRecorded(snapshot, endEventAtMs, before);
      if (outcome.kind === 'no-pool')
        return { ...written, record: { ...written.record, noPool: outcome.noPool } };
      const moved = movedPool(snapshot.name, before, outcome.pool);
      return { ...written, record: { ...written.record, pool: moved }, pool: { applied: true, pool: moved } };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const refused = refusedItem<JobItem>(error);
      if (refused && !supersedes(snapshot, snapshotOf(refused)))
        return { kind: 'stale', record: recordFromItem(refused) };
      // The pool is held at that state or further already (or the refusal did not say which
      // condition failed): the snapshot alone, then the pool as observePool has it.
      const write = await this.recordSnapshot(snapshot, endEventAtMs);
      if (write.kind === 'stale') return write;
      if (outcome.kind === 'no-pool') {
        await this.recordNoPool(snapshot.name, outcome.noPool);
        return { ...write, record: { ...write.record, noPool: outcome.noPool } };
      }
      // The item the refusal carried holds the pool as it stands: the snapshot write left it so.
      // Marked by a presumption the caller did not see, the pool stays so: the caller settles it.
      const held =
        refused !== undefined &&
        ((refused.poolRank !== undefined && refused.poolRank >= poolRank(outcome.pool.status)) ||
          markUnseen(refused, outcome.pool, outcome.seenMark));
      const { pool: _stored, ...job } = write.record;
      const seen = outcome.seenMark;
      const observed = held
        ? await this.poolRefused(snapshot.name, outcome.pool, refused)
        : await this.observePool(
            seen !== undefined ? { ...job, pool: { ...outcome.pool, presumedTakenBy: seen } } : job,
            outcome.pool,
          );
      return { ...write, record: { ...write.record, pool: observed.pool }, pool: observed };
    }
  }

  async recordEndEvent(name: string, atMs: number): Promise<void> {
    await appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          // Only a job the ledger holds, and only its first arrival.
          ...buildUpdate({}, [], {
            names: { '#pk': KEY.partition, '#arrived': 'endEventAtMs' },
            values: { ':arrived': atMs },
            setClauses: ['#arrived = :arrived'],
          }),
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#arrived)',
        }),
      ),
    );
  }

  async observePool(record: JobRecord, state: PoolState): Promise<PoolWrite> {
    const update = poolParts(record, state, record.pool?.presumedTakenBy);
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(record.name),
          ...buildUpdate(update.set, update.remove, update),
          ConditionExpression: update.condition,
          ReturnValues: 'ALL_NEW',
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      return { applied: true, pool: recordFromItem(Attributes as JobItem).pool ?? state };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return this.poolRefused(record.name, state, refusedItem<JobItem>(error));
    }
  }

  /**
   * A pool write refused (the pool is at that state or further), given the item it was checked
   * against when the refusal carried it: the pool as it stays, its observation refreshed.
   */
  private async poolRefused(
    name: string,
    state: PoolState,
    refused: JobItem | undefined,
  ): Promise<PoolWrite> {
    let current = refused;
    // Still Available and seen earlier than now: the refresh below applies (it checks again).
    if (state.status === 'Available' && (!current || refreshes(current, state.observedAtMs))) {
      const refreshed = await this.refreshObservation(name, state.observedAtMs);
      if (refreshed.pool) return { applied: false, pool: refreshed.pool };
      current = refreshed.refusedBy;
    }
    const pool = current ? recordFromItem(current).pool : (await this.getJob(name))?.pool;
    return { applied: false, pool: pool ?? state };
  }

  /** The job as the refusal of a conditional write showed it, or as read now when it did not. */
  private async currentJob(name: string, refusal: unknown): Promise<JobRecord | undefined> {
    const item = refusedItem<JobItem>(refusal);
    return item ? recordFromItem(item) : this.getJob(name);
  }

  /**
   * Still Available: only when it was seen moves on, so the sweep does not describe it again too
   * soon. Refused: the item it was checked against, when the refusal carries it.
   */
  private async refreshObservation(
    name: string,
    observedAtMs: number,
  ): Promise<{ pool?: PoolState; refusedBy?: JobItem }> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          UpdateExpression: 'SET poolObservedAtMs = :at',
          ConditionExpression: REFRESH_CONDITION,
          ExpressionAttributeValues: { ':at': observedAtMs, ':available': 'Available' },
          ReturnValues: 'ALL_NEW',
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      const pool = recordFromItem(Attributes as JobItem).pool;
      return pool ? { pool } : {};
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const refusedBy = refusedItem<JobItem>(error);
      return refusedBy ? { refusedBy } : {};
    }
  }

  capExpiry(name: string, expiresAtMs: number): Promise<boolean> {
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          UpdateExpression: 'SET expiresAtMs = :at',
          ConditionExpression: 'poolStatus = :available AND expiresAtMs > :at',
          ExpressionAttributeValues: { ':at': expiresAtMs, ':available': 'Available' },
        }),
      ),
    );
  }

  async linkReuse(fromJob: string, toJob: string, birth: PoolBirth, lifetimeEndsAtMs: number): Promise<void> {
    let linked: JobItem;
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(toJob),
          UpdateExpression:
            'SET #name = :to, reusedPoolOf = :from, poolStatus = if_not_exists(poolStatus, :inUse), poolRank = if_not_exists(poolRank, :inUseRank), bornAtMs = if_not_exists(bornAtMs, :born), poolId = if_not_exists(poolId, :poolId) REMOVE nearMiss',
          ConditionExpression: 'attribute_not_exists(reusedPoolOf) OR reusedPoolOf = :from',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':to': toJob,
            ':from': fromJob,
            ':inUse': 'InUse',
            ':inUseRank': poolRank('InUse'),
            ':born': birth.bornAtMs,
            ':poolId': birth.poolId,
          },
          ReturnValues: 'ALL_NEW',
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      linked = Attributes as JobItem;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.currentJob(toJob, error);
      const presumedOf = current?.reusedPoolOf;
      if (presumedOf && (await this.replacePresumedLink(toJob, presumedOf, fromJob, birth))) {
        await this.capExpiry(toJob, lifetimeEndsAtMs);
        return;
      }
      throw new ReuseConflictError(toJob, presumedOf ?? '(unknown)', fromJob);
    }
    // Learnt out of order: the job already had a later birth of its own, or another chain's id (a
    // wrong presumption's, whose twin may have been born alike); carry this chain's down.
    if (
      (linked.bornAtMs ?? birth.bornAtMs) > birth.bornAtMs ||
      (linked.poolId ?? birth.poolId) !== birth.poolId
    )
      await this.carryBirthDown(linked, birth, lifetimeEndsAtMs);
    else await this.capToLifetime(linked, lifetimeEndsAtMs);
  }

  /** The item's pool, if Available, brought to end by the lifetime end of the birth it now has. */
  private async capToLifetime(item: JobItem | undefined, lifetimeEndsAtMs: number): Promise<void> {
    if (
      item?.poolStatus === 'Available' &&
      item.expiresAtMs !== undefined &&
      item.expiresAtMs > lifetimeEndsAtMs
    )
      await this.capExpiry(item.name, lifetimeEndsAtMs);
  }

  /**
   * `toJob` is linked to `presumedOf`'s pool only by presumption when that pool is still Available
   * and marked taken by it: SageMaker's word (`fromJob`) replaces the link and the birth it carried.
   * Whether it did.
   */
  private async replacePresumedLink(
    toJob: string,
    presumedOf: string,
    fromJob: string,
    birth: PoolBirth,
  ): Promise<boolean> {
    const presumed = (await this.getJob(presumedOf))?.pool;
    if (presumed?.status !== 'Available' || presumed.presumedTakenBy !== toJob) return false;
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(toJob),
          UpdateExpression: 'SET reusedPoolOf = :from, bornAtMs = :born, poolId = :poolId',
          ConditionExpression: 'reusedPoolOf = :presumed',
          ExpressionAttributeValues: {
            ':from': fromJob,
            ':presumed': presumedOf,
            ':born': birth.bornAtMs,
            ':poolId': birth.poolId,
          },
        }),
      ),
    );
  }

  presumeReuse(poolOf: string, byJob: string, atMs: number): Promise<boolean> {
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(poolOf),
          UpdateExpression: 'SET presumedTakenBy = :job, presumedAtMs = if_not_exists(presumedAtMs, :at)',
          ConditionExpression:
            'poolStatus = :available AND attribute_not_exists(pendingAction) AND (attribute_not_exists(presumedTakenBy) OR presumedTakenBy = :job)',
          ExpressionAttributeValues: { ':job': byJob, ':at': atMs, ':available': 'Available' },
        }),
      ),
    );
  }

  withdrawPresumption(poolOf: string, byJob: string): Promise<boolean> {
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(poolOf),
          UpdateExpression: 'REMOVE presumedTakenBy, presumedAtMs',
          ConditionExpression: 'presumedTakenBy = :job',
          ExpressionAttributeValues: { ':job': byJob },
        }),
      ),
    );
  }

  async unlinkPresumedReuse(toJob: string, fromJob: string): Promise<boolean> {
    const unlink = (update: string, condition: string, values: Record<string, unknown> = {}) =>
      appliedIf(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: jobKey(toJob),
            UpdateExpression: update,
            ConditionExpression: `reusedPoolOf = :from AND ${condition}`,
            ExpressionAttributeValues: { ':from': fromJob, ...values },
          }),
        ),
      );
    // Still running: the link's placeholder pool goes with it. Ended with its own pool: that pool
    // was born at the job's end, not with the chain the link carried.
    return (
      (await unlink(
        'REMOVE reusedPoolOf, poolStatus, poolRank, poolObservedAtMs, bornAtMs, poolId',
        'poolStatus = :inUse',
        { ':inUse': 'InUse' },
      )) ||
      (await unlink(
        'SET bornAtMs = availableSinceMs, poolId = :self REMOVE reusedPoolOf',
        'attribute_exists(availableSinceMs)',
        { ':self': toJob },
      )) ||
      (await unlink('REMOVE reusedPoolOf', 'attribute_not_exists(availableSinceMs)'))
    );
  }

  /**
   * The lifetime cap counts from the chain's first job: push the earliest birth time, and the
   * chain's id, down the known chain (a job that holds another chain's id, a wrong presumption's,
   * takes this one's whatever its birth), and bring the end of an Available pool it reaches within
   * that birth's cap.
   *
   * The linked job is written last: until then it keeps the later birth that made its caller
   * carry, so a walk cut short (a crash, a throttled write) is walked again by the link's retry,
   * past the jobs it reached already, rather than stopping at the first of them.
   */
  private async carryBirthDown(linked: JobItem, birth: PoolBirth, lifetimeEndsAtMs: number): Promise<void> {
    const seen = new Set<string>([linked.name]);
    let job = linked.reusedByJob;
    while (job && !seen.has(job)) {
      seen.add(job);
      const carried = await this.carryBirthTo(job, birth, lifetimeEndsAtMs);
      // A job with an earlier birth of its own is past this chain's reach: its own carry goes on.
      if (!carried) break;
      job = carried.reusedByJob;
    }
    await this.carryBirthTo(linked.name, birth, lifetimeEndsAtMs);
  }

  /**
   * The job as it holds `birth` now (written here or before), its pool brought within that
   * birth's lifetime either way (a walk cut short may have written the birth but not the cap),
   * or undefined when it holds an earlier birth.
   */
  private async carryBirthTo(
    job: string,
    birth: PoolBirth,
    lifetimeEndsAtMs: number,
  ): Promise<JobItem | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(job),
          UpdateExpression: 'SET bornAtMs = :born, poolId = :poolId',
          ConditionExpression:
            'attribute_not_exists(bornAtMs) OR bornAtMs > :born OR attribute_not_exists(poolId) OR poolId <> :poolId',
          ExpressionAttributeValues: { ':born': birth.bornAtMs, ':poolId': birth.poolId },
          ReturnValues: 'ALL_NEW',
          ...RETURN_ITEM_WHEN_REFUSED,
        }),
      );
      const carried = Attributes as JobItem;
      await this.capToLifetime(carried, lifetimeEndsAtMs);
      return carried;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = refusedItem<JobItem>(error) ?? (await this.getJobItem(job));
      if (current?.bornAtMs !== birth.bornAtMs || current.poolId !== birth.poolId) return undefined;
      await this.capToLifetime(current, lifetimeEndsAtMs);
      return current;
    }
  }

  async recordNoPool(name: string, noPool: NoPool): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKey(name),
        ...buildUpdate({ noPool }),
      }),
    );
  }

  async recordKeepAlive(name: string, change: KeepAliveChange, intentKey?: string): Promise<boolean> {
    return this.updateWhileAvailable(
      name,
      {
        keepAliveSeconds: change.keepAliveSeconds,
        expiresAtMs: change.expiresAtMs,
        ...(change.stoppedBy ? { stoppedBy: change.stoppedBy } : {}),
        ...(change.heldUntilMs !== undefined ? { heldUntilMs: change.heldUntilMs } : {}),
      },
      ['pendingAction'],
      intentKey === undefined
        ? undefined
        : { condition: 'pendingAction.dedupeKey = :intent', values: { ':intent': intentKey } },
    );
  }

  holdPool(name: string, untilMs: number, leaseStartMs: number): Promise<boolean> {
    // Not while an action is between its claim and SageMaker (a policy's stop in flight): the
    // person would be told "held" for a pool about to be stopped. One given up (unknown) or
    // past its lease is in flight no more.
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          ...buildUpdate({ heldUntilMs: untilMs }, [], {
            values: { ':available': 'Available', ':lease': leaseStartMs },
          }),
          ConditionExpression:
            'poolStatus = :available AND (attribute_not_exists(pendingAction) OR attribute_exists(pendingAction.unknownSinceMs) OR pendingAction.atMs < :lease)',
        }),
      ),
    );
  }

  async beginAction(
    name: string,
    action: PendingAction,
    leaseStartMs: number,
    asRead: PoolAsRead,
  ): Promise<boolean> {
    // The decision was made from this end and hold: a write that moved either since wins.
    const unchanged = (attribute: keyof PoolAsRead) =>
      asRead[attribute] === undefined ? `attribute_not_exists(${attribute})` : `${attribute} = :${attribute}`;
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          UpdateExpression: 'SET pendingAction = :action',
          ConditionExpression: [
            'poolStatus = :available',
            'attribute_not_exists(presumedTakenBy)',
            '(attribute_not_exists(pendingAction) OR pendingAction.atMs < :lease)',
            unchanged('expiresAtMs'),
            unchanged('heldUntilMs'),
          ].join(' AND '),
          ExpressionAttributeValues: {
            ':action': action,
            ':available': 'Available',
            ':lease': leaseStartMs,
            ...(asRead.expiresAtMs !== undefined ? { ':expiresAtMs': asRead.expiresAtMs } : {}),
            ...(asRead.heldUntilMs !== undefined ? { ':heldUntilMs': asRead.heldUntilMs } : {}),
          },
        }),
      ),
    );
  }

  async markActionUnknown(name: string, dedupeKey: string, atMs: number): Promise<void> {
    await appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          UpdateExpression: 'SET pendingAction.unknownSinceMs = :at',
          ConditionExpression: 'pendingAction.dedupeKey = :key',
          ExpressionAttributeValues: { ':key': dedupeKey, ':at': atMs },
        }),
      ),
    );
  }

  endAction(name: string, dedupeKey: string): Promise<boolean> {
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          UpdateExpression: 'REMOVE pendingAction',
          ConditionExpression: 'pendingAction.dedupeKey = :key',
          ExpressionAttributeValues: { ':key': dedupeKey },
        }),
      ),
    );
  }

  private async updateWhileAvailable(
    name: string,
    set: Record<string, unknown>,
    remove: readonly string[] = [],
    also?: { readonly condition: string; readonly values: Record<string, unknown> },
  ): Promise<boolean> {
    return appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          ...buildUpdate(set, remove, { values: { ':available': 'Available', ...also?.values } }),
          ConditionExpression: also
            ? `poolStatus = :available AND ${also.condition}`
            : 'poolStatus = :available',
        }),
      ),
    );
  }

  async recordNearMiss(name: string, nearMiss: NearMiss): Promise<void> {
    await appliedIf(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: jobKey(name),
          // Named: an adoption looks for the job's reuse before it records its end (ingestJobEvent.ts).
          ...buildUpdate({ name, nearMiss }),
          ConditionExpression: 'attribute_not_exists(reusedPoolOf)',
        }),
      ),
    );
  }

  availableByMatchKey(matchKey: string): Promise<JobRecord[]> {
    return this.queryAll(INDEX.byMatchKey.name, INDEX.byMatchKey.partition, matchKey);
  }

  availableByOwner(owner: string): Promise<JobRecord[]> {
    return this.queryAll(INDEX.byOwner.name, INDEX.byOwner.partition, owner);
  }

  async availablePools(limit: number, cursor?: string): Promise<Page<JobRecord>> {
    const seenAtMs = this.riders?.readStarts();
    const page = await this.indexItems(INDEX.byExpiry, AVAILABLE_PARTITION, limit, cursor);
    const pools: JobRecord[] = [];
    for (const item of page.items) {
      if (!isRider(item)) pools.push(recordFromItem(item as unknown as JobItem));
      else if (seenAtMs !== undefined) this.riders?.saw(item, seenAtMs);
    }
    return { ...page, items: pools };
  }

  runningJobs(limit: number, cursor?: string): Promise<Page<JobRecord>> {
    return this.indexPage(INDEX.byRunning, RUNNING_PARTITION, limit, cursor);
  }

  /** One page of a sparse index's single partition, with an opaque cursor for the next. */
  private async indexPage(
    index: { readonly name: string; readonly partition: string },
    value: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<JobRecord>> {
    const page = await this.indexItems(index, value, limit, cursor);
    return { ...page, items: page.items.map((i) => recordFromItem(i as unknown as JobItem)) };
  }

  private async indexItems(
    index: { readonly name: string; readonly partition: string },
    value: string,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<Record<string, unknown>>> {
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        ...this.indexQuery(index.name, index.partition, value),
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const next = encodeCursor(LastEvaluatedKey);
    return { items: Items ?? [], ...(next ? { cursor: next } : {}) };
  }

  async jobsSubmittedOn(day: string, limit: number, cursor?: string): Promise<Page<JobRecord>> {
    // byDay also holds decisions (itemType = decision); job items carry no itemType.
    const { Items, LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        ...this.indexQuery(INDEX.byDay.name, INDEX.byDay.partition, day),
        FilterExpression: 'attribute_not_exists(itemType)',
        Limit: limit,
        ExclusiveStartKey: decodeCursor(cursor),
      }),
    );
    const next = encodeCursor(LastEvaluatedKey);
    return {
      items: (Items ?? []).map((i) => recordFromItem(i as JobItem)),
      ...(next ? { cursor: next } : {}),
    };
  }

  private indexQuery(indexName: string, attribute: string, value: string): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: indexName,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': attribute },
      ExpressionAttributeValues: { ':p': value },
    };
  }

  private async queryAll(indexName: string, attribute: string, value: string): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    for await (const page of paginateQuery(
      { client: this.client },
      this.indexQuery(indexName, attribute, value),
    )) {
      for (const item of page.Items ?? []) records.push(recordFromItem(item as JobItem));
    }
    return records;
  }
}
