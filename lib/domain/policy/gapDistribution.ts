import type { JobRecord } from '../jobRecord';
import type { PoolView } from '../poolChain';
import { doubleArray } from './doubleArray';

/**
 * The idle gap of a pool: from the pool becoming Available to the submission of the next
 * matching job. A reuse shows the gap exactly. A pool that ended unreused (expired, stopped)
 * only shows that the gap was longer than its idle time: the sample is right-censored. Dropping
 * those samples would make reuse look likelier than it is, and counting them as gaps would make
 * it look rarer, so the distribution is the Kaplan–Meier estimate, which uses both honestly.
 */
export interface GapSample {
  readonly gapSeconds: number;
  /** true: a job reused the pool after gapSeconds. false: the pool ended unreused after gapSeconds. */
  readonly reused: boolean;
  /** How much the sample counts (recency, prior shrinkage); 1 when absent. */
  readonly weight?: number;
  /**
   * How long the pool's head job took from its submission to its start (a warm start or a cold
   * one): what the submission clock adds back (gapClock.ts). Absent in samples written before it
   * was recorded.
   */
  readonly startupSeconds?: number;
}

export interface GapDistribution {
  readonly samples: number;
  /** Total weight of the samples (equal to `samples` when none is weighted). */
  readonly weight: number;
  readonly reuses: number;
  readonly censored: number;
  /** Distinct gaps at which reuses were seen, ascending. */
  readonly eventSeconds: readonly number[];
  /** Kaplan–Meier survival just after each event: P(gap > eventSeconds[i]). */
  readonly survival: readonly number[];
  /** The exact gaps, ascending (the hybrid histogram is built from these). */
  readonly reuseGaps: readonly number[];
  /** How much each of reuseGaps counts (recency, a prior's share), in the same order. */
  readonly reuseWeights: readonly number[];
  /** The censored idle times, ascending. */
  readonly censoredGaps: readonly number[];
  /** How much each of censoredGaps counts, in the same order. */
  readonly censoredWeights: readonly number[];
}

/** Whether a sample counts at all: a finite gap and, if weighted, a positive weight. */
const counts = (s: GapSample): boolean =>
  Number.isFinite(s.gapSeconds) && (s.weight === undefined || s.weight > 0);

/**
 * Samples that all count, in ascending gap order (a negative gap read as 0), as columns: a
 * replay's learner keeps a scope's samples so and fits thousands of them without an object each.
 */
export interface OrderedGaps {
  readonly gapSeconds: readonly number[];
  readonly reused: readonly boolean[];
  readonly weight: readonly number[];
  /**
   * Set on a prior (the second column of a fit) whose weights sum to this: it is counted as this
   * many samples at risk at every gap, its reuses at each gap as that share of its hazard there,
   * instead of as samples that leave the risk set one by one (learnGapsOfSorted).
   */
  readonly atRiskAlways?: number;
}

/** Samples already in gap order as columns, leaving out those that do not count. */
export const orderedGapsOf = (samples: readonly GapSample[]): OrderedGaps => {
  const gapSeconds: number[] = [];
  const reused: boolean[] = [];
  const weight: number[] = [];
  for (const s of samples) {
    if (!counts(s)) continue;
    gapSeconds.push(Math.max(0, s.gapSeconds));
    reused.push(s.reused);
    weight.push(s.weight ?? 1);
  }
  return { gapSeconds, reused, weight };
};

const inGapOrder = (gaps: OrderedGaps): boolean => {
  for (let i = 1; i < gaps.gapSeconds.length; i++) {
    if ((gaps.gapSeconds[i] as number) < (gaps.gapSeconds[i - 1] as number)) return false;
  }
  return true;
};

/** Samples in any order as columns in gap order, leaving out those that do not count. */
export const orderedGapsOfAny = (samples: readonly GapSample[]): OrderedGaps =>
  // Stable: samples of equal gaps keep their order, and so the order of a fit's sums.
  orderedGapsOf(samples.filter(counts).sort((a, b) => Math.max(0, a.gapSeconds) - Math.max(0, b.gapSeconds)));

/** The (weighted) Kaplan–Meier estimate of the gap distribution. */
export const learnGaps = (samples: readonly GapSample[]): GapDistribution =>
  fitMerged(orderedGapsOfAny(samples), NO_GAPS);

const NO_GAPS: OrderedGaps = { gapSeconds: [], reused: [], weight: [] };

/**
 * learnGaps of the samples of `first` followed by those of `second` (a scope's own samples and
 * its prior), each already in gap order: a merge instead of a concatenation and a sort, with the
 * same result to the bit (equal gaps keep `first` before `second`, as the stable sort does).
 */
export const learnGapsOfOrdered = (first: OrderedGaps, second: OrderedGaps): GapDistribution =>
  inGapOrder(first) && inGapOrder(second)
    ? fitMerged(first, second)
    : fitMerged(putInGapOrder(first), putInGapOrder(second));

/** The same columns in gap order (a prior's `atRiskAlways` kept). */
const putInGapOrder = (gaps: OrderedGaps): OrderedGaps => {
  const ordered = orderedGapsOfAny(samplesOf(gaps));
  return gaps.atRiskAlways === undefined ? ordered : { ...ordered, atRiskAlways: gaps.atRiskAlways };
};

/**
 * learnGapsOfOrdered without checking the order, for columns built in gap order by construction
 * (the replay's learner): the check reads every sample once more per fit, a third of the fit's work.
 *
 * A `second` with `atRiskAlways` w is a prior on the hazard (a beta-process prior): at each gap
 * the estimate's hazard is (own reuses + w × the prior's hazard) / (own samples at risk + w).
 * Counted as samples, a prior's weight at risk fades with its own survival (w × S(t)), so far
 * into an idle period a few own gaps outweigh it: the plug-in estimate whose high swings the
 * decision keeps. The histogram columns (reuseGaps, censoredGaps) still hold its samples' weights.
 */
export const learnGapsOfSorted = (first: OrderedGaps, second: OrderedGaps): GapDistribution =>
  fitMerged(first, second);

const samplesOf = (gaps: OrderedGaps): GapSample[] =>
  gaps.gapSeconds.map((gapSeconds, i) => ({
    gapSeconds,
    reused: gaps.reused[i] === true,
    weight: gaps.weight[i] as number,
  }));

/**
 * The estimate of the samples of two columns in gap order, merged (equal gaps: `first` first).
 * A replay fits tens of thousands of times: the arrays are made at their final size and filled by
 * index (grown by push they copy themselves as they go), and the two columns' ties are taken by
 * two loops alike rather than through a shared helper and its state object. The histogram's
 * columns are left to FittedGaps, made when first read: only the hybrid histogram reads them,
 * and a replay's learner keeps each fit a while, so every column made would be copied by the
 * garbage collector at least once.
 */
const fitMerged = (first: OrderedGaps, second: OrderedGaps): GapDistribution => {
  const { gapSeconds: g1, weight: w1, reused: r1 } = first;
  const { gapSeconds: g2, weight: w2, reused: r2 } = second;
  const n1 = g1.length;
  const n2 = g2.length;
  const always = second.atRiskAlways;
  // The total in the merged order (the sums below must add in the order the sort would give),
  // and how many reuses there are, in one pass.
  let atRisk = 0;
  let allReuses = 0;
  let i = 0;
  let j = 0;
  while (i < n1 && j < n2) {
    if ((g1[i] as number) <= (g2[j] as number)) {
      if (r1[i]) allReuses++;
      atRisk += w1[i++] as number;
    } else {
      if (r2[j]) allReuses++;
      atRisk += w2[j++] as number;
    }
  }
  for (; i < n1; i++) {
    if (r1[i]) allReuses++;
    atRisk += w1[i] as number;
  }
  for (; j < n2; j++) {
    if (r2[j]) allReuses++;
    atRisk += w2[j] as number;
  }
  const weight = atRisk;
  // At most one event per reuse; cut to the events seen at the end.
  const eventSeconds = doubleArray(allReuses);
  const survival = doubleArray(allReuses);
  let events = 0;
  let surviving = 1;
  let lastCensoredGap: number | undefined;
  // A hazard prior: how much of its weight is still ahead (its hazard at a gap is the share of
  // that leaving there as reuses).
  let priorAhead = 0;
  if (always !== undefined) for (let k = 0; k < n2; k++) priorAhead += w2[k] as number;
  i = 0;
  j = 0;
  while (i < n1 || j < n2) {
    const gap =
      j >= n2 || (i < n1 && (g1[i] as number) <= (g2[j] as number)) ? (g1[i] as number) : (g2[j] as number);
    // The samples of this gap in merged order, first's then second's, their weights summed in
    // that order. Censored samples tied with a reuse are still at risk at that instant (the usual
    // convention).
    let tiedReuses = 0;
    let leaving = 0;
    for (; i < n1 && g1[i] === gap; i++) {
      const w = w1[i] as number;
      leaving += w;
      if (r1[i]) tiedReuses += w;
      else lastCensoredGap = gap;
    }
    const ownReuses = tiedReuses;
    const ownLeaving = leaving;
    for (; j < n2 && g2[j] === gap; j++) {
      const w = w2[j] as number;
      leaving += w;
      if (r2[j]) tiedReuses += w;
      else lastCensoredGap = gap;
    }
    if (always === undefined) {
      if (tiedReuses > 0 && atRisk > 0) {
        surviving *= Math.max(0, 1 - tiedReuses / atRisk);
        eventSeconds[events] = gap;
        survival[events++] = surviving;
      }
    } else {
      const priorReuses = tiedReuses - ownReuses;
      const hazardReuses = ownReuses + (priorAhead > 0 ? (always * priorReuses) / priorAhead : 0);
      const risk = atRisk - priorAhead + always;
      if (hazardReuses > 0 && risk > 0) {
        surviving *= Math.max(0, 1 - hazardReuses / risk);
        eventSeconds[events] = gap;
        survival[events++] = surviving;
      }
      priorAhead -= leaving - ownLeaving;
    }
    atRisk -= leaving;
  }
  eventSeconds.length = events;
  survival.length = events;
  return new FittedGaps(
    n1 + n2,
    weight,
    allReuses,
    n1 + n2 - allReuses,
    eventSeconds,
    survival,
    lastCensoredGap,
    first,
    second,
  );
};

/** The histogram's columns of a fit: its samples split into reuses and censored ones, in gap order. */
interface HistogramColumns {
  readonly reuseGaps: readonly number[];
  readonly reuseWeights: readonly number[];
  readonly censoredGaps: readonly number[];
  readonly censoredWeights: readonly number[];
}

/**
 * fitMerged's result: the histogram's columns are made from the fit's samples when first read
 * (the same merge, so the same columns as made with the fit). A class, so that every fit has one
 * shape: a decision reads thousands of them.
 */
class FittedGaps implements GapDistribution {
  #columns: HistogramColumns | undefined;
  readonly #first: OrderedGaps;
  readonly #second: OrderedGaps;
  /** The longest censored gap (the last of censoredGaps), without making the columns. */
  readonly #lastCensoredGap: number | undefined;

  constructor(
    readonly samples: number,
    readonly weight: number,
    readonly reuses: number,
    readonly censored: number,
    readonly eventSeconds: readonly number[],
    readonly survival: readonly number[],
    lastCensoredGap: number | undefined,
    first: OrderedGaps,
    second: OrderedGaps,
  ) {
    this.#lastCensoredGap = lastCensoredGap;
    this.#first = first;
    this.#second = second;
  }

  get reuseGaps(): readonly number[] {
    return this.#histogram().reuseGaps;
  }

  get reuseWeights(): readonly number[] {
    return this.#histogram().reuseWeights;
  }

  get censoredGaps(): readonly number[] {
    return this.#histogram().censoredGaps;
  }

  get censoredWeights(): readonly number[] {
    return this.#histogram().censoredWeights;
  }

  get lastCensoredGap(): number | undefined {
    return this.#lastCensoredGap;
  }

  #histogram(): HistogramColumns {
    this.#columns ??= histogramColumns(this.#first, this.#second, this.reuses);
    return this.#columns;
  }
}

/** The longest censored gap of a distribution (undefined: none). */
export const lastCensoredGapOf = (distribution: GapDistribution): number | undefined =>
  distribution instanceof FittedGaps
    ? distribution.lastCensoredGap
    : distribution.censoredGaps[distribution.censoredGaps.length - 1];

/** The samples of two columns in gap order, merged as fitMerged merges them, split into reuses and censored ones. */
const histogramColumns = (first: OrderedGaps, second: OrderedGaps, reuseCount: number): HistogramColumns => {
  const { gapSeconds: g1, weight: w1, reused: r1 } = first;
  const { gapSeconds: g2, weight: w2, reused: r2 } = second;
  const n1 = g1.length;
  const n2 = g2.length;
  const reuseGaps = doubleArray(reuseCount);
  const reuseWeights = doubleArray(reuseCount);
  const censoredGaps = doubleArray(n1 + n2 - reuseCount);
  const censoredWeights = doubleArray(n1 + n2 - reuseCount);
  let reuses = 0;
  let censored = 0;
  let i = 0;
  let j = 0;
  while (i < n1 || j < n2) {
    const gap =
      j >= n2 || (i < n1 && (g1[i] as number) <= (g2[j] as number)) ? (g1[i] as number) : (g2[j] as number);
    for (; i < n1 && g1[i] === gap; i++) {
      if (r1[i]) {
        reuseGaps[reuses] = gap;
        reuseWeights[reuses++] = w1[i] as number;
      } else {
        censoredGaps[censored] = gap;
        censoredWeights[censored++] = w1[i] as number;
      }
    }
    for (; j < n2 && g2[j] === gap; j++) {
      if (r2[j]) {
        reuseGaps[reuses] = gap;
        reuseWeights[reuses++] = w2[j] as number;
      } else {
        censoredGaps[censored] = gap;
        censoredWeights[censored++] = w2[j] as number;
      }
    }
  }
  return { reuseGaps, reuseWeights, censoredGaps, censoredWeights };
};

/**
 * P(gap > seconds). Beyond the longest observed gap the estimate stays flat: with no evidence of
 * later reuses, none is assumed, which makes the learned strategies stop rather than hope.
 */
export const survivalAt = (distribution: GapDistribution, seconds: number): number => {
  const { eventSeconds, survival } = distribution;
  let low = 0;
  let high = eventSeconds.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((eventSeconds[mid] as number) <= seconds) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? 1 : (survival[low - 1] as number);
};

/** P(a job comes within the next `withinSeconds` | the pool has been idle `idleSeconds`). */
export const reuseProbability = (
  distribution: GapDistribution,
  idleSeconds: number,
  withinSeconds: number,
): number => {
  const alive = survivalAt(distribution, idleSeconds);
  if (alive <= 0) return 0;
  return (alive - survivalAt(distribution, idleSeconds + withinSeconds)) / alive;
};

/**
 * The samples one pool contributes: one exact gap per reuse, and one censored idle time for its
 * last holder if the pool ended unreused, or (given `nowMs`) is still sitting idle.
 */
export const gapSamplesOfPool = (view: PoolView, head: JobRecord, nowMs?: number): GapSample[] => {
  const samples: GapSample[] = view.hops.flatMap((hop) =>
    hop.idleGapSeconds === undefined ? [] : [{ gapSeconds: hop.idleGapSeconds, reused: true }],
  );
  const pool = head.pool;
  if (pool?.status === 'Terminated' && pool.billableSeconds !== undefined) {
    samples.push({ gapSeconds: pool.billableSeconds, reused: false });
  } else if (pool?.status === 'Available' && pool.availableSinceMs !== undefined && nowMs !== undefined) {
    samples.push({ gapSeconds: Math.max(0, (nowMs - pool.availableSinceMs) / 1000), reused: false });
  }
  return samples;
};

/**
 * Where gaps are learned, most specific first: the match key, then the owner, the team, the
 * instance family (ml.p4d of ml.p4d.24xlarge) and every pool of the deployment. A key with few
 * gaps borrows from the next scope that has some (gapLearner.ts); the last scope means that a
 * family never seen before starts from what all pools showed, not from nothing.
 */
export type GapScopeKind = 'matchKey' | 'owner' | 'team' | 'family' | 'all';

export interface GapScope {
  readonly kind: GapScopeKind;
  readonly key: string;
}

/** The one scope every pool belongs to. */
export const ALL_POOLS_SCOPE: GapScope = { kind: 'all', key: 'pools' };

const families = new Map<string, string>();
const MAX_KNOWN_FAMILIES = 1024;

/** ml.p4d.24xlarge -> ml.p4d: sizes of one family idle and get reused alike. */
export const instanceFamily = (instanceType: string): string => {
  const known = families.get(instanceType);
  if (known !== undefined) return known;
  const parts = instanceType.split('.');
  const family = parts.length >= 3 ? parts.slice(0, -1).join('.') : instanceType;
  // A deployment has a few dozen instance types; a replay asks for each pool's at every decision.
  if (families.size < MAX_KNOWN_FAMILIES) families.set(instanceType, family);
  return family;
};

/** A pool's scopes as gapScopes last gave them for its match key: a replay asks at every decision. */
interface KnownScopes {
  readonly owner: string | undefined;
  readonly team: string | undefined;
  readonly instanceType: string | undefined;
  readonly scopes: readonly GapScope[];
}
const scopesByKey = new Map<string, KnownScopes>();
const MAX_KNOWN_KEYS = 10_000;

const newScopes = (pool: {
  readonly matchKey?: string;
  readonly owner?: string;
  readonly team?: string;
  readonly instanceType?: string;
}): GapScope[] => [
  ...(pool.matchKey ? [{ kind: 'matchKey' as const, key: pool.matchKey }] : []),
  ...(pool.owner ? [{ kind: 'owner' as const, key: pool.owner }] : []),
  ...(pool.team ? [{ kind: 'team' as const, key: pool.team }] : []),
  ...(pool.instanceType ? [{ kind: 'family' as const, key: instanceFamily(pool.instanceType) }] : []),
  ALL_POOLS_SCOPE,
];

/** The pool's scopes, most specific first (the same array for the same fields: never change it). */
export const gapScopes = (pool: {
  readonly matchKey?: string;
  readonly owner?: string;
  readonly team?: string;
  readonly instanceType?: string;
}): readonly GapScope[] => {
  const key = pool.matchKey;
  if (!key) return newScopes(pool);
  const known = scopesByKey.get(key);
  if (
    known !== undefined &&
    known.owner === pool.owner &&
    known.team === pool.team &&
    known.instanceType === pool.instanceType
  )
    return known.scopes;
  const scopes = newScopes(pool);
  if (scopesByKey.size >= MAX_KNOWN_KEYS) scopesByKey.clear();
  scopesByKey.set(key, { owner: pool.owner, team: pool.team, instanceType: pool.instanceType, scopes });
  return scopes;
};

/** A stable string for storing or caching a scope's samples. */
export const gapScopeId = (scope: GapScope): string => `${scope.kind}:${scope.key}`;
