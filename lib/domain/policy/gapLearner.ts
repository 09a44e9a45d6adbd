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
   * comes" from the policy's own stop and trap it there. What is known is that no same-key job
   * came since the pool became Available: a gap censored at that time so far, up to the horizon.
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

/**
 * How many of a scope's newest gaps are learned from. With a half-life of a day, older samples of
 * a busy scope weigh next to nothing; fewer samples keep a 10,000-job whatif in seconds.
 */
export const GAPS_PER_SCOPE = 100;

export const DEFAULT_GAP_LEARNING: GapLearningOptions = {
  // Training weeks: 12 h, 1 d and 2 d measure alike; 2 h worse (too few samples per key left).
  halfLifeSeconds: 24 * 3600,
  // Training weeks: 2 samples' worth is worse than 4, and 8 to 32 alike and better than 4 (a
  // key's few recent gaps are noisier than its owner's many); 8 is the least shrinkage there.
  priorWeight: 8,
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
  scope.kind === 'matchKey'
    ? 'this match key'
    : scope.kind === 'all'
      ? 'all pools'
      : `${scope.kind} ${scope.key}`;

/** Samples as they count now: recency weights relative to the scope's newest; unresolved stops resolved or left out. */
/** Weighted samples of arrays without unresolved stops do not depend on `nowMs`: kept per array. */
const weightedOf = new WeakMap<readonly TimedGap[], { options: GapLearningOptions; weighted: Weighted[] }>();

const ownSamples = (samples: readonly TimedGap[], nowMs: number, options: GapLearningOptions): Weighted[] => {
  const known = weightedOf.get(samples);
  if (known && known.options === options) return known.weighted;
  const weighted = weigh(samples, nowMs, options);
  if (!samples.some((g) => g.unresolved === true)) weightedOf.set(samples, { options, weighted });
  return weighted;
};

const weigh = (samples: readonly TimedGap[], nowMs: number, options: GapLearningOptions): Weighted[] => {
  const usable: TimedGap[] = [];
  for (const s of samples) {
    if (!s.unresolved) {
      usable.push(s);
      continue;
    }
    const availableSinceMs = s.atMs - s.gapSeconds * 1000;
    const known = Math.min((nowMs - availableSinceMs) / 1000, options.missedReuseHorizonSeconds);
    if (known > 0) usable.push({ gapSeconds: known, reused: false, atMs: s.atMs });
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
 * A learned distribution as `weight` pseudo-samples: a reuse at each observed gap with the mass
 * the estimate puts there, and the mass never reused censored past the last one.
 */
const asPrior = (distribution: GapDistribution, weight: number): Weighted[] => {
  const prior: Weighted[] = [];
  let previous = 1;
  for (let i = 0; i < distribution.eventSeconds.length; i++) {
    const s = distribution.survival[i] ?? previous;
    if (previous - s > 0) {
      prior.push({
        gapSeconds: distribution.eventSeconds[i] ?? 0,
        reused: true,
        weight: weight * (previous - s),
      });
    }
    previous = s;
  }
  if (previous > 0) {
    const last = distribution.eventSeconds[distribution.eventSeconds.length - 1] ?? 0;
    const beyond = Math.max(last, ...distribution.censoredGaps.slice(-1));
    prior.push({ gapSeconds: beyond, reused: false, weight: weight * previous });
  }
  return prior;
};

/** One level of the hierarchy: its own samples, with the broader level's result as a prior. */
const learnLevel = (
  level: GapScope,
  own: readonly Weighted[],
  parent: LearnedGaps | undefined,
  options: GapLearningOptions,
): LearnedGaps | undefined => {
  if (own.length === 0) return parent;
  const ownWeight = total(own);
  const reuses = own.filter((s) => s.reused).length;
  const prior = parent ? asPrior(parent.distribution, options.priorWeight) : [];
  const ofParent = parent
    ? ` + ${describeScope(parent.scope)} as a prior of weight ${options.priorWeight}`
    : '';
  return {
    distribution: learnGaps([...own, ...prior]),
    scope: level,
    basis: `${describeScope(level)}: ${own.length} gaps (${own.length - reuses} unreused, weight ${ownWeight.toFixed(1)}, half-life ${formatDuration(options.halfLifeSeconds)})${ofParent}`,
  };
};

/**
 * Hierarchical shrinkage: the broadest scope (all pools) is learned from its own samples; each
 * narrower scope (instance family, team, owner, match key) from its own samples plus the broader
 * result counted as `priorWeight` samples. A key with many recent gaps follows its own; a new key
 * starts from what its owner, team, instance family or all pools showed. Undefined when no scope
 * has any.
 */
export const learnHierarchical = (
  /** Most specific first, as gapScopes gives them. */
  scopes: readonly GapScope[],
  lookup: (scope: GapScope) => readonly TimedGap[] | undefined,
  nowMs: number,
  options: GapLearningOptions = DEFAULT_GAP_LEARNING,
): LearnedGaps | undefined => {
  let learned: LearnedGaps | undefined;
  for (let i = scopes.length - 1; i >= 0; i--) {
    const level = scopes[i] as GapScope;
    learned = learnLevel(level, ownSamples(lookup(level) ?? [], nowMs, options), learned, options);
  }
  return learned;
};

/**
 * Remembers each level's result (per chain of scopes from it to the broadest) while its samples
 * are the same array, so that callers that replace a scope's array when it changes (the
 * simulation) relearn only what changed. The broader levels (owner, team, family) are relearned
 * at most every `refreshMs` of the caller's clock, and taken up by the levels under them as
 * often: with hundreds of samples a prior moves slowly, and relearning every key on every new
 * sample of its instance family would make a 10,000-job replay take minutes. The match key's
 * own level is relearned whenever its samples change. Without unresolved samples a level does not depend on `nowMs`.
 */
export class GapLearnerMemo {
  private readonly levels = new Map<
    string,
    {
      readonly own: readonly TimedGap[] | undefined;
      readonly parent: LearnedGaps | undefined;
      readonly atMs: number;
      /** Holds unresolved stops, censored at "now": as stale as its age. */
      readonly pending: boolean;
      readonly learned: LearnedGaps | undefined;
    }
  >();

  constructor(private readonly refreshMs = 10 * 60_000) {}

  learn(
    scopes: readonly GapScope[],
    lookup: (scope: GapScope) => readonly TimedGap[] | undefined,
    nowMs: number,
    options: GapLearningOptions = DEFAULT_GAP_LEARNING,
  ): LearnedGaps | undefined {
    let learned: LearnedGaps | undefined;
    let chain = '';
    for (let i = scopes.length - 1; i >= 0; i--) {
      const level = scopes[i] as GapScope;
      chain = chain ? `${gapScopeId(level)}|${chain}` : gapScopeId(level);
      const own = lookup(level);
      const hit = this.levels.get(chain);
      if (hit) {
        const fresh = nowMs - hit.atMs < this.refreshMs;
        const leaf = i === 0;
        const sameOwn = hit.own === own && (!hit.pending || fresh);
        const ownOk = leaf ? sameOwn : sameOwn || fresh;
        if (ownOk && (hit.parent === learned || fresh)) {
          learned = hit.learned;
          continue;
        }
      }
      const parent = learned;
      learned = learnLevel(level, ownSamples(own ?? [], nowMs, options), parent, options);
      const pending = (own ?? []).some((g) => g.unresolved === true);
      this.levels.set(chain, { own, parent, atMs: nowMs, pending, learned });
    }
    return learned;
  }
}
