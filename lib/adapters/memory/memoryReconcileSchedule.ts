import { type ClaimRule, isReconcileDue } from '../../domain/reconcilePeriod';
import type {
  FullListResume,
  ReconcileClaim,
  ReconcileOutcome,
  ReconcileSchedule,
} from '../../ports/reconcileSchedule';

/** DynamoReconcileSchedule's rule in memory, for tests and simulations. */
export class MemoryReconcileSchedule implements ReconcileSchedule {
  private startedAtMs: number | undefined;
  private dueAtMs: number | undefined;
  private listedAtMs: number | undefined;
  private fullListAtMs: number | undefined;
  private lastSurpriseAtMs: number | undefined;
  private fullListResume: FullListResume | undefined;

  async claim(nowMs: number, baseMs: number, rule: ClaimRule): Promise<ReconcileClaim> {
    const previous = this.startedAtMs;
    if (
      previous !== undefined &&
      !isReconcileDue({ startedAtMs: previous, dueAtMs: this.dueAtMs }, nowMs, baseMs, rule)
    )
      return {
        claimed: false,
        ...(this.dueAtMs !== undefined ? { inForce: { startedAtMs: previous, dueAtMs: this.dueAtMs } } : {}),
      };
    const granted =
      previous !== undefined && this.dueAtMs !== undefined ? this.dueAtMs - previous : undefined;
    this.startedAtMs = nowMs;
    this.dueAtMs = nowMs + baseMs;
    return {
      claimed: true,
      ...(previous !== undefined ? { previousStartMs: previous } : {}),
      ...(this.listedAtMs !== undefined ? { lastListedMs: this.listedAtMs } : {}),
      ...(granted !== undefined ? { grantedMs: granted } : {}),
      ...(this.fullListAtMs !== undefined ? { lastFullListMs: this.fullListAtMs } : {}),
      ...(this.lastSurpriseAtMs !== undefined ? { lastSurpriseAtMs: this.lastSurpriseAtMs } : {}),
      ...(this.fullListResume !== undefined ? { fullListResume: this.fullListResume } : {}),
    };
  }

  async done(startMs: number, outcome: ReconcileOutcome): Promise<void> {
    // Each only forward once claimed again: a later reconcile may be done already. Until then a
    // reconcile that left ends unadopted may hold the listing back (ReconcileOutcome.listedThroughMs).
    const listedMs = outcome.listedThroughMs ?? startMs;
    this.listedAtMs =
      this.startedAtMs === startMs ? listedMs : Math.max(this.listedAtMs ?? listedMs, listedMs);
    if (outcome.fullList) {
      const fullMs = outcome.fullListStartedMs ?? startMs;
      this.fullListAtMs = Math.max(this.fullListAtMs ?? fullMs, fullMs);
    }
    // The progress of a full listing is kept by the latest reconcile only (a part overtaken is listed again).
    if (this.startedAtMs === startMs && (outcome.fullList || outcome.fullListResume))
      this.fullListResume = outcome.fullListResume;
    if (outcome.surprise) this.lastSurpriseAtMs = Math.max(this.lastSurpriseAtMs ?? startMs, startMs);
    if (this.startedAtMs === startMs) this.dueAtMs = outcome.nextDueAtMs;
  }
}
