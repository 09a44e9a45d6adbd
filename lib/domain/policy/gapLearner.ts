import { formatDuration } from './duration';
import {
  type GapDistribution,
  type GapSample,
  type GapScope,
  gapScopeId,
  learnGaps,
} from './gapDistribution';

/** A gap sample and when it was learned. */
export interface TimedGap extends GapSample {
  /** When the gap ended: the reuse, the pool's end, or the cold start that told a missed reuse. */
  readonly atMs: number;
  /**
   * The policy stopped this pool after `gapSeconds` idle and no same-key submission has told the
   * gap it would have had yet. Not a 0-second (or short) censored gap: that would teach "no reuse
   * comes" from the policy's own stop and trap it there. It counts only once the missed-reuse
   * horizon has passed, as a gap censored at that horizon.
   */
  readonly unresolved?: boolean;
}

/**
 * How the learner weighs evidence. Chosen on the training workloads of the benchmark (never on
 * the workloads it reports): see bench/results.md.
 */
export interface GapLearningOptions {
  /** A sample this much older than its scope's newest counts half: a changed workload is followed within a day. */
  readonly halfLifeSeconds: number;
  /** How many samples' worth the broader scope's distribution counts as a prior for a narrower one. */
  readonly priorWeight: number;
  /** A stopped pool whose key saw no cold start for this long is a gap censored at this long. */
  readonly missedReuseHorizonSeconds: number;
}

export const DEFAULT_GAP_LEARNING: GapLearningOptions = {
  halfLifeSeconds: 24 * 3600,
  priorWeight: 4,
  missedReuseHorizonSeconds: 6 * 3600,
};

export interface LearnedGaps {
  readonly distribution: GapDistribution;
  /** The most specific scope that had samples. */
  readonly scope: GapScope;
  /** Names every learned figure: which scopes, how many gaps, their weights. */
  readonly basis: string;
}

interface Weighted {
  readonly gapSeconds: number;
  readonly reused: boolean;
  readonly weight: number;
}

const describeScope = (scope: GapScope): string =>
  scope.kind === 'matchKey' ? 'this match key' : `${scope.kind} ${scope.key}`;

/** Samples as they count now: recency weights relative to the scope's newest; unresolved stops resolved or left out. */
const ownSamples = (samples: readonly TimedGap[], nowMs: number, options: GapLearningOptions): Weighted[] => {
  const usable: TimedGap[] = [];
  for (const s of samples) {
    if (!s.unresolved) {
      usable.push(s);
      continue;
    }
    const availableSinceMs = s.atMs - s.gapSeconds * 1000;
    if (nowMs - availableSinceMs >= options.missedReuseHorizonSeconds * 1000) {
      usable.push({
        gapSeconds: options.missedReuseHorizonSeconds,
        reused: false,
        atMs: availableSinceMs + options.missedReuseHorizonSeconds * 1000,
      });
    }
  }
  const newest = usable.reduce((max, s) => Math.max(max, s.atMs), Number.NEGATIVE_INFINITY);
  const halfLifeMs = options.halfLifeSeconds * 1000;
  return usable.map((s) => ({
    gapSeconds: s.gapSeconds,
    reused: s.reused,
    weight: (s.weight ?? 1) * 0.5 ** ((newest - s.atMs) / halfLifeMs),
  }));
};

const total = (samples: readonly Weighted[]): number => samples.reduce((sum, s) => sum + s.weight, 0);

/**
 * Hierarchical shrinkage: the broadest scope (instance family) is learned from its own samples;
 * each narrower scope (team, owner, match key) from its own samples plus the broader result
 * counted as `priorWeight` samples. A key with many recent gaps follows its own; a new key
 * starts from what its owner, team or instance family showed. Undefined when no scope has any.
 */
export const learnHierarchical = (
  /** Most specific first, as gapScopes gives them. */
  scopes: readonly GapScope[],
  lookup: (scope: GapScope) => readonly TimedGap[] | undefined,
  nowMs: number,
  options: GapLearningOptions = DEFAULT_GAP_LEARNING,
): LearnedGaps | undefined => {
  let prior: Weighted[] = [];
  let priorLabel = '';
  let scope: GapScope | undefined;
  let basis = '';
  for (let i = scopes.length - 1; i >= 0; i--) {
    const level = scopes[i] as GapScope;
    const own = ownSamples(lookup(level) ?? [], nowMs, options);
    if (own.length === 0) continue;
    const ownWeight = total(own);
    const priorTotal = total(prior);
    const scaled =
      priorTotal > 0
        ? prior.map((s) => ({ ...s, weight: (s.weight * options.priorWeight) / priorTotal }))
        : [];
    const reuses = own.filter((s) => s.reused).length;
    basis = `${describeScope(level)}: ${own.length} gaps (${own.length - reuses} unreused, weight ${ownWeight.toFixed(1)}, half-life ${formatDuration(options.halfLifeSeconds)})${priorTotal > 0 ? ` + ${priorLabel} as a prior of weight ${options.priorWeight}` : ''}`;
    prior = [...own, ...scaled];
    priorLabel = describeScope(level);
    scope = level;
  }
  if (!scope) return undefined;
  return { distribution: learnGaps(prior), scope, basis };
};

/**
 * Remembers the last result per chain of scopes while the samples are the same arrays: callers
 * that replace a scope's array when it changes (the simulation) relearn only then. Without
 * unresolved samples the result does not depend on `nowMs`; with them, do not memoise.
 */
export class GapLearnerMemo {
  private readonly memo = new Map<
    string,
    { arrays: (readonly TimedGap[] | undefined)[]; learned?: LearnedGaps }
  >();

  learn(
    scopes: readonly GapScope[],
    lookup: (scope: GapScope) => readonly TimedGap[] | undefined,
    nowMs: number,
    options: GapLearningOptions = DEFAULT_GAP_LEARNING,
  ): LearnedGaps | undefined {
    const key = scopes.map(gapScopeId).join('|');
    const arrays = scopes.map(lookup);
    const hit = this.memo.get(key);
    if (hit && hit.arrays.length === arrays.length && hit.arrays.every((a, i) => a === arrays[i])) {
      return hit.learned;
    }
    const learned = learnHierarchical(scopes, (s) => arrays[scopes.indexOf(s)], nowMs, options);
    this.memo.set(key, { arrays, ...(learned ? { learned } : {}) });
    return learned;
  }
}
