import type { SweepWakes } from '../../ports/sweepWakes';

/** Wakes kept in memory, for unit tests: each minute asked once, as the Scheduler's names make it. */
export class MemorySweepWakes implements SweepWakes {
  readonly wakes = new Set<number>();
  /** Every request, repeats included. */
  asked = 0;
  /** Set to make the next requests fail, as a throttled or unavailable Scheduler would. */
  failWith: Error | undefined;

  async wakeAt(atMs: number): Promise<void> {
    this.asked++;
    if (this.failWith) throw this.failWith;
    this.wakes.add(atMs);
  }
}
