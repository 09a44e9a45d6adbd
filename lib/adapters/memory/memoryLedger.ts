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
import { type NoPool, poolRank } from '../../domain/warmPool';
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
import { ReuseConflictError } from '../dynamo/dynamoLedger';

/**
 * The ledger in process memory, with the same conditional rules as DynamoLedger (one contract
 * test suite runs against both). For unit tests and the benchmarks' fast simulation.
 */
export class MemoryLedger implements Ledger {
  private readonly jobs = new Map<string, JobRecord>();
  /** Like DynamoDB's sparse indexes: only the jobs whose pool is Available, so reads follow them, not history. */
  private readonly availableNames = new Set<string>();
  /** Like byRunning: the jobs whose newest snapshot is not terminal. */
  private readonly runningNames = new Set<string>();
  /** Like the history index: the jobs submitted on each UTC day, so that a day's read follows that day. */
  private readonly namesByDay = new Map<string, Set<string>>();

  /** Every record, for reports and tests. */
  all(): JobRecord[] {
    return [...this.jobs.values()];
  }

  async getJob(name: string): Promise<JobRecord | undefined> {
    return this.jobs.get(name);
  }

  async getJobs(names: readonly string[]): Promise<JobRecord[]> {
    return names.flatMap((name) => this.jobs.get(name) ?? []);
  }

  private put(record: JobRecord): JobRecord {
    const before = this.jobs.get(record.name)?.job?.createdAtMs;
    const after = record.job?.createdAtMs;
    if (before !== after) {
      if (before !== undefined) this.namesByDay.get(historyDay(before))?.delete(record.name);
      if (after !== undefined) {
        const day = historyDay(after);
        const names = this.namesByDay.get(day) ?? new Set<string>();
        names.add(record.name);
        this.namesByDay.set(day, names);
      }
    }
    this.jobs.set(record.name, record);
    if (record.pool?.status === 'Available') this.availableNames.add(record.name);
    else this.availableNames.delete(record.name);
    if (record.job && !isTerminal(record.job.status)) this.runningNames.add(record.name);
    else this.runningNames.delete(record.name);
    return record;
  }

  private current(name: string): JobRecord {
    return this.jobs.get(name) ?? { name };
  }

  async recordSnapshot(snapshot: JobSnapshot, endEventAtMs?: number): Promise<SnapshotWrite> {
    return this.snapshotNow(snapshot, endEventAtMs);
  }

  /** recordSnapshot without a turn of the event loop, so that recordEnd is one step as DynamoDB's write is. */
  private snapshotNow(snapshot: JobSnapshot, endEventAtMs?: number): SnapshotWrite {
    const record = this.current(snapshot.name);
    const known = record.job;
    if (!supersedes(snapshot, known && { ...known, statusRank: statusRank(known.status) }))
      return { kind: 'stale', record };
    const arrived = record.endEventAtMs ?? endEventAtMs;
    return {
      kind: 'recorded',
      record: this.put({
        ...record,
        job: snapshot,
        ...(arrived !== undefined ? { endEventAtMs: arrived } : {}),
      }),
      ...(known ? { previous: known } : {}),
    };
  }

  async recordEnd(snapshot: JobSnapshot, outcome: EndOutcome, endEventAtMs?: number): Promise<EndWrite> {
    // No await before the last put: nothing may interleave, as nothing does within DynamoDB's one write.
    const write = this.snapshotNow(snapshot, endEventAtMs);
    if (write.kind === 'stale') return write;
    const before = write.record;
    if (
      outcome.kind === 'pool' &&
      (!this.moves(before.pool, outcome.pool) || this.markUnseen(before.pool, outcome.pool, outcome.seenMark))
    ) {
      // The pool is recorded at that state or further already, or marked unseen: the snapshot
      // alone, then the pool as observePool has it (a refresh of when it was seen, or the pool
      // left as it is), as DynamoLedger does. observePool puts before its first await.
      const { pool: _stored, ...job } = write.record;
      const seen = outcome.seenMark;
      const pool = await this.observePool(
        seen !== undefined ? { ...job, pool: { ...outcome.pool, presumedTakenBy: seen } } : job,
        outcome.pool,
      );
      return { ...write, record: this.current(snapshot.name), pool };
    }
    const record = this.put({
      ...write.record,
      ...(outcome.kind === 'pool' ? { pool: this.moved(snapshot.name, before.pool, outcome.pool) } : {}),
      ...(outcome.kind === 'no-pool' ? { noPool: outcome.noPool } : {}),
    });
    return {
      ...write,
      record,
      ...(outcome.kind === 'pool' && record.pool ? { pool: { applied: true, pool: record.pool } } : {}),
    };
  }

  async recordEndEvent(name: string, atMs: number): Promise<void> {
    const record = this.jobs.get(name);
    if (record && record.endEventAtMs === undefined) this.put({ ...record, endEventAtMs: atMs });
  }

  /** Whether a pool state moves the recorded one forward. */
  private moves(recorded: PoolState | undefined, state: PoolState): boolean {
    return !recorded || poolRank(recorded.status) < poolRank(state.status);
  }

  /** A marked pool the caller did not see marked (its `seenMark`) stays Available (as in DynamoLedger). */
  private markUnseen(
    recorded: PoolState | undefined,
    state: PoolState,
    seenMark: string | undefined,
  ): boolean {
    const mark = recorded?.presumedTakenBy;
    return mark !== undefined && state.status !== 'Available' && mark !== seenMark;
  }

  /** The recorded pool moved forward to `state`. */
  private moved(name: string, recorded: PoolState | undefined, state: PoolState): PoolState {
    // Birth only moves earlier, through linkReuse; as in DynamoLedger, an observation never
    // overwrites it, and gives none but the job's own (observedBirth).
    const birth = recorded?.bornAtMs === undefined ? observedBirth(name, state) : undefined;
    const bornAtMs = recorded?.bornAtMs ?? birth?.bornAtMs;
    const poolId = recorded?.bornAtMs !== undefined ? recorded.poolId : birth?.poolId;
    // Leaving Available settles any presumption on the pool: its mark goes with it. A mark is
    // written by presumeReuse alone: one a state carries over from its record is not.
    const { presumedTakenBy: _mark, presumedAtMs: _markedAt, ...kept } = recorded ?? {};
    const { presumedTakenBy: _told, presumedAtMs: _toldAt, ...observed } = state;
    return {
      ...(state.status === 'Available' ? recorded : kept),
      ...observed,
      ...(bornAtMs !== undefined ? { bornAtMs } : {}),
      ...(poolId !== undefined ? { poolId } : {}),
    };
  }

  async observePool(record: JobRecord, state: PoolState): Promise<PoolWrite> {
    const current = this.current(record.name);
    if (this.markUnseen(current.pool, state, record.pool?.presumedTakenBy))
      return { applied: false, pool: current.pool ?? state };
    if (current.pool && !this.moves(current.pool, state)) {
      if (
        state.status === 'Available' &&
        current.pool.status === 'Available' &&
        current.pool.observedAtMs < state.observedAtMs
      ) {
        const pool = { ...current.pool, observedAtMs: state.observedAtMs };
        this.put({ ...current, pool });
        return { applied: false, pool };
      }
      return { applied: false, pool: current.pool };
    }
    const pool = this.moved(record.name, current.pool, state);
    this.put({ ...current, pool });
    return { applied: true, pool };
  }

  async capExpiry(name: string, expiresAtMs: number): Promise<boolean> {
    const pool = this.current(name).pool;
    if (pool?.expiresAtMs === undefined || pool.expiresAtMs <= expiresAtMs) return false;
    return this.updateWhileAvailable(name, { expiresAtMs });
  }

  async linkReuse(fromJob: string, toJob: string, birth: PoolBirth, lifetimeEndsAtMs: number): Promise<void> {
    const to = this.current(toJob);
    if (to.reusedPoolOf && to.reusedPoolOf !== fromJob) {
      const presumed = this.jobs.get(to.reusedPoolOf)?.pool;
      if (presumed?.status !== 'Available' || presumed.presumedTakenBy !== toJob)
        throw new ReuseConflictError(toJob, to.reusedPoolOf, fromJob);
      // Linked by presumption only: SageMaker's word replaces the link and the birth it carried.
      const pool = { ...(to.pool ?? { status: 'InUse', observedAtMs: birth.bornAtMs }), ...birth } as const;
      this.put({ ...to, reusedPoolOf: fromJob, pool: this.withinLifetime(pool, lifetimeEndsAtMs) });
      return;
    }
    const { nearMiss: _dropped, ...rest } = to;
    this.put({
      ...rest,
      reusedPoolOf: fromJob,
      pool: to.pool ?? { status: 'InUse', observedAtMs: birth.bornAtMs },
    });
    // The same births and caps as DynamoLedger's: the linked job's pool, and every pool down the
    // chain the birth moves earlier, end within that birth's lifetime cap. Done in one step here,
    // the walk needs none of the order DynamoLedger's takes to be finished by a retry.
    let job: string | undefined = toJob;
    const seen = new Set<string>();
    while (job && !seen.has(job)) {
      seen.add(job);
      const record = this.current(job);
      const pool = record.pool;
      if (!pool) return;
      // An earlier birth, or another chain's id (a wrong presumption's, whose twin was born alike).
      const carries =
        pool.bornAtMs === undefined || pool.bornAtMs > birth.bornAtMs || pool.poolId !== birth.poolId;
      if (!carries && job !== toJob) return;
      const born = carries ? { ...pool, bornAtMs: birth.bornAtMs, poolId: birth.poolId } : pool;
      this.put({ ...record, pool: this.withinLifetime(born, lifetimeEndsAtMs) });
      if (!carries) return;
      job = pool.reusedByJob;
    }
  }

  /** An Available pool predicted to end no later than `lifetimeEndsAtMs` (as capExpiry). */
  private withinLifetime(pool: PoolState, lifetimeEndsAtMs: number): PoolState {
    return pool.status === 'Available' &&
      pool.expiresAtMs !== undefined &&
      pool.expiresAtMs > lifetimeEndsAtMs
      ? { ...pool, expiresAtMs: lifetimeEndsAtMs }
      : pool;
  }

  async presumeReuse(poolOf: string, byJob: string, atMs: number): Promise<boolean> {
    const record = this.current(poolOf);
    const pool = record.pool;
    if (pool?.status !== 'Available' || record.pendingAction) return false;
    if (pool.presumedTakenBy !== undefined && pool.presumedTakenBy !== byJob) return false;
    this.put({
      ...record,
      pool: { ...pool, presumedTakenBy: byJob, presumedAtMs: pool.presumedAtMs ?? atMs },
    });
    return true;
  }

  async withdrawPresumption(poolOf: string, byJob: string): Promise<boolean> {
    const record = this.current(poolOf);
    if (record.pool?.presumedTakenBy !== byJob) return false;
    const { presumedTakenBy: _mark, presumedAtMs: _at, ...pool } = record.pool;
    this.put({ ...record, pool });
    return true;
  }

  async unlinkPresumedReuse(toJob: string, fromJob: string): Promise<boolean> {
    const { reusedPoolOf, pool, ...rest } = this.current(toJob);
    if (reusedPoolOf !== fromJob) return false;
    if (!pool || pool.status === 'InUse') this.put(rest);
    else if (pool.availableSinceMs !== undefined)
      this.put({ ...rest, pool: { ...pool, bornAtMs: pool.availableSinceMs, poolId: toJob } });
    else this.put({ ...rest, pool });
    return true;
  }

  async recordNoPool(name: string, noPool: NoPool): Promise<void> {
    this.put({ ...this.current(name), noPool });
  }

  async recordKeepAlive(name: string, change: KeepAliveChange, intentKey?: string): Promise<boolean> {
    if (intentKey !== undefined && this.current(name).pendingAction?.dedupeKey !== intentKey) return false;
    const done = this.updateWhileAvailable(name, {
      keepAliveSeconds: change.keepAliveSeconds,
      expiresAtMs: change.expiresAtMs,
      ...(change.stoppedBy ? { stoppedBy: change.stoppedBy } : {}),
      ...(change.heldUntilMs !== undefined ? { heldUntilMs: change.heldUntilMs } : {}),
    });
    if (done) {
      const { pendingAction: _done, ...rest } = this.current(name);
      this.put(rest);
    }
    return done;
  }

  async beginAction(
    name: string,
    action: PendingAction,
    leaseStartMs: number,
    asRead: PoolAsRead,
  ): Promise<boolean> {
    const record = this.current(name);
    if (record.pool?.status !== 'Available' || record.pool.presumedTakenBy !== undefined) return false;
    if (record.pendingAction && record.pendingAction.atMs >= leaseStartMs) return false;
    if (record.pool.expiresAtMs !== asRead.expiresAtMs || record.pool.heldUntilMs !== asRead.heldUntilMs)
      return false;
    this.put({ ...record, pendingAction: action });
    return true;
  }

  async markActionUnknown(name: string, dedupeKey: string, atMs: number): Promise<void> {
    const record = this.current(name);
    const pending = record.pendingAction;
    if (pending?.dedupeKey === dedupeKey)
      this.put({ ...record, pendingAction: { ...pending, unknownSinceMs: atMs } });
  }

  async endAction(name: string, dedupeKey: string): Promise<boolean> {
    const { pendingAction, ...rest } = this.current(name);
    if (pendingAction?.dedupeKey !== dedupeKey) return false;
    this.put(rest);
    return true;
  }

  async runningJobs(limit: number, cursor?: string): Promise<Page<JobRecord>> {
    const all = [...this.runningNames]
      .flatMap((name) => this.jobs.get(name) ?? [])
      .sort((a, b) => (a.job?.createdAtMs ?? 0) - (b.job?.createdAtMs ?? 0) || a.name.localeCompare(b.name));
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit);
    return start + limit < all.length ? { items, cursor: String(start + limit) } : { items };
  }

  async holdPool(name: string, untilMs: number, leaseStartMs: number): Promise<boolean> {
    const pending = this.current(name).pendingAction;
    // Not while an action is in flight between its claim and SageMaker (as the DynamoDB ledger).
    if (pending && pending.unknownSinceMs === undefined && pending.atMs >= leaseStartMs) return false;
    return this.updateWhileAvailable(name, { heldUntilMs: untilMs });
  }

  private updateWhileAvailable(name: string, change: Partial<PoolState>): boolean {
    const record = this.current(name);
    if (record.pool?.status !== 'Available') return false;
    this.put({ ...record, pool: { ...record.pool, ...change } });
    return true;
  }

  async recordNearMiss(name: string, nearMiss: NearMiss): Promise<void> {
    const record = this.current(name);
    if (!record.reusedPoolOf) this.put({ ...record, nearMiss });
  }

  private available(): JobRecord[] {
    return [...this.availableNames]
      .flatMap((name) => this.jobs.get(name) ?? [])
      .sort(
        (a, b) => (a.pool?.expiresAtMs ?? 0) - (b.pool?.expiresAtMs ?? 0) || a.name.localeCompare(b.name),
      );
  }

  async availableByMatchKey(matchKey: string): Promise<JobRecord[]> {
    return this.available().filter((r) => r.job?.matchKey === matchKey);
  }

  async availableByOwner(owner: string): Promise<JobRecord[]> {
    return this.available().filter((r) => r.job?.owner === owner);
  }

  async jobsSubmittedOn(day: string, limit: number, cursor?: string): Promise<Page<JobRecord>> {
    const all = [...(this.namesByDay.get(day) ?? [])]
      .flatMap((name) => this.jobs.get(name) ?? [])
      .sort((a, b) => (a.job?.createdAtMs ?? 0) - (b.job?.createdAtMs ?? 0) || a.name.localeCompare(b.name));
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit);
    return start + limit < all.length ? { items, cursor: String(start + limit) } : { items };
  }

  async availablePools(limit: number, cursor?: string): Promise<Page<JobRecord>> {
    const all = this.available();
    const start = cursor ? Number(cursor) : 0;
    const items = all.slice(start, start + limit);
    return start + limit < all.length ? { items, cursor: String(start + limit) } : { items };
  }
}
