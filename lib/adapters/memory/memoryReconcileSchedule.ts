import type { ReconcileClaim, ReconcileSchedule } from '../../ports/reconcileSchedule';

/** DynamoReconcileSchedule's rule in memory, for tests and simulations. */
export class MemoryReconcileSchedule implements ReconcileSchedule {
  private startedAtMs: number | undefined;
  private fullListAtMs: number | undefined;

  async claim(nowMs: number, everyMs: number): Promise<ReconcileClaim> {
    const previous = this.startedAtMs;
    if (previous !== undefined && previous > nowMs - everyMs) return { claimed: false };
    this.startedAtMs = nowMs;
    return {
      claimed: true,
      ...(previous !== undefined ? { previousStartMs: previous } : {}),
      ...(this.fullListAtMs !== undefined ? { lastFullListMs: this.fullListAtMs } : {}),
    };
  }

  async fullListDone(startMs: number): Promise<void> {
    this.fullListAtMs = startMs;
  }
}
