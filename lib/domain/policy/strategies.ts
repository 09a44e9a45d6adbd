import { formatDuration, formatUsd } from './duration';
import { type GapDistribution, reuseProbability, survivalAt } from './gapDistribution';
import type { HybridHistogramOptions, KeepAliveSettings, StrategyName } from './policy';
import { breakEvenSeconds, type PoolCosts, poolCosts } from './skiRental';

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
  /** Absent when the price is unknown: the cost-based strategies fall back to fixed. */
  readonly costs?: PoolCosts;
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
}

export interface KeepAliveStrategy {
  readonly name: StrategyName;
  advise(ctx: KeepAliveContext): KeepAdvice;
}

const idleSecondsOf = (ctx: KeepAliveContext): number =>
  Math.max(0, (ctx.nowMs - ctx.availableSinceMs) / 1000);

const atSeconds = (ctx: KeepAliveContext, seconds: number): number => ctx.availableSinceMs + seconds * 1000;

const fallback = (advice: KeepAdvice, asked: StrategyName, why: string): KeepAdvice => ({
  ...advice,
  strategy: asked,
  fellBackTo: advice.strategy,
  basis: `${why}; ${advice.basis}`,
});

/** What users do today: a fixed keep-alive, by default the job's own (then it never interferes). */
const fixedAdvice = (ctx: KeepAliveContext, fixedSeconds: number | null): KeepAdvice => {
  if (fixedSeconds !== null) {
    return {
      strategy: 'fixed',
      keepUntilMs: atSeconds(ctx, fixedSeconds),
      basis: `fixed keep-alive ${formatDuration(fixedSeconds)}`,
    };
  }
  if (ctx.expiresAtMs !== undefined) {
    return { strategy: 'fixed', keepUntilMs: ctx.expiresAtMs, basis: "fixed at the job's own keep-alive" };
  }
  const own = ctx.jobKeepAliveSeconds ?? 0;
  return {
    strategy: 'fixed',
    keepUntilMs: atSeconds(ctx, own),
    basis: `fixed at the job's own keep-alive ${formatDuration(own)}`,
  };
};

/** Keep until the idle price paid equals one cold start, then stop (2-competitive). */
const breakEvenAdvice = (ctx: KeepAliveContext, costs: PoolCosts): KeepAdvice => {
  const seconds = breakEvenSeconds(costs);
  return {
    strategy: 'break-even',
    keepUntilMs: atSeconds(ctx, seconds),
    basis: `break-even: idling costs ${formatUsd(costs.idleUsdPerSecond * 3600)}/h, one cold start ${formatUsd(costs.coldStartUsd)}, equal after ${formatDuration(seconds)}`,
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
 * range it says nothing about the bin, so it is left out.
 */
const histogramOf = (gaps: GapDistribution, options: HybridHistogramOptions): Histogram => {
  const binCount = Math.max(1, Math.round(options.rangeSeconds / options.binSeconds));
  const bins = new Array<number>(binCount).fill(0);
  let inRange = 0;
  let outOfRange = gaps.censoredGaps.filter((g) => g >= options.rangeSeconds).length;
  for (const gap of gaps.reuseGaps) {
    const bin = Math.floor(gap / options.binSeconds);
    if (bin < binCount) {
      bins[bin] = (bins[bin] ?? 0) + 1;
      inRange++;
    } else {
      outOfRange++;
    }
  }
  return { inRange, outOfRange, bins };
};

/** Coefficient of variation of the bin counts, as the paper computes it (sample standard deviation). */
const binCountCv = (histogram: Histogram): number => {
  const n = histogram.bins.length;
  if (n < 2 || histogram.inRange === 0) return 0;
  const mean = histogram.inRange / n;
  const squares = histogram.bins.reduce((sum, count) => sum + (count - mean) ** 2, 0);
  return Math.sqrt(squares / (n - 1)) / mean;
};

const percentileBin = (histogram: Histogram, fraction: number): number => {
  let seen = 0;
  for (let bin = 0; bin < histogram.bins.length; bin++) {
    seen += histogram.bins[bin] ?? 0;
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
  const orFixed = (why: string) => fallback(fixedAdvice(ctx, settings.fixedSeconds), 'hybrid-histogram', why);
  if (!ctx.gaps) return orFixed('hybrid histogram: no gaps learned');
  const histogram = histogramOf(ctx.gaps, options);
  const total = histogram.inRange + histogram.outOfRange;
  if (total < settings.minSamples) {
    return orFixed(`hybrid histogram: ${total} gaps < ${settings.minSamples} needed`);
  }
  const outShare = histogram.outOfRange / total;
  if (outShare >= options.outOfRangeThreshold) {
    return orFixed(
      `hybrid histogram: ${Math.round(outShare * 100)}% of gaps beyond ${formatDuration(options.rangeSeconds)}`,
    );
  }
  const cv = binCountCv(histogram);
  if (cv < options.cvThreshold) {
    return orFixed(`hybrid histogram: bin-count CV ${cv.toFixed(2)} < ${options.cvThreshold}, no pattern`);
  }
  const tailBin = percentileBin(histogram, options.tailPercentile);
  const seconds = (tailBin + 1) * options.binSeconds * (1 + options.margin);
  return {
    strategy: 'hybrid-histogram',
    keepUntilMs: atSeconds(ctx, seconds),
    basis: `hybrid histogram: ${Math.round(options.tailPercentile * 100)}th percentile of ${histogram.inRange} gaps is ${formatDuration((tailBin + 1) * options.binSeconds)}, plus ${Math.round(options.margin * 100)}% = ${formatDuration(seconds)}`,
  };
};

/**
 * Adaptive ski rental on the learned distribution. Having idled `a` seconds, keeping the pool up
 * to idle time h costs the expected idle price until a reuse or h, and saves a cold start when a
 * reuse comes by h; it is worth keeping when, for some h, P(reuse by h | idle a) × cold-start
 * cost > expected idle price up to h. The brief's per-period test is this with h = a + one period
 * only; looking at every h also keeps a pool across a lull before a likely reuse (bimodal gaps).
 * With a Kaplan–Meier estimate the expected cost is linear between observed gaps and drops at
 * each, so the best h is `a` (stop now) or one of the observed gaps after `a`.
 */
const adaptiveAdvice = (ctx: KeepAliveContext, settings: KeepAliveSettings, costs: PoolCosts): KeepAdvice => {
  const gaps = ctx.gaps;
  if (!gaps || gaps.samples < settings.minSamples) {
    return fallback(
      breakEvenAdvice(ctx, costs),
      'adaptive',
      `adaptive: ${gaps?.samples ?? 0} gaps < ${settings.minSamples} needed`,
    );
  }
  const idle = idleSecondsOf(ctx);
  const alive = survivalAt(gaps, idle);
  const learned = `${gaps.samples} gaps (${gaps.censored} unreused)`;
  if (alive <= 0) {
    return {
      strategy: 'adaptive',
      keepUntilMs: ctx.nowMs,
      basis: `adaptive: every one of ${learned} was shorter than the ${formatDuration(idle)} idled so far`,
    };
  }
  // Unnormalised expected costs (× S(a)): the argmin does not change.
  let bestHorizon = idle;
  let bestCost = costs.coldStartUsd * alive;
  let bestIdleIntegral = 0;
  let idleIntegral = 0;
  let from = idle;
  let surviving = alive;
  for (let i = 0; i < gaps.eventSeconds.length; i++) {
    const at = gaps.eventSeconds[i] ?? 0;
    if (at <= idle) continue;
    idleIntegral += surviving * (at - from);
    surviving = gaps.survival[i] ?? surviving;
    from = at;
    const cost = costs.idleUsdPerSecond * idleIntegral + costs.coldStartUsd * surviving;
    if (cost < bestCost) {
      bestCost = cost;
      bestHorizon = at;
      bestIdleIntegral = idleIntegral;
    }
  }
  if (bestHorizon <= idle) {
    const window = Math.min(breakEvenSeconds(costs), 24 * 3600);
    const p = reuseProbability(gaps, idle, window);
    return {
      strategy: 'adaptive',
      keepUntilMs: ctx.nowMs,
      basis: `adaptive: P(reuse within ${formatDuration(window)} | idle ${formatDuration(idle)}) = ${p.toFixed(2)} from ${learned}; not worth the idle price of ${formatUsd(costs.idleUsdPerSecond * 3600)}/h against a cold start of ${formatUsd(costs.coldStartUsd)}`,
    };
  }
  const p = reuseProbability(gaps, idle, bestHorizon - idle);
  const expectedIdle = (costs.idleUsdPerSecond * bestIdleIntegral) / alive;
  return {
    strategy: 'adaptive',
    keepUntilMs: atSeconds(ctx, bestHorizon),
    basis: `adaptive: P(reuse within ${formatDuration(bestHorizon - idle)} | idle ${formatDuration(idle)}) = ${p.toFixed(2)} from ${learned}; saves ${formatUsd(p * costs.coldStartUsd)} expected against ${formatUsd(expectedIdle)} expected idle`,
  };
};

const needsCosts = (
  name: StrategyName,
  settings: KeepAliveSettings,
  advise: (ctx: KeepAliveContext, costs: PoolCosts) => KeepAdvice,
): KeepAliveStrategy => ({
  name,
  advise: (ctx) =>
    ctx.costs
      ? advise(ctx, ctx.costs)
      : fallback(fixedAdvice(ctx, settings.fixedSeconds), name, `${name}: price unknown`),
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
    adaptive: (settings) =>
      needsCosts('adaptive', settings, (ctx, costs) => adaptiveAdvice(ctx, settings, costs)),
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
export const adviseKeepAlive = (
  settings: KeepAliveSettings,
  pool: AdviceSubject,
  nowMs: number,
  gaps: GapDistribution | undefined,
  pricePerInstanceHourUsd: number | undefined,
): KeepAdvice | undefined => {
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
  return createStrategy(settings).advise({
    availableSinceMs: pool.availableSinceMs,
    nowMs,
    ...(pool.expiresAtMs !== undefined ? { expiresAtMs: pool.expiresAtMs } : {}),
    ...(pool.ownKeepAliveSeconds !== undefined ? { jobKeepAliveSeconds: pool.ownKeepAliveSeconds } : {}),
    ...(gaps ? { gaps } : {}),
    ...(costs ? { costs } : {}),
  });
};
