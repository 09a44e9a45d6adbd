import { newestGapFirst, type ObservedGap } from '../ports/usageStats';

/** A sample kept by job and instant, as the usage statistics answer them (newest first). */
interface TimedSample {
  readonly job: string;
  readonly atMs: number;
}

/**
 * Puts `sample` into samples kept newest first, as the store read again would hold them: the
 * same job and instant is one sample, rewritten; a full list keeps its newest `limit`, so a
 * sample older than all of them is not among them.
 */
export const mergeTimedSample = <T extends TimedSample>(
  samples: readonly T[],
  sample: T,
  limit: number,
): T[] => {
  const others = samples.filter((s) => s.job !== sample.job || s.atMs !== sample.atMs);
  return [...others, sample].sort(newestGapFirst).slice(0, limit);
};

/**
 * Puts `gap` into a scope's samples as mergeTimedSample does, except that a resolved sample (the
 * exact gap of a stopped pool) is never replaced by its unresolved placeholder, whatever order
 * the two arrive in: a log read again from a margin back hands the placeholder over once more
 * after its resolution.
 */
export const mergeGap = (samples: readonly ObservedGap[], gap: ObservedGap, limit: number): ObservedGap[] => {
  const same = samples.find((g) => g.job === gap.job && g.atMs === gap.atMs);
  if (same && gap.unresolved && !same.unresolved) return [...samples];
  return mergeTimedSample(samples, gap, limit);
};
