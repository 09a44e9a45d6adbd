import type { EmulatedPool } from './emulatedJob';
import { choosePool, type PoolChoiceRule } from './poolChoice';

/**
 * The Available pools, indexed by match key, so that a new job finds its candidates without
 * looking at any other pool: O(pools with that key) per creation.
 */
export class AvailablePools<P extends EmulatedPool> {
  private readonly byKey = new Map<string, Set<P>>();

  constructor(private readonly rule: PoolChoiceRule) {}

  add(pool: P): void {
    let set = this.byKey.get(pool.matchKey);
    if (!set) {
      set = new Set();
      this.byKey.set(pool.matchKey, set);
    }
    set.add(pool);
  }

  remove(pool: P): void {
    const set = this.byKey.get(pool.matchKey);
    if (!set) return;
    set.delete(pool);
    if (set.size === 0) this.byKey.delete(pool.matchKey);
  }

  /** The pool a job with this match key takes, by the emulator's choice rule. */
  pick(matchKey: string): P | undefined {
    const set = this.byKey.get(matchKey);
    return set ? choosePool(set, this.rule) : undefined;
  }

  count(matchKey?: string): number {
    if (matchKey !== undefined) return this.byKey.get(matchKey)?.size ?? 0;
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }
}
