import { breakEvenSeconds, type PoolCosts, poolCosts } from '../costModel';
import { type ActivityEvidence, NO_EVIDENCE } from './activityEvidence';
import { DECISION_PERIOD_SECONDS } from './decisionPeriod';
import { formatDuration, formatUsd } from './duration';
import { chooseKeep, keepChoiceHoldsUntilIdleSeconds, reuseWithin } from './expectedCost';
import type { GapDistribution } from './gapDistribution';
import { builtInPrior } from './gapLearner';
import type { HybridHistogramOptions, KeepAliveSettings, StrategyName } from './policy';
import type { SameKeyRank } from './sameKeyRank';

/**
 * Keep-alive strategies: how long an idle pool is worth keeping. They are plain functions of
 * in-memory data so that the benchmark's simulation and the production sweep run the same code.
 * A strategy only says what it would like; `decide` bounds it by the rule's limits and caps.
 */
export interface KeepAliveContext {
  readonly availableSinceMs: number;
  readonly nowMs: number;
  /** The pool's current predicted expiry. */
  readonly expiresAtMs?: number;
  /** What the job that left the pool asked for. */
  readonly jobKeepAliveSeconds?: number;
  /** Learned idle gaps for the pool's scope; absent or thin: the learned strategies fall back. */
  readonly gaps?: GapDistribution;
  /** Names the scopes and weights the gaps were learned from (gapLearner.ts). */
  readonly gapsBasis?: string;
  /** Absent when the price is unknown: the cost-based strategies fall back to fixed. */
  readonly costs?: PoolCosts;
  /** Recent activity as evidence for a reuse (adaptive only). */
  readonly evidence?: ActivityEvidence;
  /** The pool cannot idle past this (its lifetime cap). */
  readonly maxIdleSeconds?: number;
  /** When the policy will look again (the sweep's period); default 60 s. */
  readonly nextDecisionInSeconds?: number;
  /** Where the pool stands among its key's Available pools (adaptive only); absent: alone. */
  readonly sameKey?: SameKeyRank;
  /**
   * false: the advice's basis is left empty, the same advice otherwise. For a caller that reads
   * no basis (a replay's whatif table): writing them was about a sixth of a replay's time.
   */
  readonly explain?: boolean;
}

export interface KeepAdvice {
  /** The strategy the rule asked for. */
  readonly strategy: StrategyName;
  /** Set when that strategy could not decide and another one did. */
  readonly fellBackTo?: StrategyName;
  /** Epoch ms until which the pool should be kept idle; at or before `nowMs` means stop now. */
  readonly keepUntilMs: number;
  /** Human explanation naming the numbers. */
  readonly basis: string;
  /**
   * Until when the same advice (this keepUntilMs) is given if nothing but the clock changes;
   * absent: at every instant (keepUntilMs is then a fixed instant, not a function of now).
   */
  readonly holdsUntilMs?: number;
}

export interface KeepAliveStrategy {
  readonly name: StrategyName;
  advise(ctx: KeepAliveContext): KeepAdvice;
}

const idleSecondsOf = (ctx: KeepAliveContext): number =>
  Math.max(0, (ctx.nowMs - ctx.availableSinceMs) / 1000);

const atSeconds = (ctx: KeepAliveContext, seconds: number): number => ctx.availableSinceMs + seconds * 1000;

/** The advice's basis, or none when the caller reads none (KeepAliveContext.explain). */
const basisOf = (ctx: KeepAliveContext, basis: () => string): string =>
  ctx.explain === false ? '' : basis();

const fallback = (
  ctx: KeepAliveContext,
  advice: KeepAdvice,
  asked: StrategyName,
  why: () => string,
): KeepAdvice => ({
  ...advice,
  strategy: asked,
  fellBackTo: advice.strategy,
  basis: basisOf(ctx, () => `${why()}; ${advice.basis}`),
});

/** What users do today: a fixed keep-alive, by default the job's own (then it never interferes). */
const fixedAdvice = (ctx: KeepAliveContext, fixedSeconds: number | null): KeepAdvice => {
  if (fixedSeconds !== null) {
    return {
      strategy: 'fixed',
      keepUntilMs: atSeconds(ctx, fixedSeconds),
      basis: basisOf(ctx, () => `fixed keep-alive ${formatDuration(fixedSeconds)}`),
    };
  }
  if (ctx.expiresAtMs !== undefined) {
    return {
      strategy: 'fixed',
      keepUntilMs: ctx.expiresAtMs,
      basis: basisOf(ctx, () => "fixed at the job's own keep-alive"),
    };
  }
  const own = ctx.jobKeepAliveSeconds ?? 0;
  return {
    strategy: 'fixed',
    keepUntilMs: atSeconds(ctx, own),
    basis: basisOf(ctx, () => `fixed at the job's own keep-alive ${formatDuration(own)}`),
  };
};

/** Keep until the idle price paid equals one cold start, then stop (2-competitive). */
const breakEvenAdvice = (ctx: KeepAliveContext, costs: PoolCosts): KeepAdvice => {
  const seconds = breakEvenSeconds(costs);
  return {
    strategy: 'break-even',
    keepUntilMs: atSeconds(ctx, seconds),
    basis: basisOf(
      ctx,
      () =>
        `break-even: idling costs ${formatUsd(costs.idleUsdPerSecond * 3600)}/h, one cold start ${formatUsd(costs.coldStartUsd)}, equal after ${formatDuration(seconds)}`,
    ),
  };
};

interface Histogram {
  readonly inRange: number;
  readonly outOfRange: number;
  readonly bins: readonly number[];
}

/**
 * The paper's histogram counts observed idle times only. A censored idle time tells where a gap
 * is only when it is already past the range (then the gap is surely out of range); below the
 * range it says nothing about the bin, so it is left out. Each sample counts by its weight
 * (recency, a broader scope's or the built-in prior's share), as in the learned distribution:
 * counting a prior's pseudo-samples as whole gaps would let a prior of weight 4 outvote a key.
 */
const histogramOf = (gaps: GapDistribution, options: HybridHistogramOptions): Histogram => {
  const binCount = Math.max(1, Math.round(options.rangeSeconds / options.binSeconds));
  const bins = new Array<number>(binCount).fill(0);
  let inRange = 0;
  let outOfRange = 0;
  // Plain loops over the (dense) columns: a replay builds a histogram at every decision, and a
  // fallback read of a number ('?? 1') boxes it.
  const { censoredGaps, censoredWeights, reuseGaps, reuseWeights } = gaps;
  for (let i = 0; i < censoredGaps.length; i++) {
    if ((censoredGaps[i] as number) >= options.rangeSeconds) outOfRange += censoredWeights[i] as number;
  }
  for (let i = 0; i < reuseGaps.length; i++) {
    const weight = reuseWeights[i] as number;
    const bin = Math.floor((reuseGaps[i] as number) / options.binSeconds);
    if (bin < binCount) {
      bins[bin] = (bins[bin] as number) + weight;
      inRange += weight;
    } else {
      outOfRange += weight;
    }
  }
  return { inRange, outOfRange, bins };
};

/** A weighted count as the reason shows it. */
const countOf = (weight: number): string => String(Math.round(weight * 10) / 10);

/** Coefficient of variation of the bin counts, as the paper computes it (sample standard deviation). */
const binCountCv = (histogram: Histogram): number => {
  const n = histogram.bins.length;
  if (n < 2 || histogram.inRange === 0) return 0;
  const mean = histogram.inRange / n;
  let squares = 0;
  for (let bin = 0; bin < n; bin++) squares += ((histogram.bins[bin] as number) - mean) ** 2;
  return Math.sqrt(squares / (n - 1)) / mean;
};

const percentileBin = (histogram: Histogram, fraction: number): number => {
  let seen = 0;
  for (let bin = 0; bin < histogram.bins.length; bin++) {
    seen += histogram.bins[bin] as number;
    if (seen >= fraction * histogram.inRange) return bin;
  }
  return histogram.bins.length - 1;
};

/**
 * "Serverless in the Wild" (ATC '20), hybrid histogram: keep the pool to the tail percentile of
 * the idle-time histogram plus a margin. A warm pool cannot be pre-warmed (only a finishing job
 * creates one), so the paper's head percentile has no use here and the keep-alive counts from
 * Available. Where the paper turns to ARIMA (most idle times out of range) or to a standard
 * keep-alive (few samples, bin counts with a low CV: no pattern), this falls back to fixed.
 */
const hybridHistogramAdvice = (ctx: KeepAliveContext, settings: KeepAliveSettings): KeepAdvice => {
  const options = settings.hybrid;
  const orFixed = (why: () => string) =>
    fallback(ctx, fixedAdvice(ctx, settings.fixedSeconds), 'hybrid-histogram', why);
  if (!ctx.gaps) return orFixed(() => 'hybrid histogram: no gaps learned');
  const histogram = histogramOf(ctx.gaps, options);
  const total = histogram.inRange + histogram.outOfRange;
  if (total < settings.minSamples) {
    return orFixed(() => `hybrid histogram: ${countOf(total)} gaps < ${settings.minSamples} needed`);
  }
  const outShare = histogram.outOfRange / total;
  if (outShare >= options.outOfRangeThreshold) {
    return orFixed(
      () =>
        `hybrid histogram: ${Math.round(outShare * 100)}% of gaps beyond ${formatDuration(options.rangeSeconds)}`,
    );
  }
  const cv = binCountCv(histogram);
  if (cv < options.cvThreshold) {
    return orFixed(
      () => `hybrid histogram: bin-count CV ${cv.toFixed(2)} < ${options.cvThreshold}, no pattern`,
    );
  }
  const tailBin = percentileBin(histogram, options.tailPercentile);
  const seconds = (tailBin + 1) * options.binSeconds * (1 + options.margin);
  return {
    strategy: 'hybrid-histogram',
    keepUntilMs: atSeconds(ctx, seconds),
    basis: basisOf(
      ctx,
      () =>
        `hybrid histogram: ${Math.round(options.tailPercentile * 100)}th percentile of ${countOf(histogram.inRange)} gaps is ${formatDuration((tailBin + 1) * options.binSeconds)}, plus ${Math.round(options.margin * 100)}% = ${formatDuration(seconds)}`,
    ),
  };
};

/**
 * Adaptive ski rental on the learned distribution: the expected-cost decision of expectedCost.ts,
 * re-taken at every decision instant. With nothing learned in any scope (the first pools of a
 * deployment), the same decision on the built-in prior (gapLearner.ts), so the prices still decide.
 */
const adaptiveAdvice = (ctx: KeepAliveContext, costs: PoolCosts): KeepAdvice => {
  const prior = ctx.gaps ? undefined : builtInPrior();
  const gaps = ctx.gaps ?? builtInPrior().distribution;
  const idle = idleSecondsOf(ctx);
  const evidence = ctx.evidence ?? NO_EVIDENCE;
  const rank = ctx.sameKey?.rank ?? 1;
  const keepOptions = {
    hazardRatio: evidence.hazardRatio,
    maxIdleSeconds: ctx.maxIdleSeconds ?? Number.POSITIVE_INFINITY,
    nextDecisionSeconds: idle + (ctx.nextDecisionInSeconds ?? DECISION_PERIOD_SECONDS),
    rank,
  };
  const choice = chooseKeep(gaps, idle, costs, keepOptions);
  const holdsUntilMs = atSeconds(ctx, keepChoiceHoldsUntilIdleSeconds(gaps, choice, costs, keepOptions));
  // The words, when asked for: the numbers they name are computed for them alone.
  const words = () => {
    const learned =
      prior?.basis ??
      ctx.gapsBasis ??
      `${gaps.samples} gap${gaps.samples === 1 ? '' : 's'} (${gaps.censored} unreused)`;
    const given =
      evidence.because.length > 0
        ? `; evidence ${evidence.because.join('; ')} (hazard × ${evidence.hazardRatio.toFixed(2)})`
        : '';
    const competing =
      ctx.sameKey && ctx.sameKey.of > 1
        ? `; rank ${rank} of ${ctx.sameKey.of} Available pools of this key${rank > 1 ? `: reused only once ${rank} same-key jobs come` : ''}`
        : '';
    const prices = `idle ${formatUsd(costs.idleUsdPerSecond * 3600)}/h, cold start ${formatUsd(costs.coldStartUsd)}`;
    return { learned, given, competing, prices };
  };
  if (choice.keepUntilIdleSeconds <= idle) {
    return {
      strategy: 'adaptive',
      keepUntilMs: ctx.nowMs,
      holdsUntilMs,
      basis: basisOf(ctx, () => {
        const { learned, given, competing, prices } = words();
        const window = Math.min(breakEvenSeconds(costs), 24 * 3600);
        const p = reuseWithin(gaps, idle, window, evidence.hazardRatio, rank);
        return `adaptive: P(reuse within ${formatDuration(window)} | idle ${formatDuration(idle)}) = ${Math.max(0, p).toFixed(2)} from ${learned}${given}${competing}; no horizon is worth the idle price (${prices})`;
      }),
    };
  }
  return {
    strategy: 'adaptive',
    keepUntilMs: atSeconds(ctx, choice.keepUntilIdleSeconds),
    holdsUntilMs,
    basis: basisOf(ctx, () => {
      const { learned, given, competing, prices } = words();
      return `adaptive: P(reuse within ${formatDuration(choice.keepUntilIdleSeconds - idle)} | idle ${formatDuration(idle)}) = ${choice.reuseProbability.toFixed(2)} from ${learned}${given}${competing}; expected ${formatUsd(choice.keepUsd)} keeping (${formatUsd(choice.expectedIdleUsd)} idle) against ${formatUsd(choice.stopUsd)} stopping (${prices})`;
    }),
  };
};

/**
 * The expected-cost check every keep past the current expiry must pass, whatever the rule's
 * strategy: the adaptive decision on the learned gaps, on the built-in prior when none are learned.
 */
export const costAwareKeep = (ctx: KeepAliveContext): KeepAdvice | undefined =>
  ctx.costs ? adaptiveAdvice(ctx, ctx.costs) : undefined;

const needsCosts = (
  name: StrategyName,
  settings: KeepAliveSettings,
  advise: (ctx: KeepAliveContext, costs: PoolCosts) => KeepAdvice,
): KeepAliveStrategy => ({
  name,
  advise: (ctx) =>
    ctx.costs
      ? advise(ctx, ctx.costs)
      : fallback(ctx, fixedAdvice(ctx, settings.fixedSeconds), name, () => `${name}: price unknown`),
});

/** The strategies by name; each takes the rule's keep-alive settings. */
export const strategies: Readonly<Record<StrategyName, (settings: KeepAliveSettings) => KeepAliveStrategy>> =
  {
    fixed: (settings) => ({ name: 'fixed', advise: (ctx) => fixedAdvice(ctx, settings.fixedSeconds) }),
    'break-even': (settings) => needsCosts('break-even', settings, breakEvenAdvice),
    'hybrid-histogram': (settings) => ({
      name: 'hybrid-histogram',
      advise: (ctx) => hybridHistogramAdvice(ctx, settings),
    }),
    adaptive: (settings) => needsCosts('adaptive', settings, adaptiveAdvice),
  };

export const createStrategy = (settings: KeepAliveSettings): KeepAliveStrategy =>
  strategies[settings.strategy](settings);

/** What the sweep knows of a pool when it asks for advice (PoolFacts fits). */
export interface AdviceSubject {
  readonly availableSinceMs?: number;
  readonly expiresAtMs?: number;
  readonly ownKeepAliveSeconds?: number;
  readonly instanceCount?: number;
}

/**
 * The rule's strategy applied to one pool: the predictor's output that `decide` takes. Undefined
 * when the pool has no Available-since time (then there is nothing to advise on).
 */
/** The context a strategy is asked in, from what the sweep knows of a pool. */
export const keepAliveContext = (
  settings: KeepAliveSettings,
  pool: AdviceSubject,
  nowMs: number,
  learned: { readonly distribution: GapDistribution; readonly basis?: string } | undefined,
  pricePerInstanceHourUsd: number | undefined,
  extra: {
    readonly evidence?: ActivityEvidence;
    readonly maxIdleSeconds?: number;
    readonly sameKey?: SameKeyRank;
    /** false: no basis is read or written (KeepAliveContext.explain). */
    readonly explain?: boolean;
  } = {},
): KeepAliveContext | undefined => {
  if (pool.availableSinceMs === undefined) return undefined;
  const costs =
    pricePerInstanceHourUsd !== undefined && pool.instanceCount !== undefined
      ? poolCosts({
          pricePerInstanceHourUsd,
          instanceCount: pool.instanceCount,
          coldStartSeconds: settings.coldStartSeconds,
          waitingValuePerHourUsd: settings.waitingValuePerHourUsd,
        })
      : undefined;
  return {
    availableSinceMs: pool.availableSinceMs,
    nowMs,
    ...(pool.expiresAtMs !== undefined ? { expiresAtMs: pool.expiresAtMs } : {}),
    ...(pool.ownKeepAliveSeconds !== undefined ? { jobKeepAliveSeconds: pool.ownKeepAliveSeconds } : {}),
    ...(learned ? { gaps: learned.distribution } : {}),
    // A learned basis is written when first read: not read when no advice's basis will be.
    ...(extra.explain !== false && learned?.basis !== undefined ? { gapsBasis: learned.basis } : {}),
    ...(costs ? { costs } : {}),
    ...(extra.evidence ? { evidence: extra.evidence } : {}),
    ...(extra.maxIdleSeconds !== undefined ? { maxIdleSeconds: extra.maxIdleSeconds } : {}),
    ...(extra.sameKey ? { sameKey: extra.sameKey } : {}),
    ...(extra.explain === false ? { explain: false } : {}),
  };
};

/** The rule's strategy applied to one pool. Undefined when the pool has no Available-since time. */
export const adviseKeepAlive = (
  settings: KeepAliveSettings,
  pool: AdviceSubject,
  nowMs: number,
  gaps: GapDistribution | undefined,
  pricePerInstanceHourUsd: number | undefined,
  evidence?: ActivityEvidence,
): KeepAdvice | undefined => {
  const ctx = keepAliveContext(
    settings,
    pool,
    nowMs,
    gaps ? { distribution: gaps } : undefined,
    pricePerInstanceHourUsd,
    evidence ? { evidence } : {},
  );
  return ctx ? createStrategy(settings).advise(ctx) : undefined;
};
