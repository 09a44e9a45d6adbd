/**
 * Asks for the sweep to run at a later whole UTC minute (a "wake"): EventBridge Scheduler's
 * one-shot schedules when deployed (adapters/scheduler/schedulerWakes.ts), a stand-in in the local
 * stack. Many askers naming the same minute make one wake.
 */
export interface SweepWakes {
  /**
   * Asks for a sweep at `atMs`, a whole UTC minute. Resolves once the wake is set (or was set
   * already); rejects when it could not be set (throttled, the service down): the caller logs it
   * and the backstop schedule sweeps in its stead (app/sweepWakes.ts).
   */
  wakeAt(atMs: number): Promise<void>;
}

/** No wakes: the CLI, and a deployment configured without them (its backstop alone sweeps). */
export const noSweepWakes: SweepWakes = { wakeAt: async () => {} };
