/** The outcome of claiming a reconcile: whether this sweep does it, and what the previous ones did. */
export interface ReconcileClaim {
  readonly claimed: boolean;
  readonly previousStartMs?: number;
  /** When the last full listing (every Available pool of the window) started. */
  readonly lastFullListMs?: number;
}

/**
 * Once per reconcile period, whichever sweep comes first lists what SageMaker holds: a single
 * conditional write decides, so overlapping or retried sweeps never list twice in a period.
 */
export interface ReconcileSchedule {
  claim(nowMs: number, everyMs: number): Promise<ReconcileClaim>;
  /** Records that the reconcile claimed at `startMs` listed every Available pool. */
  fullListDone(startMs: number): Promise<void>;
}
