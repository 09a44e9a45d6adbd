import type { ClaimRule } from '../domain/reconcilePeriod';

/** The outcome of claiming a reconcile: whether this sweep does it, and what the previous ones did. */
export interface ReconcileClaim {
  readonly claimed: boolean;
  readonly previousStartMs?: number;
  /**
   * How long after the previous reconcile's start this one was due, as that reconcile's findings
   * set it (reconcilePeriod.ts); absent: the base period (none recorded).
   */
  readonly grantedMs?: number;
  /**
   * When the last reconcile whose listing was done (recorded by `done`) started: what changed is
   * listed from there. A claim since with no done after it died (or was written before this was
   * recorded): it vouches for nothing.
   */
  readonly lastListedMs?: number;
  /** When the last full listing (every Available pool of the window) started. */
  readonly lastFullListMs?: number;
  /** When the last reconcile recorded as a surprise started (surpriseOnRecord in reconcilePeriod.ts). */
  readonly lastSurpriseAtMs?: number;
  /** A full listing under way: it continues at this reconcile (FullListResume). */
  readonly fullListResume?: FullListResume;
  /**
   * Of a refused claim: the reconcile in force, as the schedule's item told it (absent when the
   * item did not say, or the claim went through). A container learns here a stretch it did not
   * grant, and watches it as the one that granted it would (stretchGuard.ts).
   */
  readonly inForce?: ReconcileInForce;
}

/** The last reconcile claimed and when the next is due, as the schedule's item holds them. */
export interface ReconcileInForce {
  readonly startedAtMs: number;
  readonly dueAtMs: number;
}

/**
 * Where a full listing that outlasted its invocation stopped: it goes on across reconciles, and
 * counts as done (`lastFullListMs`) only once it has covered the whole window.
 */
export interface FullListResume {
  /** The next part lists the jobs created from this instant on (Listing.resumeFromMs). */
  readonly fromMs: number;
  /** When the reconcile that listed its first part started: the full listing's time once done. */
  readonly startedMs: number;
}

/** What a reconcile found, once it is done: recorded on the item it claimed. */
export interface ReconcileOutcome {
  /** Whether it finished listing every Available pool of the window (the last part of a listing under way included). */
  readonly fullList: boolean;
  /** When that full listing started, if before this reconcile (it went on across reconciles); absent: at its start. */
  readonly fullListStartedMs?: number;
  /** A full listing this reconcile left under way: where the next part starts. */
  readonly fullListResume?: FullListResume;
  /** When the next reconcile is due (reconcilePeriod.ts). */
  readonly nextDueAtMs: number;
  /** Whether it is recorded as the account's last surprise (surpriseOnRecord in reconcilePeriod.ts). */
  readonly surprise: boolean;
  /**
   * Up to when what changed counts as listed (`lastListedMs` at the next claim); absent: this
   * reconcile's start. A reconcile that left ends it found unadopted (failed, or out of time)
   * records an earlier instant, so the next lists them again.
   */
  readonly listedThroughMs?: number;
}

/**
 * Once per reconcile period, whichever sweep comes first lists what SageMaker holds: a single
 * conditional write decides, so overlapping or retried sweeps never list twice in a period. The
 * claim makes the next reconcile due one base period later, so a reconcile that dies before it is
 * done leaves the base pace; a reconcile done records when the next is due as its findings say.
 */
export interface ReconcileSchedule {
  claim(nowMs: number, baseMs: number, rule: ClaimRule): Promise<ReconcileClaim>;
  /**
   * Records that the reconcile claimed at `startMs` listed what SageMaker holds, and what it found
   * (the due time unless another was claimed since).
   */
  done(startMs: number, outcome: ReconcileOutcome): Promise<void>;
}
