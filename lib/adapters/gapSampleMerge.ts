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

/** Whether two samples say the same in every field (a write read back from the log, say). */
const sameGap = (a: ObservedGap, b: ObservedGap): boolean => {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof ObservedGap)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    if (x.some((v, i) => v !== y[i])) return false;
  }
  return true;
};

/**
 * Puts `gap` into a scope's samples as mergeTimedSample does, except that a resolved sample (the
 * exact gap of a stopped pool) is never replaced by its unresolved placeholder, whatever order
 * the two arrive in: a log read again from a margin back hands the placeholder over once more
 * after its resolution. Samples it leaves unchanged are given back as the same array (a
 * container reads its own writes again in the log), which the learner's memo keys on.
 */
export const mergeGap = (
  samples: readonly ObservedGap[],
  gap: ObservedGap,
  limit: number,
): readonly ObservedGap[] => {
  const same = samples.find((g) => g.job === gap.job && g.atMs === gap.atMs);
  if (same && ((gap.unresolved && !same.unresolved) || sameGap(same, gap))) return samples;
  return mergeTimedSample(samples, gap, limit);
};
