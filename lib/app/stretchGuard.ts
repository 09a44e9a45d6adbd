import type { ReconcileInForce } from '../ports/reconcileSchedule';

/**
 * Keeps a reconcile period stretched past the longest (stretchLimitMs in reconcilePeriod.ts) honest
 * while it runs: it was granted because no dear job ran, and holds only while none starts. Once per
 * longest period meanwhile the sweep reads the running jobs (one query of the ledger); when they no
 * longer allow the stretch granted, the reconcile is claimed at the base pace instead (ClaimRule
 * `base`), so a dear job's lost end is found about as soon as it would be without the stretch.
 * Per container and account: a container that did not grant the stretch (Lambda recycled the one
 * that did, or a deploy) learns it from the schedule's item its claim is refused with, and
 * watches it as the container that granted it would.
 */
interface Stretch {
  readonly startMs: number;
  readonly dueAtMs: number;
  /** How often the running jobs are read meanwhile: the longest period. */
  readonly everyMs: number;
  nextCheckAtMs: number;
}

export class StretchGuard {
  private stretch: Stretch | undefined;
  private cut = false;
  /** The reconcile whose period the guard last took in, granted here or learnt: its start and due time. */
  private period: { readonly startMs: number; readonly dueAtMs: number } | undefined;

  /** A reconcile started at `startMs` set the next `periodMs` later; past `longestMs` it is watched. */
  granted(startMs: number, periodMs: number, longestMs: number): void {
    this.period = { startMs, dueAtMs: startMs + periodMs };
    this.cut = false;
    this.stretch =
      periodMs > longestMs
        ? { startMs, dueAtMs: startMs + periodMs, everyMs: longestMs, nextCheckAtMs: startMs + longestMs }
        : undefined;
  }

  /**
   * The reconcile in force as the schedule's item tells it. One this guard has not taken in
   * (granted elsewhere, or before this container started) is taken in as if granted here, its
   * reads of the running jobs falling when the granting container's would: one already due is
   * read at once. Returns whether a stretch past `longestMs` is newly watched.
   */
  learnt(inForce: ReconcileInForce, longestMs: number): boolean {
    // The same reconcile may be told with another due time: claimed, then done with a stretch.
    if (inForce.startedAtMs === this.period?.startMs && inForce.dueAtMs === this.period.dueAtMs) return false;
    this.granted(inForce.startedAtMs, inForce.dueAtMs - inForce.startedAtMs, longestMs);
    return this.stretch !== undefined;
  }

  /** Whether the running jobs are to be read now: a stretch is in force and a longest period passed since the last read. */
  checkDue(nowMs: number): boolean {
    const stretch = this.stretch;
    return stretch !== undefined && !this.cut && nowMs >= stretch.nextCheckAtMs && nowMs < stretch.dueAtMs;
  }

  /** The running jobs, read at `nowMs`, allow a period of `allowedMs` from the stretch's start (undefined: they could not be read). */
  checked(nowMs: number, allowedMs: number | undefined): void {
    const stretch = this.stretch;
    if (!stretch) return;
    // Unknown is never a reason to trust the stretch.
    if (allowedMs === undefined || stretch.startMs + allowedMs < stretch.dueAtMs) this.cut = true;
    stretch.nextCheckAtMs = nowMs + stretch.everyMs;
  }

  /** When the running jobs are next read (undefined: no stretch to watch): a sweep must run then, pools or not. */
  nextCheckAtMs(): number | undefined {
    const stretch = this.stretch;
    return stretch && !this.cut && stretch.nextCheckAtMs < stretch.dueAtMs
      ? stretch.nextCheckAtMs
      : undefined;
  }

  /** Whether the stretch no longer holds: the next reconcile is due a base period after the last. */
  get cutShort(): boolean {
    return this.cut;
  }
}
