/**
 * The emulator's agenda: transitions due at a virtual time. A binary heap ordered by time, then
 * by scheduling order, so that transitions due at the same millisecond apply in the order they
 * were scheduled — deterministic whatever the platform. Cancelled entries stay in the heap and
 * are skipped when they reach the top (cheaper than removing them from the middle).
 */
export interface Scheduled<T> {
  readonly atMs: number;
  readonly seq: number;
  readonly item: T;
  cancelled: boolean;
}

const before = <T>(a: Scheduled<T>, b: Scheduled<T>): boolean =>
  a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);

export class TransitionQueue<T> {
  private readonly heap: Scheduled<T>[] = [];
  private nextSeq = 0;

  schedule(atMs: number, item: T): Scheduled<T> {
    if (!Number.isFinite(atMs)) throw new RangeError(`cannot schedule a transition at ${atMs}`);
    const entry: Scheduled<T> = { atMs, seq: this.nextSeq++, item, cancelled: false };
    this.heap.push(entry);
    this.siftUp(this.heap.length - 1);
    return entry;
  }

  cancel(entry: Scheduled<T> | undefined): void {
    if (entry) entry.cancelled = true;
  }

  /** When the earliest live transition is due, or undefined when none is left. */
  nextDueAt(): number | undefined {
    return this.peekLive()?.atMs;
  }

  /** Removes and returns the earliest live transition if it is due at or before `ms`. */
  popDue(ms: number): Scheduled<T> | undefined {
    const top = this.peekLive();
    if (!top || top.atMs > ms) return undefined;
    this.popTop();
    return top;
  }

  /** Live (not cancelled) transitions still queued. O(n): for inspection, not for the hot path. */
  get size(): number {
    return this.heap.reduce((n, e) => (e.cancelled ? n : n + 1), 0);
  }

  private peekLive(): Scheduled<T> | undefined {
    let top = this.heap[0];
    while (top?.cancelled) {
      this.popTop();
      top = this.heap[0];
    }
    return top;
  }

  private popTop(): void {
    const last = this.heap.pop();
    if (last === undefined || this.heap.length === 0) return;
    this.heap[0] = last;
    this.siftDown(0);
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const a = heap[i];
      const b = heap[parent];
      if (!a || !b || !before(a, b)) return;
      heap[i] = b;
      heap[parent] = a;
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      const s0 = heap[smallest];
      const l = heap[left];
      if (l && s0 && before(l, s0)) smallest = left;
      const s1 = heap[smallest];
      const r = heap[right];
      if (r && s1 && before(r, s1)) smallest = right;
      if (smallest === i) return;
      const a = heap[i];
      const b = heap[smallest];
      if (!a || !b) return;
      heap[i] = b;
      heap[smallest] = a;
      i = smallest;
    }
  }
}
