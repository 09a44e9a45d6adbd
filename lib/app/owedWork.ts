/** How many sweeps owed work is tried again before the container gives up on it (the log says so). */
const TRIES = 15;

/** How long work stays owed at most: one of another account, or whose pool is gone, is forgotten then. */
const OWED_FOR_AT_MOST_MS = 3_600_000;

/** How much work a container keeps owing: beyond, the oldest is forgotten. */
const MOST_OWED = 1_000;

interface Owed<T> {
  readonly item: T;
  readonly sinceMs: number;
  tries: number;
}

/**
 * Work an earlier sweep of this container could not finish (a notice its log refused, a fact its
 * reactor failed on), tried again at the next sweeps within fixed bounds: at most 15 tries, an
 * hour, 1,000 items. Kept in the container, as the sweep's other memories are: a new one owes nothing.
 */
export class OwedWork<T> {
  private readonly owed = new Map<string, Owed<T>>();

  keep(key: string, item: T, nowMs: number): void {
    this.owed.delete(key);
    this.owed.set(key, { item, sinceMs: nowMs, tries: 0 });
    const oldest = this.owed.keys().next().value;
    if (this.owed.size > MOST_OWED && oldest !== undefined) this.owed.delete(oldest);
  }

  /** Kept unless it is owed already: then its tries and its age stand. */
  keepOnce(key: string, item: T, nowMs: number): void {
    if (!this.owed.has(key)) this.keep(key, item, nowMs);
  }

  /**
   * What to try now: the items `ready` picks (the others wait, their pool not in this sweep's
   * read), each counted as tried; items owed too long or tried too often are forgotten.
   */
  due(nowMs: number, ready: (item: T) => boolean): Array<readonly [string, T]> {
    const due: Array<readonly [string, T]> = [];
    for (const [key, owed] of this.owed) {
      if (owed.tries >= TRIES || nowMs - owed.sinceMs > OWED_FOR_AT_MOST_MS) {
        this.owed.delete(key);
        continue;
      }
      if (!ready(owed.item)) continue;
      owed.tries++;
      due.push([key, owed.item]);
    }
    return due;
  }

  /** Everything owed, by key, oldest first; nothing counted as tried. */
  entries(): Array<readonly [string, T]> {
    return [...this.owed].map(([key, owed]) => [key, owed.item] as const);
  }

  /** Done at last: owed no more. */
  settle(key: string): void {
    this.owed.delete(key);
  }

  get size(): number {
    return this.owed.size;
  }
}
