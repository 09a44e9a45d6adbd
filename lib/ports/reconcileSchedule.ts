/** The outcome of claiming a reconcile: whether this sweep does it, and when the previous one started. */
export interface ReconcileClaim {
  readonly claimed: boolean;
  readonly previousStartMs?: number;
}

/**
 * Once per reconcile period, whichever sweep comes first lists what SageMaker holds: a single
 * conditional write decides, so overlapping or retried sweeps never list twice in a period.
 */
export interface ReconcileSchedule {
  claim(nowMs: number, everyMs: number): Promise<ReconcileClaim>;
}
