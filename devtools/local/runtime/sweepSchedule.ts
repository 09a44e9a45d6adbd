import type { LedgerFactKind } from '../../../lib/app/ledgerFacts';
import type { ProcessOutcome } from '../../../lib/app/processJobStateChange';

/**
 * When the local stack runs the sweep. The deployed sweep runs every minute (EventBridge
 * Scheduler); the local stack keeps that grid of instants but, in `next-event` timing, stops
 * only at those where a sweep could do something, with the same results as stopping at each:
 * - after an event was delivered (or a Slack click handled), at the next instant of the grid:
 *   the ledger changed. Not after a delivery that told no pool fact (a job started, ended with
 *   no pool, missed one): the Available pools a sweep reads are as they were, and what it reads
 *   of the usage statistics it reads at the same instants as below, so it decides as named;
 * - while pools are Available, at the instant the last sweep named (`nextChangeAtMs`: a pool
 *   to describe, a decision that changes), and at the latest when what its container's cache
 *   holds of the usage statistics first goes stale (`statsFreshUntilMs`: so that it is read again
 *   at the same instant as every minute; in between, events may have changed it). A sweep that
 *   read nothing again leaves no wake of its own 5 minutes on.
 * In `every-minute` timing it sweeps at each instant of the grid, as deployed: a sweep with no
 * pool Available and nothing delivered since the last one changes nothing, but it still reads the
 * Available index, and the deployed sweep's requests are what that timing counts.
 */
export type SweepTiming = 'next-event' | 'every-minute';

const POOL_FACTS: ReadonlySet<LedgerFactKind> = new Set(['pool-available', 'pool-reused', 'pool-ended']);

/**
 * Whether a handled event may have changed an Available pool: it told a pool fact (its policy
 * actions follow one), or it was stale (its reuse facts are not reported).
 */
export const touchesPools = (outcome: ProcessOutcome): boolean =>
  outcome.kind === 'stale' ||
  (outcome.kind === 'applied' && outcome.facts.some((fact) => POOL_FACTS.has(fact.kind)));

export interface SweepOutcome {
  readonly availablePools: number;
  readonly nextChangeAtMs: number;
  /** When what the sweep read of the usage statistics may first answer otherwise; absent: `statsFreshMs` after it. */
  readonly statsFreshUntilMs?: number;
  /** Whether the sweep listed SageMaker's jobs: the reconcile it runs once per period. */
  readonly listed?: boolean;
  /** While the end events run late, when the sweep lists what changed again, pools or not. */
  readonly nextListAtMs?: number;
  /** After a reconcile, when the next is due: its findings may have lengthened the period. */
  readonly nextReconcileAtMs?: number;
}

export class SweepSchedule {
  private next: number;
  private changed = false;
  private pools = 0;
  /**
   * The instants named by past sweeps, each still standing: what an earlier sweep read may go
   * stale before what a later one read. The earliest is the next sweep that could act.
   */
  private wakes: number[] = [];
  /** The last instant whose sweep was decided: a change after that decision waits for the next one. */
  private decidedAtMs = Number.NEGATIVE_INFINITY;
  /** When a sweep last reconciled with SageMaker: the next one is due a period later, pools or not. */
  private listedAtMs = Number.NEGATIVE_INFINITY;
  /** When that reconcile said the next is due (undefined: a base period after it). */
  private reconcileDueAtMs: number | undefined;
  /** When the last sweep asked to list again sooner than the period (its end events run late). */
  private soonerListAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly startMs: number,
    private readonly everyMs: number,
    private readonly timing: SweepTiming,
    /** How long a container's sweep keeps what it read of the usage statistics (when a sweep does not say). */
    private readonly statsFreshMs: number,
    /**
     * The base reconcile period: a sweep then lists what SageMaker holds, which alone finds what
     * lost events never told (infinite: a sweep that never lists). A reconcile that names the next
     * one's due time (its findings may lengthen the period) is taken at its word.
     */
    private readonly reconcileEveryMs = Number.POSITIVE_INFINITY,
  ) {
    this.next = startMs + everyMs;
  }

  /** The next instant the runner must stop at for a sweep (infinite: none until something changes). */
  nextAt(): number {
    return this.next;
  }

  /** The ledger changed at `atMs` (a delivery, a click): sweep at the first instant of the grid from then. */
  noteChange(atMs: number): void {
    this.changed = true;
    if (this.timing === 'next-event')
      this.next = Math.min(this.next, this.gridAtOrAfter(Math.max(atMs, this.decidedAtMs + 1)));
  }

  /** At an instant the runner stopped at: whether to sweep now. Call swept() after a sweep. */
  isDue(atMs: number): boolean {
    if (atMs !== this.next) return false;
    this.decidedAtMs = atMs;
    const due =
      this.timing === 'every-minute' ||
      this.changed ||
      (this.pools > 0 && atMs >= this.wakeAtMs()) ||
      atMs >= this.reconcileAtMs() ||
      atMs >= this.soonerListAtMs;
    if (!due) this.advance(atMs);
    return due;
  }

  /** A sweep that failed (a crashed invocation) leaves its work to the next instant of the grid. */
  failed(atMs: number): void {
    this.changed = true;
    this.advance(atMs);
  }

  swept(atMs: number, outcome: SweepOutcome): void {
    this.changed = false;
    if (outcome.listed) {
      this.listedAtMs = atMs;
      this.reconcileDueAtMs = outcome.nextReconcileAtMs;
    }
    this.soonerListAtMs = outcome.nextListAtMs ?? Number.POSITIVE_INFINITY;
    this.pools = outcome.availablePools;
    // What this sweep read goes stale at its own instant, even when an earlier change is named.
    // (A sweep every minute wakes at each minute whatever these say.)
    const wakes = [outcome.nextChangeAtMs, outcome.statsFreshUntilMs ?? atMs + this.statsFreshMs];
    this.wakes = [...this.wakes.filter((w) => w > atMs), ...wakes];
    this.advance(atMs);
  }

  private advance(atMs: number): void {
    const following = atMs + this.everyMs;
    if (this.timing === 'every-minute') this.next = following;
    else if (this.changed) this.next = following;
    else if (this.pools > 0)
      this.next = this.gridAtOrAfter(Math.max(following, Math.min(this.wakeAtMs(), this.listAtMs())));
    else this.next = this.gridAtOrAfter(Math.max(following, this.listAtMs()));
  }

  /** The next sweep that lists whatever the pools: the reconcile, or sooner while events run late. */
  private listAtMs(): number {
    return Math.min(this.reconcileAtMs(), this.soonerListAtMs);
  }

  private reconcileAtMs(): number {
    if (!Number.isFinite(this.reconcileEveryMs)) return Number.POSITIVE_INFINITY;
    return this.reconcileDueAtMs ?? this.listedAtMs + this.reconcileEveryMs;
  }

  private wakeAtMs(): number {
    return Math.min(...this.wakes);
  }

  private gridAtOrAfter(ms: number): number {
    return this.startMs + Math.ceil((ms - this.startMs) / this.everyMs) * this.everyMs;
  }
}
