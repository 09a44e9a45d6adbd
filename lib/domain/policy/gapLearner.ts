import { doubleArray } from './doubleArray';
import { formatDuration } from './duration';
import type { GapClockMode } from './gapClock';
import {
  ALL_POOLS_SCOPE,
  type GapDistribution,
  type GapSample,
  type GapScope,
  type GapScopeKind,
  lastCensoredGapOf,
  learnGaps,
  learnGapsOfSorted,
  type OrderedGaps,
  orderedGapsOfAny,
} from './gapDistribution';
import { continuesAheadOf, continuesFrom } from './sampleContinuation';

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
  /**
   * true: that prior counts as `priorWeight` samples at risk at every idle time, on the broader
   * scope's hazard (a beta-process prior); false: as `priorWeight` samples from idle 0, which
   * fade with the broader scope's own survival. The built-in prior is always samples.
   */
  readonly priorOnHazard: boolean;
  /** A stopped pool whose key saw no cold start for this long is a gap censored at this long. */
  readonly missedReuseHorizonSeconds: number;
  /** What is assumed of the next gap before anything is learned (builtInPrior). */
  readonly builtInPrior: BuiltInPriorOptions;
  /** Which clock gaps are timed by: from the head's end, its submission, or per match key from its own gaps (gapClock.ts). */
  readonly gapClock: GapClockMode;
}

/**
 * The prior of the broadest scope that has samples, and the whole distribution while none has: a
 * deliberately ignorant one, so that the same expected-cost decision takes a fresh deployment's
 * first pools and the prices alone tell a cheap pool (kept a while) from a dear one (released).
 * As likely reused as not within the missed-reuse horizon, and no time scale preferred between the
 * shortest gap and the horizon (gaps evenly spread on a log scale: the scale-free prior). Its weight
 * is fixed, so it counts less and less as the deployment's own gaps come.
 */
export interface BuiltInPriorOptions {
  /** P(a same-key job comes within the missed-reuse horizon). */
  readonly reuseProbability: number;
  /** The shortest gap it spreads its reuses over (up to the horizon). */
  readonly shortestGapSeconds: number;
  /** How many samples' worth it counts against the broadest scope's own. */
  readonly weight: number;
}

/** The prior's reuses sit at this many gaps, evenly on a log scale: the decision's candidate horizons. */
const BUILT_IN_PRIOR_POINTS = 8;

/**
 * How many of a scope's newest gaps are learned from. With a half-life of a day, older samples of
 * a busy scope weigh next to nothing; fewer samples keep a 10,000-job whatif in seconds.
 */
export const GAPS_PER_SCOPE = 100;

export const DEFAULT_GAP_LEARNING: GapLearningOptions = {
  // Training weeks: 12 h, 1 d and 2 d measure alike; 2 h worse (too few samples per key left).
  halfLifeSeconds: 24 * 3600,
  // Chosen on the training weeks by how well the learned P(a same-key job within 30 min | idle)
  // predicted what came, at every decision (log loss: 8 → 0.71, 32 → 0.65, 64 → 0.65 on the
  // bursty weeks; 0.58, 0.55, 0.53 on the others), then by cost (missed targets 21 → 20; mean ×
  // oracle at $60/h 1.177 → 1.164). With 8, a key's or owner's few gaps far into an idle period
  // swung the estimate, and the policy stopped on the low swings: where it stopped, it had
  // predicted half the reuses that came. A team whose people work unalike would want less.
  // Then counted on the hazard (priorOnHazard), where a weight means more: far into an idle
  // period, 64 samples counted from idle 0 leave a few at risk, so a key's handful of own gaps
  // decided alone, and the pools it kept were those its estimate over-rated (bursty weeks, from
  // 3 minutes idle: predicted 0.49/0.68/0.84, came 0.40/0.60/0.68). On the hazard, training
  // weeks, against samples of weight 64 (missed checks 21; mean × oracle $0 1.0218, $60 1.1561
  // max 1.282, $90 1.1457 max 1.247; $0/h against no warm pool -$5.10): weight 8: 14 missed,
  // $60 1.1558 max 1.283; 16: 13 missed, $0 1.0198, $60 1.1547 max 1.267, $90 1.1454 max 1.245,
  // -$6.91; 24: 15, $60 1.1543 max 1.278; 32: 14, $60 1.1546 max 1.269, $90 1.1457; 48: 19,
  // $60 1.157; 64: 24, $60 1.158.
  priorWeight: 16,
  priorOnHazard: true,
  missedReuseHorizonSeconds: 6 * 3600,
  // Not fitted: as likely reused as not, from the sweep's minute to the horizon (0.75 measured
  // alike on the training weeks, 0.25 worse). The weight was: over the 18 training weeks, 4
  // samples' worth beat 2, 8 and 16 (33 missed targets against 35, 34, 39; break-even while
  // nothing was learned: 36), at $60/h a mean of 1.162× the oracle (2: 1.164, 8: 1.166).
  builtInPrior: { reuseProbability: 0.5, shortestGapSeconds: 60, weight: 4 },
  // Per match key from its own gaps (gapClock.ts). On the training weeks, against the end clock
  // alone: missed checks 29 -> 26, $0/h total against no warm pool +$2.28 -> -$3.10 (the sweep
  // weeks), means × oracle at $60/$90 alike. The submission clock for every scope gained more at
  // $0/h (-$7.83) but lost $62 at $60/h over the seven mixed weeks. A key too young to tell,
  // priced on both clocks (gapClock.ts, evaluatePool.ts): missed checks 26 -> 21, $0/h total
  // against no warm pool -$3.10 -> -$5.10, means × oracle at $60/$90 1.15618 -> 1.15608 and
  // 1.14582 -> 1.14574.
  gapClock: 'fromData',
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

/** An unresolved stop's gap as known at `nowMs`: censored at the time so far, up to the horizon. */
const knownSoFar = (s: TimedGap, nowMs: number, options: GapLearningOptions): number => {
  const availableSinceMs = s.atMs - s.gapSeconds * 1000;
  return Math.min((nowMs - availableSinceMs) / 1000, options.missedReuseHorizonSeconds);
};

// Two passes over the samples rather than an intermediate array: a replay weighs often.
const weigh = (samples: readonly TimedGap[], nowMs: number, options: GapLearningOptions): Weighted[] => {
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of samples) {
    if (!s.unresolved || knownSoFar(s, nowMs, options) > 0) newest = Math.max(newest, s.atMs);
  }
  const halfLifeMs = options.halfLifeSeconds * 1000;
  const weighted: Weighted[] = [];
  for (const s of samples) {
    if (!s.unresolved) {
      weighted.push({
        gapSeconds: s.gapSeconds,
        reused: s.reused,
        weight: resolvedWeight(s, newest, halfLifeMs),
      });
      continue;
    }
    const known = knownSoFar(s, nowMs, options);
    if (known > 0)
      weighted.push({ gapSeconds: known, reused: false, weight: recency(s, newest, halfLifeMs) });
  }
  return weighted;
};

/** Half as much per half-life older than the newest sample. */
const recency = (s: TimedGap, newest: number, halfLifeMs: number): number =>
  0.5 ** ((newest - s.atMs) / halfLifeMs);

const resolvedWeight = (s: TimedGap, newest: number, halfLifeMs: number): number =>
  (s.weight ?? 1) * recency(s, newest, halfLifeMs);

/**
 * A scope's samples prepared once per array for learning at any instant: what weigh gives once
 * every unresolved stop has begun to count (from the instant it began being idle), the resolved
 * ones in gap order. The weights depend only on the newest sample's time, so only the unresolved
 * stops' censored gaps change from one instant to the next.
 */
interface GapOrder {
  readonly options: GapLearningOptions;
  /** Samples without unresolved stops, weighted, in gap order (equal gaps in sample order). */
  readonly resolved: OrderedGaps;
  /** Each resolved one's place among all the samples. */
  readonly resolvedAt: readonly number[];
  /** The unresolved stops' places among all the samples, ascending, and their weights. */
  readonly unresolvedAt: readonly number[];
  readonly unresolvedWeight: readonly number[];
  /**
   * The unresolved stops (indices into unresolvedAt) by when they began being idle, latest
   * first: the order of their censored gaps at any instant, but for ties.
   */
  readonly stopsByStart: readonly number[];
}

/**
 * The samples' GapOrder; null for samples that the general path must weigh and sort. Kept by the
 * memo beside the samples (a WeakMap per array would cost every garbage collection its entries).
 */
const gapOrder = (
  samples: readonly TimedGap[],
  /**
   * The newest sample's time (SamplesInfo's): once every unresolved stop counts (it always does at
   * the horizon), the newest sample is the newest of all, and the weights are weigh's.
   */
  newest: number,
  options: GapLearningOptions,
  /** The same scope's samples as last ordered, if any: most arrays continue the one before. */
  before?: { readonly samples: readonly TimedGap[]; readonly order: GapOrder },
): GapOrder | null => {
  const halfLifeMs = options.halfLifeSeconds * 1000;
  const unresolvedAt: number[] = [];
  const unresolvedWeight: number[] = [];
  const weightAt = doubleArray(samples.length);
  // Negative or non-finite gaps, weights that do not count, stops that never count: their order
  // is the general path's to decide.
  let plain = options.missedReuseHorizonSeconds > 0;
  for (let i = 0; i < samples.length && plain; i++) {
    const g = samples[i] as TimedGap;
    if (g.unresolved === true) {
      const weight = recency(g, newest, halfLifeMs);
      plain = weight > 0;
      unresolvedAt.push(i);
      unresolvedWeight.push(weight);
      weightAt[i] = weight;
    } else {
      const weight = resolvedWeight(g, newest, halfLifeMs);
      plain = Number.isFinite(g.gapSeconds) && g.gapSeconds >= 0 && weight > 0;
      weightAt[i] = weight;
    }
  }
  if (!plain) return null;
  const carried = before !== undefined && before.order.options === options ? before : undefined;
  const from = carried ? continuesFrom(carried.samples, samples) : -1;
  const ahead = carried && from < 0 ? continuesAheadOf(carried.samples, samples) : -1;
  const resolvedAt =
    carried && from >= 0
      ? continuedOrder(samples, carried, from)
      : carried && ahead >= 0
        ? orderWithNewAhead(samples, carried, ahead)
        : resolvedInGapOrder(samples, 0, samples.length);
  // The columns filled by index in one pass (a replay orders tens of thousands of arrays).
  const count = resolvedAt.length;
  const gapSeconds = doubleArray(count);
  const reused = new Array<boolean>(count);
  const weight = doubleArray(count);
  for (let k = 0; k < count; k++) {
    const at = resolvedAt[k] as number;
    const g = samples[at] as TimedGap;
    // As the fit reads a gap (a -0 is a 0).
    gapSeconds[k] = Math.max(0, g.gapSeconds);
    reused[k] = g.reused;
    weight[k] = weightAt[at] as number;
  }
  const resolved = { gapSeconds, reused, weight };
  const stopsByStart = stopsLatestBegunFirst(samples, unresolvedAt);
  return { options, resolved, resolvedAt, unresolvedAt, unresolvedWeight, stopsByStart };
};

/**
 * The unresolved stops (indices into `unresolvedAt`, the stops' places in ascending order) by when
 * they began being idle, latest first, equal beginnings in sample order.
 */
export const stopsLatestBegunFirst = (
  samples: readonly TimedGap[],
  unresolvedAt: readonly number[],
): number[] => {
  const count = unresolvedAt.length;
  const starts = doubleArray(count);
  let finite = true;
  for (let k = 0; k < count; k++) {
    const g = samples[unresolvedAt[k] as number] as TimedGap;
    const start = g.atMs - g.gapSeconds * 1000;
    starts[k] = start;
    if (!Number.isFinite(start)) finite = false;
  }
  if (!finite) {
    // A comparison with a non-finite beginning is not an order: left to the sort, as it always was.
    return Array.from({ length: count }, (_, k) => k).sort(
      (x, y) =>
        (starts[y] as number) - (starts[x] as number) ||
        (unresolvedAt[x] as number) - (unresolvedAt[y] as number),
    );
  }
  // Samples come in time order, so the stops mostly began in it too: taken from the last, each
  // insertion mostly lands at the end. Taken in descending place, a stop goes before those that
  // began at the same instant.
  const order = new Array<number>(count);
  for (let m = 0; m < count; m++) {
    const k = count - 1 - m;
    const start = starts[k] as number;
    let place = m;
    while (place > 0 && (starts[order[place - 1] as number] as number) <= start) {
      order[place] = order[place - 1] as number;
      place--;
    }
    order[place] = k;
  }
  return order;
};

/** The places of the resolved samples from `start` to `end`, by gap (stable: equal gaps in sample order). */
const resolvedInGapOrder = (samples: readonly TimedGap[], start: number, end: number): number[] => {
  const at: number[] = [];
  for (let i = start; i < end; i++) if ((samples[i] as TimedGap).unresolved !== true) at.push(i);
  return at.sort((x, y) => (samples[x] as TimedGap).gapSeconds - (samples[y] as TimedGap).gapSeconds);
};

/**
 * The resolved order of samples that continue `before` from `from`: before's order without the
 * dropped samples, merged with the new ones' (after every kept sample of an equal gap, as they
 * come later): what the stable sort gives, without sorting again.
 */
const continuedOrder = (
  samples: readonly TimedGap[],
  before: { readonly samples: readonly TimedGap[]; readonly order: GapOrder },
  from: number,
): number[] => {
  const added = resolvedInGapOrder(samples, before.samples.length - from, samples.length);
  const gap = (at: number) => (samples[at] as TimedGap).gapSeconds;
  const kept = before.order.resolvedAt;
  // Made at its final length and filled by index: a scope's order lives as long as its samples,
  // and one grown by pushes would carry spare room (and leave its smaller copies as garbage).
  let size = added.length;
  for (let k = 0; k < kept.length; k++) if ((kept[k] as number) >= from) size++;
  const order = new Array<number>(size);
  let o = 0;
  let a = 0;
  for (let k = 0; k < kept.length; k++) {
    const old = kept[k] as number;
    if (old < from) continue;
    const at = old - from;
    while (a < added.length && gap(added[a] as number) < gap(at)) order[o++] = added[a++] as number;
    order[o++] = at;
  }
  while (a < added.length) order[o++] = added[a++] as number;
  return order;
};

/**
 * The resolved order of samples kept newest first that continue `before` with `ahead` new ones
 * in front: before's order without the samples dropped from its end, merged with the new ones'
 * (before every kept sample of an equal gap, as they come first): what the stable sort gives.
 */
const orderWithNewAhead = (
  samples: readonly TimedGap[],
  before: { readonly samples: readonly TimedGap[]; readonly order: GapOrder },
  ahead: number,
): number[] => {
  const added = resolvedInGapOrder(samples, 0, ahead);
  const kept = samples.length - ahead;
  const gap = (at: number) => (samples[at] as TimedGap).gapSeconds;
  const order: number[] = [];
  let a = 0;
  for (const old of before.order.resolvedAt) {
    if (old >= kept) continue;
    const at = old + ahead;
    while (a < added.length && gap(added[a] as number) <= gap(at)) order.push(added[a++] as number);
    order.push(at);
  }
  while (a < added.length) order.push(added[a++] as number);
  return order;
};

/** A scope's own samples as a level learns them: in gap order, or (rarely) as weigh gives them. */
type OwnGaps = { readonly ordered: OrderedGaps } | { readonly weighted: readonly Weighted[] };

/**
 * A scope's own samples weighted at `nowMs`, in gap order: exactly `weigh` then a stable sort by
 * gap (equal gaps in sample order), built by merging the resolved samples, ordered once per
 * array, with the few unresolved stops, which are all that change with the instant.
 */
const ownGapsAt = (
  samples: readonly TimedGap[],
  order: GapOrder | null,
  nowMs: number,
  options: GapLearningOptions,
): OwnGaps => {
  if (order === null) return { weighted: sortedByGap(ownSamples(samples, nowMs, options)) };
  if (order.unresolvedAt.length === 0) return { ordered: order.resolved };
  // The stops by censored gap (equal gaps in sample order). Taken latest-begun first, each is
  // already in place but for ties, which the insertion below puts right: the same order as a
  // sort by (gap, place), without one.
  const { unresolvedAt, unresolvedWeight, stopsByStart } = order;
  const stopCount = unresolvedAt.length;
  const stopAt = new Array<number>(stopCount);
  const stopGap = doubleArray(stopCount);
  const stopWeight = doubleArray(stopCount);
  for (let m = 0; m < stopCount; m++) {
    const k = stopsByStart[m] as number;
    const at = unresolvedAt[k] as number;
    const known = knownSoFar(samples[at] as TimedGap, nowMs, options);
    // Left out, it may change the newest sample and so every weight: the general path.
    if (!(known > 0)) return { weighted: sortedByGap(ownSamples(samples, nowMs, options)) };
    let place = m;
    while (
      place > 0 &&
      ((stopGap[place - 1] as number) > known ||
        ((stopGap[place - 1] as number) === known && (stopAt[place - 1] as number) > at))
    ) {
      stopAt[place] = stopAt[place - 1] as number;
      stopGap[place] = stopGap[place - 1] as number;
      stopWeight[place] = stopWeight[place - 1] as number;
      place--;
    }
    stopAt[place] = at;
    stopGap[place] = known;
    stopWeight[place] = unresolvedWeight[k] as number;
  }
  const { resolved, resolvedAt } = order;
  // Made at their final size and filled by index: a replay merges these at every relearn.
  const size = resolvedAt.length + stopCount;
  const gapSeconds = doubleArray(size);
  const reused = new Array<boolean>(size);
  const weight = doubleArray(size);
  const resolvedCount = resolvedAt.length;
  let r = 0;
  let u = 0;
  for (let k = 0; k < size; k++) {
    // Bounded by the count, not by reading past the end: a read that may be undefined boxes the gap.
    const gap = r < resolvedCount ? (resolved.gapSeconds[r] as number) : Number.NaN;
    if (
      r < resolvedCount &&
      (u >= stopCount ||
        gap < (stopGap[u] as number) ||
        (gap === stopGap[u] && (resolvedAt[r] as number) < (stopAt[u] as number)))
    ) {
      gapSeconds[k] = gap;
      reused[k] = resolved.reused[r] as boolean;
      weight[k] = resolved.weight[r] as number;
      r++;
    } else {
      gapSeconds[k] = stopGap[u] as number;
      reused[k] = false;
      weight[k] = stopWeight[u] as number;
      u++;
    }
  }
  return { ordered: { gapSeconds, reused, weight } };
};

const sortedByGap = (weighted: readonly Weighted[]): Weighted[] =>
  [...weighted].sort((x, y) => x.gapSeconds - y.gapSeconds);

const total = (samples: readonly Weighted[]): number => samples.reduce((sum, s) => sum + s.weight, 0);

const builtInPriors = new WeakMap<GapLearningOptions, LearnedGaps>();

/**
 * The built-in prior (BuiltInPriorOptions) as a learned distribution of `weight` samples: what a
 * decision uses while no scope has learned anything. Its basis names every figure of it.
 */
export const builtInPrior = (options: GapLearningOptions = DEFAULT_GAP_LEARNING): LearnedGaps => {
  const known = builtInPriors.get(options);
  if (known) return known;
  const { reuseProbability, shortestGapSeconds, weight } = options.builtInPrior;
  const longest = options.missedReuseHorizonSeconds;
  const p = Math.min(1, Math.max(0, reuseProbability));
  const samples: GapSample[] = [];
  for (let i = 0; i < BUILT_IN_PRIOR_POINTS; i++) {
    const gapSeconds = Math.round(
      shortestGapSeconds * (longest / shortestGapSeconds) ** (i / (BUILT_IN_PRIOR_POINTS - 1)),
    );
    samples.push({ gapSeconds, reused: true, weight: (weight * p) / BUILT_IN_PRIOR_POINTS });
  }
  if (p < 1) samples.push({ gapSeconds: longest, reused: false, weight: weight * (1 - p) });
  const learned: LearnedGaps = {
    distribution: learnGaps(samples),
    scope: ALL_POOLS_SCOPE,
    basis: `the built-in prior: P(reuse within ${formatDuration(longest)}) ${p.toFixed(2)}, gaps evenly on a log scale from ${formatDuration(shortestGapSeconds)} to ${formatDuration(longest)}, weight ${weight}`,
  };
  builtInPriors.set(options, learned);
  return learned;
};

/**
 * A learned distribution as `weight` pseudo-samples, in gap order: a reuse at each observed gap
 * with the mass the estimate puts there, then the mass never reused, censored at or past the last
 * one; written straight into columns (a replay makes one per relearned level). On the hazard
 * (`onHazard`), the fit counts them as `weight` at risk at every gap (learnGapsOfSorted).
 */
const orderedPrior = (distribution: GapDistribution, weight: number, onHazard: boolean): OrderedGaps => {
  const { eventSeconds, survival } = distribution;
  // At most one pseudo-sample per observed gap and the censored one: made at that size, then cut.
  const gapSeconds = doubleArray(eventSeconds.length + 1);
  const weights = doubleArray(eventSeconds.length + 1);
  let size = 0;
  // orderedGapsOf's rule: a pseudo-sample counts with a finite gap and a positive weight.
  const put = (gap: number, w: number): boolean => {
    if (!Number.isFinite(gap) || !(w > 0)) return false;
    gapSeconds[size] = Math.max(0, gap);
    weights[size++] = w;
    return true;
  };
  let previous = 1;
  for (let i = 0; i < eventSeconds.length; i++) {
    const s = survival[i] as number;
    if (previous - s > 0) put(eventSeconds[i] as number, weight * (previous - s));
    previous = s;
  }
  let censoredLast = false;
  if (previous > 0) {
    const last = eventSeconds[eventSeconds.length - 1] ?? 0;
    const lastCensored = lastCensoredGapOf(distribution);
    censoredLast = put(
      lastCensored === undefined ? Math.max(last) : Math.max(last, lastCensored),
      weight * previous,
    );
  }
  gapSeconds.length = size;
  weights.length = size;
  const reused = reusedColumn(size, censoredLast);
  return onHazard
    ? { gapSeconds, reused, weight: weights, atRiskAlways: weight }
    : { gapSeconds, reused, weight: weights };
};

/**
 * A prior's `reused` column: every pseudo-sample a reuse but the censored one, if any, last. One
 * array per length, shared (columns are never changed): a replay makes tens of thousands of
 * priors, and the garbage collector copies each one it keeps.
 */
const reusedColumns = new Map<number, readonly boolean[]>();
const MAX_REUSED_COLUMNS = 4096;

const reusedColumn = (size: number, censoredLast: boolean): readonly boolean[] => {
  const key = 2 * size + (censoredLast ? 1 : 0);
  const known = reusedColumns.get(key);
  if (known) return known;
  const column = new Array<boolean>(size).fill(true);
  if (censoredLast) column[size - 1] = false;
  if (reusedColumns.size < MAX_REUSED_COLUMNS) reusedColumns.set(key, column);
  return column;
};

/** What a level's reason says of it (words only when read: a replay learns far more than it tells). */
const describeLevel = (
  level: GapScope,
  own: { readonly count: number; readonly reuses: number; readonly weight: number },
  parent: LearnedGaps | undefined,
  options: GapLearningOptions,
): string => {
  const ofParent = parent
    ? ` + ${describeScope(parent.scope)} as a prior of weight ${options.priorWeight}${options.priorOnHazard ? ' at every idle time' : ''}`
    : ` + ${builtInPrior(options).basis}`;
  return `${describeScope(level)}: ${own.count} gap${own.count === 1 ? '' : 's'} (${own.count - own.reuses} unreused, weight ${own.weight.toFixed(1)}, half-life ${formatDuration(options.halfLifeSeconds)})${ofParent}`;
};

/**
 * A level's result; its reason in words is built when first read. A class rather than an object
 * literal with a getter: V8 makes such literals in the old generation, from where each would hold
 * its fit through every young-generation collection until a full one (a replay fits tens of
 * thousands of times, and most fits are replaced soon).
 */
class LearnedLevel implements LearnedGaps {
  #words: string | undefined;
  readonly #describe: () => string;

  constructor(
    readonly distribution: GapDistribution,
    readonly scope: GapScope,
    describe: () => string,
  ) {
    this.#describe = describe;
  }

  get basis(): string {
    this.#words ??= this.#describe();
    return this.#words;
  }
}

const learnedOf = (distribution: GapDistribution, scope: GapScope, describe: () => string): LearnedGaps =>
  new LearnedLevel(distribution, scope, describe);

const builtInOrderedPriors = new WeakMap<GapLearningOptions, OrderedGaps>();

/** The built-in prior as pseudo-samples in gap order, the prior of the broadest level with samples. */
const builtInOrderedPrior = (options: GapLearningOptions): OrderedGaps => {
  const known = builtInOrderedPriors.get(options);
  if (known) return known;
  const ordered = orderedPrior(builtInPrior(options).distribution, options.builtInPrior.weight, false);
  builtInOrderedPriors.set(options, ordered);
  return ordered;
};

/**
 * One level of the hierarchy: its own samples, with the broader level's result as a prior; the
 * broadest level with samples has the built-in prior as its own.
 */
const learnLevel = (
  level: GapScope,
  own: readonly Weighted[],
  parent: LearnedGaps | undefined,
  options: GapLearningOptions,
): LearnedGaps | undefined => {
  if (own.length === 0) return parent;
  const prior = parent
    ? orderedPrior(parent.distribution, options.priorWeight, options.priorOnHazard)
    : builtInOrderedPrior(options);
  return learnedOf(learnGapsOfSorted(orderedGapsOfAny(own), prior), level, () =>
    describeLevel(
      level,
      { count: own.length, reuses: own.filter((s) => s.reused).length, weight: total(own) },
      parent,
      options,
    ),
  );
};

/**
 * learnLevel of own samples in gap order: the same result to the bit (own samples first on equal
 * gaps, as the stable sort of own then prior leaves them), by one merge with the cached prior.
 */
const learnOrderedLevel = (
  level: GapScope,
  own: OrderedGaps,
  parent: LearnedGaps | undefined,
  prior: () => OrderedGaps,
  options: GapLearningOptions,
): LearnedGaps | undefined => {
  const count = own.gapSeconds.length;
  if (count === 0) return parent;
  // Both in gap order by construction (gapOrder, ownGapsAt, orderedPrior): no check needed.
  return learnedOf(learnGapsOfSorted(own, parent ? prior() : builtInOrderedPrior(options)), level, () => {
    let reuses = 0;
    let weight = 0;
    for (let i = 0; i < count; i++) {
      if (own.reused[i]) reuses++;
      weight += own.weight[i] as number;
    }
    return describeLevel(level, { count, reuses, weight }, parent, options);
  });
};

const learnOwn = (
  level: GapScope,
  own: OwnGaps,
  parent: LearnedGaps | undefined,
  prior: () => OrderedGaps,
  options: GapLearningOptions,
): LearnedGaps | undefined =>
  'ordered' in own
    ? learnOrderedLevel(level, own.ordered, parent, prior, options)
    : learnLevel(level, own.weighted, parent, options);

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

/** How often a replay's learned distributions are refreshed: buckets of the clock, not a timer. */
export const GAP_REFRESH_MS = 10 * 60_000;

/**
 * A memo's refresh period that learns at each instant exactly what learnHierarchical learns then
 * (a deployment's memo): a level is relearned when its samples or its prior changed, or when its
 * unresolved stops make its gaps depend on the instant.
 */
export const AT_EACH_INSTANT = 0;

/** The refresh bucket an instant falls in: every instant of one bucket learns alike. */
export const refreshBucketOf = (nowMs: number, refreshMs = GAP_REFRESH_MS): number =>
  Math.floor(nowMs / refreshMs);

interface MemoLevel {
  readonly own: readonly TimedGap[] | undefined;
  readonly parent: LearnedGaps | undefined;
  readonly bucket: number;
  /**
   * Learned as of the bucket's start (or its newest sample, if later; the instant itself
   * AT_EACH_INSTANT): once its unresolved stops have all reached the horizon by then, it holds at
   * every instant from then on too.
   */
  readonly holdsFromMs: number;
  /** Its own samples weighted, in gap order: kept when only the prior changed. */
  readonly weighted: OwnGaps;
  /** What the memo reads of its own samples, and their order for any instant: kept while they are the same array. */
  readonly info: SamplesInfo;
  readonly order: GapOrder | null;
  /** `learned` as a prior for the narrower levels, made when the first of them needs it. */
  prior?: { readonly weight: number; readonly onHazard: boolean; readonly gaps: OrderedGaps };
  readonly learned: LearnedGaps | undefined;
}

/** What the memo needs of a scope's samples, read once per array (arrays are never changed) and kept beside them. */
interface SamplesInfo {
  readonly options: GapLearningOptions;
  readonly newestAtMs: number;
  /**
   * When every unresolved stop among them has been censored at the horizon: learning at any
   * instant from then on gives the same (never, before: -Infinity without unresolved stops).
   */
  readonly settledAtMs: number;
}

const samplesInfo = (samples: readonly TimedGap[], options: GapLearningOptions): SamplesInfo => {
  let newestAtMs = Number.NEGATIVE_INFINITY;
  let settledAtMs = Number.NEGATIVE_INFINITY;
  for (const g of samples) {
    if (g.atMs > newestAtMs) newestAtMs = g.atMs;
    if (g.unresolved === true) {
      // A second more than the horizon: the censored time is then surely the horizon itself.
      const settled = g.atMs - g.gapSeconds * 1000 + (options.missedReuseHorizonSeconds + 1) * 1000;
      if (settled > settledAtMs) settledAtMs = settled;
    }
  }
  return { options, newestAtMs, settledAtMs };
};

/** A level's SamplesInfo of its own samples (the same array), read again only under other options. */
const infoOf = (level: MemoLevel, samples: readonly TimedGap[], options: GapLearningOptions): SamplesInfo =>
  level.info.options === options ? level.info : samplesInfo(samples, options);

/**
 * Whether a level learned as of `hit.holdsFromMs` holds as of this learning too: both instants
 * are past every unresolved stop's reaching the horizon (instants may come in any order).
 */
const settledBoth = (
  hit: MemoLevel,
  own: readonly TimedGap[],
  learnAtMs: number,
  atEachInstant: boolean,
  options: GapLearningOptions,
): boolean => {
  const info = infoOf(hit, own, options);
  const fromMs = atEachInstant ? learnAtMs : Math.max(learnAtMs, info.newestAtMs);
  return hit.holdsFromMs >= info.settledAtMs && fromMs >= info.settledAtMs;
};

/**
 * One level of a chain of scopes, from the broadest down: the levels under it by scope kind and
 * key. Keyed by the scopes' own strings, so that a lookup builds no string (match keys are long).
 */
interface MemoNode {
  /** The level's results at the last instants it was asked at, most recently used first. */
  readonly levels: MemoLevel[];
  readonly under: Map<GapScopeKind, Map<string, MemoNode>>;
}

/**
 * How many instants' results a level keeps when every instant learns as of itself
 * (AT_EACH_INSTANT). Instants come back: the sweep decides at the minute its look-ahead
 * (sweepWake.ts) evaluated a moment before, a reactor at the sweep's. A level whose unresolved
 * stops tie it to the instant would relearn there, and every narrower level with it. A replay
 * learning by refresh bucket (the simulation) moves forward bucket by bucket and keeps one: more
 * would only be carried along (about 10 % of a 10,000-job whatif).
 */
export const INSTANTS_PER_LEVEL = 4;

/** Whether a level's result learned as `kept` is the result for these samples at this learning. */
const holdsAt = (
  kept: MemoLevel,
  own: readonly TimedGap[] | undefined,
  bucket: number,
  learnAtMs: number,
  atEachInstant: boolean,
  options: GapLearningOptions,
): boolean =>
  kept.own === own &&
  (kept.bucket === bucket || own === undefined || settledBoth(kept, own, learnAtMs, atEachInstant, options));

/** The kept result learned from these samples under this broader result that holds here, if any. */
const keptResult = (
  levels: readonly MemoLevel[],
  own: readonly TimedGap[] | undefined,
  parent: LearnedGaps | undefined,
  bucket: number,
  learnAtMs: number,
  atEachInstant: boolean,
  options: GapLearningOptions,
): number => {
  for (let k = 0; k < levels.length; k++) {
    const kept = levels[k] as MemoLevel;
    if (kept.parent === parent && holdsAt(kept, own, bucket, learnAtMs, atEachInstant, options)) return k;
  }
  return -1;
};

/** Keeps `level` as the most recently used result, dropping the least recently used past `bound`. */
const keepFirst = (levels: MemoLevel[], level: MemoLevel, from: number, bound: number): void => {
  for (let k = Math.min(from, bound - 1); k > 0; k--) levels[k] = levels[k - 1] as MemoLevel;
  levels[0] = level;
};

const nodeUnder = (node: MemoNode, scope: GapScope): MemoNode => {
  let byKey = node.under.get(scope.kind);
  if (!byKey) {
    byKey = new Map();
    node.under.set(scope.kind, byKey);
  }
  let next = byKey.get(scope.key);
  if (!next) {
    next = { levels: [], under: new Map() };
    byKey.set(scope.key, next);
  }
  return next;
};

/**
 * A replay's cache of learned levels: each level's result is a function of its own samples (the
 * array the caller's lookup gives), the broader level's result and the refresh bucket of the
 * instant, never of which instants were asked before. So a replay may evaluate a pool at fewer
 * instants and learn exactly the same. The caller keeps a scope's array the same object while its
 * samples are unchanged, and may give the broader scopes' samples as they stood at the bucket's
 * start (the simulation does: relearning every key on every new sample of its instance family
 * would make a 10,000-job replay take minutes). Unresolved stops are censored at the bucket's
 * start, or at the newest sample's time if later; a level without them does not depend on the
 * bucket at all and is kept across buckets while its samples and prior are unchanged.
 *
 * With `AT_EACH_INSTANT`, every instant is its own bucket and learns as of itself: the same as
 * learnHierarchical at that instant, in any order of instants (a deployment's container asks at
 * the sweep's instant, then minutes ahead, then at an earlier event's). A level keeps its results
 * at its last INSTANTS_PER_LEVEL instants, so such an instant asked again is not learned again.
 */
export class GapLearnerMemo {
  private readonly root: MemoNode = { levels: [], under: new Map() };
  private readonly instantsPerLevel: number;

  constructor(private readonly refreshMs = GAP_REFRESH_MS) {
    this.instantsPerLevel = refreshMs === AT_EACH_INSTANT ? INSTANTS_PER_LEVEL : 1;
  }

  /** The next refresh: until then, unchanged samples learn alike at every instant. */
  nextRefreshAtMs(nowMs: number): number {
    if (this.refreshMs === AT_EACH_INSTANT) return nowMs + 1;
    return (refreshBucketOf(nowMs, this.refreshMs) + 1) * this.refreshMs;
  }

  learn(
    scopes: readonly GapScope[],
    lookup: (scope: GapScope) => readonly TimedGap[] | undefined,
    nowMs: number,
    options: GapLearningOptions = DEFAULT_GAP_LEARNING,
  ): LearnedGaps | undefined {
    const atEachInstant = this.refreshMs === AT_EACH_INSTANT;
    const bucket = atEachInstant ? nowMs : refreshBucketOf(nowMs, this.refreshMs);
    const learnAtMs = atEachInstant ? nowMs : bucket * this.refreshMs;
    let learned: LearnedGaps | undefined;
    let node = this.root;
    // The level whose result `learned` is: it keeps that result as a prior, made once.
    let above: MemoLevel | undefined;
    const prior = (): OrderedGaps => {
      const from = above as MemoLevel;
      const learnedAbove = from.learned as LearnedGaps;
      if (from.prior?.weight !== options.priorWeight || from.prior.onHazard !== options.priorOnHazard) {
        from.prior = {
          weight: options.priorWeight,
          onHazard: options.priorOnHazard,
          gaps: orderedPrior(learnedAbove.distribution, options.priorWeight, options.priorOnHazard),
        };
      }
      return from.prior.gaps;
    };
    for (let i = scopes.length - 1; i >= 0; i--) {
      const level = scopes[i] as GapScope;
      node = nodeUnder(node, level);
      const own = lookup(level);
      const found = keptResult(node.levels, own, learned, bucket, learnAtMs, atEachInstant, options);
      if (found >= 0) {
        const kept = node.levels[found] as MemoLevel;
        keepFirst(node.levels, kept, found, this.instantsPerLevel);
        if (kept.learned !== learned) above = kept;
        learned = kept.learned;
        continue;
      }
      // These samples learned at this instant under another broader result: their weighting is
      // kept. Otherwise the newest result, or one of the same samples, gives what it can.
      const sameAt = node.levels.find((kept) =>
        holdsAt(kept, own, bucket, learnAtMs, atEachInstant, options),
      );
      const hit = sameAt ?? node.levels.find((kept) => kept.own === own) ?? node.levels[0];
      let weighted: OwnGaps;
      let holdsFromMs: number;
      let order: GapOrder | null;
      let info: SamplesInfo;
      if (sameAt) {
        weighted = sameAt.weighted;
        holdsFromMs = sameAt.holdsFromMs;
        order = sameAt.order;
        info = sameAt.info;
      } else {
        const samples = own ?? [];
        info =
          hit !== undefined && hit.own === own
            ? infoOf(hit, samples, options)
            : samplesInfo(samples, options);
        holdsFromMs = atEachInstant ? learnAtMs : Math.max(learnAtMs, info.newestAtMs);
        order =
          hit !== undefined && hit.own === own && hit.order?.options === options
            ? hit.order
            : gapOrder(
                samples,
                info.newestAtMs,
                options,
                hit?.own !== undefined && hit.order ? { samples: hit.own, order: hit.order } : undefined,
              );
        // In gap order: with the prior (in gap order too) the fit's sort is then one merge.
        weighted = ownGapsAt(samples, order, holdsFromMs, options);
      }
      const parent = learned;
      learned = learnOwn(level, weighted, parent, prior, options);
      const memo: MemoLevel = { own, parent, bucket, holdsFromMs, weighted, order, info, learned };
      keepFirst(node.levels, memo, node.levels.length, this.instantsPerLevel);
      if (learned !== parent) above = memo;
    }
    return learned;
  }
}
