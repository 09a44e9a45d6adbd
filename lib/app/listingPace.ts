import type { JobRecord } from '../domain/jobRecord';

/** How often the sweep lists what changed while the end events run late: every scheduled sweep. */
export const SOONER_LISTING_EVERY_MS = 60_000;

/**
 * How long after a job's end its event may still be on its way without counting as late.
 * EventBridge delivers within seconds when it is well; this leaves room for the sweep's own
 * minute and a Lambda retry.
 */
export const LATE_END_GRACE_MS = 60_000;

/** Whether what learnt of a job's end at `learntAtMs` (its event, or a look at its pool) learnt it past the grace. */
export const learntLate = (endedAtMs: number, learntAtMs: number): boolean =>
  learntAtMs - endedAtMs > LATE_END_GRACE_MS;

/**
 * How long after a job's end the sweep's catch-up listings (catchUpListings.ts) leaves it to its
 * end event. Listing every 10 s, they would find nearly every end before its event and adopt it:
 * a describe and the adoption's writes for an end its event records seconds later. Ends this
 * young are left out of a catch-up listing (the next listing overlaps by a minute and sees them,
 * recorded by their event if it came), but for a pool dear enough idle that it is adopted at
 * once (catchUpListings.ts). An end adopted first still tells whether the events run on time
 * again: by when its event arrived (endVerdict).
 */
export const CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS = 20_000;

/**
 * On-time ends in a row, with no late one among them, before the sweep goes back to listing once
 * per reconcile period. One on-time end may be luck in a burst of late ones.
 */
export const ON_TIME_ENDS_TO_SETTLE = 10;

/** An ended job a listing found with its end recorded in the ledger. */
export interface RecordedEnd {
  readonly name: string;
  /** When the job ended (TrainingEndTime). */
  readonly endedAtMs?: number;
  /** When its end event first arrived (JobRecord.endEventAtMs); absent: none has come. */
  readonly endEventAtMs?: number;
}

/** What one listing of changed jobs showed of the end events, as planReconcile reads it. */
export interface EndTimeliness {
  /** Ended jobs whose end the ledger did not hold though they ended more than the grace ago. */
  readonly late: readonly string[];
  /** Ended jobs whose end the ledger did not hold yet, within the grace: adopted, judged when named again. */
  readonly pending: readonly string[];
  /** Ended jobs read from the ledger with their end recorded. */
  readonly recorded: readonly RecordedEnd[];
}

export type EndVerdict = 'on-time' | 'late' | 'pending';

/**
 * Whether a recorded end's event came on time. An end a listing found unrecorded
 * (`foundUnrecorded`: a listing got there before its event, as a catch-up listing does with a
 * dear pool's end) is judged by when its event arrived: on time within the grace of the job's
 * end, late after it; with no arrival yet, pending until the grace has passed, then late. An end
 * recorded before any listing saw it was recorded by its event in time for the listings: on
 * time, whenever its event arrived, so that one event Lambda retried after a failed first
 * attempt does not send a calm account to listing every minute.
 */
export const endVerdict = (end: RecordedEnd, foundUnrecorded: boolean, nowMs: number): EndVerdict => {
  if (!foundUnrecorded) return 'on-time';
  const { endedAtMs, endEventAtMs } = end;
  if (endedAtMs === undefined) return 'pending';
  if (endEventAtMs !== undefined) return learntLate(endedAtMs, endEventAtMs) ? 'late' : 'on-time';
  return learntLate(endedAtMs, nowMs) ? 'late' : 'pending';
};

/**
 * How long an end found unrecorded waits to be named again by a listing before the container
 * forgets it, with no verdict: overlapping listings name it again within minutes, so one not
 * named for this long is out of every listing's reach (the recent window, 6 h and a period).
 */
const AWAITED_FOR_AT_MOST_MS = 7 * 3_600_000;

/** How many ends a container remembers: a few days' worth, then it starts over. */
const REMEMBERED_ENDS = 10_000;

/**
 * Events are hints; when the hints run late, SageMaker is asked sooner. A listing that shows a
 * job ended while the ledger, past the grace, still holds it running or has never heard of it
 * says the end events are late (or lost): until enough ends in a row again have their event come
 * within the grace (endVerdict), the sweep lists what changed every minute instead of once per reconcile period, and
 * its catch-up listings every few seconds within the invocation (catchUpListings.ts), so a pool the policy would
 * stop at once idles seconds instead of until its event or the next reconcile. A calm account,
 * whose events come on time, never lists more.
 *
 * Kept in the sweep's container, across its invocations, as the memory of recorded ends is: a
 * new container starts calm and learns the lag again from its next reconcile.
 */
export class ListingPace {
  private lagging = false;
  private onTimeRun = 0;
  private lastListedMs: number | undefined;
  /** When the sweep's catch-up listings last listed what changed (catchUpListings.ts): not a scheduled listing. */
  private lastCaughtUpMs: number | undefined;
  /**
   * Ends already judged late or on time: each is counted once, however many overlapping
   * listings name it.
   */
  private readonly judged = new Set<string>();
  /**
   * Ends found unrecorded within the grace (a listing got there before their event), with when
   * they were first found: judged when a listing names them again, from when their event arrived
   * (endVerdict). Never cleared with `judged`: an end forgotten here would be judged on time.
   */
  private readonly awaiting = new Map<string, number>();
  /** The Available pools the container's last sweep read (undefined: none yet), to tell which are new. */
  private availableSeen: ReadonlySet<string> | undefined;
  /** Whether a sweep has read a pool whose end was recorded late since the last reconcile. */
  private lateRecordSeen = false;

  /** Whether the end events run late: then what changed is listed every minute. */
  get soonerListing(): boolean {
    return this.lagging;
  }

  /**
   * Whether, since the last reconcile, a sweep read a new Available pool whose end the ledger
   * recorded more than the grace after the job ended: its end event came late (or was lost and
   * the pool adopted). No listing is needed to tell: the reconcile period comes back to the base
   * (reconcilePeriod.ts), and its listing judges the pace as ever.
   */
  get lateRecordSince(): boolean {
    return this.lateRecordSeen;
  }

  /**
   * The Available pools a sweep read. A container's first sweep only learns them: it cannot tell
   * which it saw recorded, and an older pool's last look says nothing of its end event.
   */
  noteAvailable(pools: readonly JobRecord[]): void {
    const seen = this.availableSeen;
    if (seen)
      for (const record of pools) {
        const pool = record.pool;
        if (seen.has(record.name) || pool?.availableSinceMs === undefined) continue;
        if (learntLate(pool.availableSinceMs, pool.observedAtMs)) this.lateRecordSeen = true;
      }
    this.availableSeen = new Set(pools.map((p) => p.name));
  }

  /** A reconcile took what the sweeps read into account: late records are counted afresh. */
  reconciled(): void {
    this.lateRecordSeen = false;
  }

  /** When the last listing of what changed started (undefined: none in this container). */
  get listedAtMs(): number | undefined {
    return this.lastListedMs;
  }

  /**
   * When what changed was last listed by anyone, the sweep or its catch-up listings: where the next
   * catch-up listing starts (less the overlap). Undefined: none in this container.
   */
  get changesListedAtMs(): number | undefined {
    if (this.lastCaughtUpMs === undefined) return this.lastListedMs;
    return Math.max(this.lastCaughtUpMs, this.lastListedMs ?? this.lastCaughtUpMs);
  }

  /** When the next sooner listing is due; undefined while the events are on time. */
  nextListingAtMs(): number | undefined {
    return this.lagging && this.lastListedMs !== undefined
      ? this.lastListedMs + SOONER_LISTING_EVERY_MS
      : undefined;
  }

  /** Whether a sweep at `nowMs` lists what changed although no reconcile is due. */
  listsSooner(nowMs: number): boolean {
    const dueAtMs = this.nextListingAtMs();
    return dueAtMs !== undefined && nowMs >= dueAtMs;
  }

  /**
   * Whether a listing that names this job again must read the ledger for it, whatever it holds
   * in hand: its end was found unrecorded, and only the ledger tells whether its event came since.
   */
  awaits(name: string): boolean {
    return this.awaiting.has(name);
  }

  /** A listing of what changed started at `nowMs` and showed this of the end events. */
  noteListing(nowMs: number, seen: EndTimeliness): void {
    this.lastListedMs = nowMs;
    this.judge(nowMs, seen);
  }

  /**
   * A listing of what changed made by the sweep's catch-up listings, between scheduled sweeps, at `nowMs`:
   * judged as any listing, but the next scheduled sweep still lists (its due time is unchanged).
   */
  noteCatchUp(nowMs: number, seen: EndTimeliness): void {
    this.lastCaughtUpMs = nowMs;
    this.judge(nowMs, seen);
  }

  private judge(nowMs: number, seen: EndTimeliness): void {
    if (this.judged.size >= REMEMBERED_ENDS) this.judged.clear();
    for (const [name, foundAtMs] of this.awaiting)
      if (nowMs - foundAtMs > AWAITED_FOR_AT_MOST_MS) this.awaiting.delete(name);
    let late = seen.late.length;
    let onTime = 0;
    for (const end of seen.recorded) {
      if (this.judged.has(end.name)) continue;
      const verdict = endVerdict(end, this.awaiting.has(end.name), nowMs);
      if (verdict === 'pending') continue;
      this.awaiting.delete(end.name);
      this.judged.add(end.name);
      if (verdict === 'late') late++;
      else onTime++;
    }
    for (const name of seen.late) {
      this.awaiting.delete(name);
      this.judged.add(name);
    }
    for (const name of seen.pending)
      if (!this.judged.has(name) && !this.awaiting.has(name)) this.awaiting.set(name, nowMs);
    if (late > 0) {
      this.lagging = true;
      this.onTimeRun = 0;
      return;
    }
    this.onTimeRun += onTime;
    if (this.onTimeRun >= ON_TIME_ENDS_TO_SETTLE) {
      this.lagging = false;
      this.onTimeRun = 0;
    }
  }
}
