import { describe, expect, it } from 'vitest';
import { mergeGap } from '../../lib/adapters/gapSampleMerge';
import type { ObservedGap } from '../../lib/ports/usageStats';

const T0 = Date.parse('2026-03-02T09:00:00Z');

const gap = (job: string, atMs: number, gapSeconds = 60): ObservedGap => ({
  job,
  atMs,
  gapSeconds,
  reused: true,
});
const placeholder = (job: string, atMs: number): ObservedGap => ({
  job,
  atMs,
  gapSeconds: 30,
  reused: false,
  unresolved: true,
  scopeIds: ['matchKey:k', 'team:t'],
});

const jobs = (samples: readonly ObservedGap[]) => samples.map((g) => g.job);

describe('merging a written gap into a scope’s samples', () => {
  it('keeps one sample per job and instant, the last written, newest first', () => {
    let samples = mergeGap([], gap('a', T0), 10);
    samples = mergeGap(samples, gap('b', T0 + 1000), 10);
    samples = mergeGap(samples, gap('a', T0, 90), 10);
    samples = mergeGap(samples, gap('a', T0, 90), 10);
    expect(samples).toEqual([gap('b', T0 + 1000), gap('a', T0, 90)]);
    // The same job at another instant is another sample (another hop of its pool).
    expect(jobs(mergeGap(samples, gap('a', T0 + 2000), 10))).toEqual(['a', 'b', 'a']);
  });

  it('keeps the newest `limit`: a sample older than a full list is not among them', () => {
    const full = [gap('c', T0 + 2000), gap('b', T0 + 1000)];
    expect(mergeGap(full, gap('a', T0), 2)).toEqual(full);
    expect(jobs(mergeGap(full, gap('d', T0 + 3000), 2))).toEqual(['d', 'c']);
    // A list shorter than the limit is all the scope holds: an older sample joins it.
    expect(jobs(mergeGap(full, gap('a', T0), 3))).toEqual(['c', 'b', 'a']);
  });

  it('resolves a placeholder that arrived first', () => {
    const samples = mergeGap([gap('b', T0 + 1000)], placeholder('a', T0), 10);
    expect(samples[1]?.unresolved).toBe(true);
    expect(mergeGap(samples, gap('a', T0, 400), 10)).toEqual([gap('b', T0 + 1000), gap('a', T0, 400)]);
  });

  it('keeps the resolution when its placeholder arrives after it (a log read again from a margin back)', () => {
    const resolved = [gap('b', T0 + 1000), gap('a', T0, 400)];
    expect(mergeGap(resolved, placeholder('a', T0), 10)).toEqual(resolved);
    // A later resolution of the same sample still replaces the earlier one.
    expect(mergeGap(resolved, gap('a', T0, 500), 10)).toEqual([gap('b', T0 + 1000), gap('a', T0, 500)]);
  });
});
