/** How many ended jobs a container remembers before it starts over (a few reconciles' worth). */
const REMEMBERED_ENDS = 10_000;

/**
 * Ended jobs this container has read from the ledger as recorded ended, and whether their pool
 * was recorded too. A recorded end never goes back (snapshots only move forward) and a recorded
 * pool stays, so a later reconcile whose listing names the job again need not read it again.
 * Consecutive reconciles' listings of what changed overlap by a period, so each ended job is
 * named twice.
 */
export class RecordedEnds {
  private readonly ends = new Map<string, { readonly withPool: boolean }>();

  /** Whether the job is known recorded ended, with its pool when `needsPool`. */
  covers(name: string, needsPool: boolean): boolean {
    const known = this.ends.get(name);
    return known !== undefined && (known.withPool || !needsPool);
  }

  note(name: string, withPool: boolean): void {
    if (this.ends.size >= REMEMBERED_ENDS) this.ends.clear();
    this.ends.set(name, { withPool });
  }
}
