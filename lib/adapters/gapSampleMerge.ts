import { newestGapFirst, type ObservedGap } from '../ports/usageStats';

/**
 * Puts `gap` into a scope's samples (newest first), as the scope read again would hold it: the
 * same job and instant is one sample, rewritten; a full list keeps its newest `limit`, so a
 * sample older than all of them is not among them. A resolved sample (the exact gap of a stopped
 * pool) is never replaced by its unresolved placeholder, whatever order the two arrive in: a
 * log read again from a margin back hands the placeholder over once more after its resolution.
 */
export const mergeGap = (samples: readonly ObservedGap[], gap: ObservedGap, limit: number): ObservedGap[] => {
  const same = samples.find((g) => g.job === gap.job && g.atMs === gap.atMs);
  if (same && gap.unresolved && !same.unresolved) return [...samples];
  const others = same ? samples.filter((g) => g !== same) : samples;
  return [...others, gap].sort(newestGapFirst).slice(0, limit);
};
