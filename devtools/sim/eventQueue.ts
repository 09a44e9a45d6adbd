/**
 * A binary min-heap of timed events for the discrete-event simulation. Ties break on `rank`
 * (lower first), then on insertion order, so that runs are repeatable.
 */
export interface Timed {
  readonly atMs: number;
  readonly rank: number;
}

interface Entry<T> {
  readonly item: T;
  readonly seq: number;
}

export class EventQueue<T extends Timed> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(item: T): void {
    this.heap.push({ item, seq: this.seq++ });
    this.up(this.heap.length - 1);
  }

  peek(): T | undefined {
    return this.heap[0]?.item;
  }

  pop(): T | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top && last && this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top?.item;
  }

  private before(a: Entry<T>, b: Entry<T>): boolean {
    if (a.item.atMs !== b.item.atMs) return a.item.atMs < b.item.atMs;
    if (a.item.rank !== b.item.rank) return a.item.rank < b.item.rank;
    return a.seq < b.seq;
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const a = this.heap[i] as Entry<T>;
      const b = this.heap[parent] as Entry<T>;
      if (!this.before(a, b)) return;
      this.heap[i] = b;
      this.heap[parent] = a;
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    const n = this.heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.before(this.heap[left] as Entry<T>, this.heap[smallest] as Entry<T>))
        smallest = left;
      if (right < n && this.before(this.heap[right] as Entry<T>, this.heap[smallest] as Entry<T>))
        smallest = right;
      if (smallest === i) return;
      const a = this.heap[i] as Entry<T>;
      this.heap[i] = this.heap[smallest] as Entry<T>;
      this.heap[smallest] = a;
      i = smallest;
    }
  }
}
