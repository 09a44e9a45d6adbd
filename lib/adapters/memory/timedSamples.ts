import { newestGapFirst } from '../../ports/usageStats';

/**
 * Samples kept by job and instant (one per pair, the last written wins), read newest first as
 * `newestGapFirst` orders them. Kept in order as they are written, so that a read of the newest
 * few costs what it returns, not a sort of the whole history. Stored oldest first: samples
 * nearly always arrive in time order, at the end.
 */
export class TimedSamples<T extends { readonly job: string; readonly atMs: number }> {
  private readonly rows: T[] = [];

  set(sample: T): void {
    const rows = this.rows;
    // The first row not older than the sample.
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const row = rows[mid];
      if (row && newestGapFirst(row, sample) > 0) lo = mid + 1;
      else hi = mid;
    }
    const at = rows[lo];
    if (at && newestGapFirst(at, sample) === 0) rows[lo] = sample;
    else rows.splice(lo, 0, sample);
  }

  newest(limit: number): T[] {
    const out: T[] = [];
    for (let i = this.rows.length - 1; i >= 0 && out.length < limit; i--) {
      const row = this.rows[i];
      if (row) out.push(row);
    }
    return out;
  }
}
