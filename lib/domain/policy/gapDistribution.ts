import type { JobRecord } from '../jobRecord';
import type { PoolView } from '../poolChain';

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
}

export interface GapDistribution {
  readonly samples: number;
  readonly reuses: number;
  readonly censored: number;
  /** Distinct gaps at which reuses were seen, ascending. */
  readonly eventSeconds: readonly number[];
  /** Kaplan–Meier survival just after each event: P(gap > eventSeconds[i]). */
  readonly survival: readonly number[];
  /** The exact gaps, ascending (the hybrid histogram is built from these). */
  readonly reuseGaps: readonly number[];
  /** The censored idle times, ascending. */
  readonly censoredGaps: readonly number[];
}

export const learnGaps = (samples: readonly GapSample[]): GapDistribution => {
  const clean = samples
    .filter((s) => Number.isFinite(s.gapSeconds))
    .map((s) => ({ gapSeconds: Math.max(0, s.gapSeconds), reused: s.reused }))
    .sort((a, b) => a.gapSeconds - b.gapSeconds);
  const eventSeconds: number[] = [];
  const survival: number[] = [];
  let atRisk = clean.length;
  let surviving = 1;
  for (let i = 0; i < clean.length; ) {
    const gap = clean[i]?.gapSeconds ?? 0;
    let reuses = 0;
    let leaving = 0;
    // Censored samples tied with a reuse are still at risk at that instant (the usual convention).
    for (; i < clean.length && clean[i]?.gapSeconds === gap; i++) {
      leaving++;
      if (clean[i]?.reused) reuses++;
    }
    if (reuses > 0) {
      surviving *= 1 - reuses / atRisk;
      eventSeconds.push(gap);
      survival.push(surviving);
    }
    atRisk -= leaving;
  }
  const reuseGaps = clean.filter((s) => s.reused).map((s) => s.gapSeconds);
  const censoredGaps = clean.filter((s) => !s.reused).map((s) => s.gapSeconds);
  return {
    samples: clean.length,
    reuses: reuseGaps.length,
    censored: censoredGaps.length,
    eventSeconds,
    survival,
    reuseGaps,
    censoredGaps,
  };
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
    if ((eventSeconds[mid] ?? Number.POSITIVE_INFINITY) <= seconds) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? 1 : (survival[low - 1] ?? 1);
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

/** Where gaps are learned, most specific first: the match key, then the owner, then the rule. */
export type GapScopeKind = 'matchKey' | 'owner' | 'rule';

export interface GapScope {
  readonly kind: GapScopeKind;
  readonly key: string;
}

export const gapScopes = (
  pool: { readonly matchKey?: string; readonly owner?: string },
  ruleName: string,
): GapScope[] => [
  ...(pool.matchKey ? [{ kind: 'matchKey' as const, key: pool.matchKey }] : []),
  ...(pool.owner ? [{ kind: 'owner' as const, key: pool.owner }] : []),
  { kind: 'rule', key: ruleName },
];

/** A stable string for storing or caching a scope's distribution. */
export const gapScopeId = (scope: GapScope): string => `${scope.kind}:${scope.key}`;

export interface ScopedGaps {
  readonly scope: GapScope;
  readonly distribution: GapDistribution;
}

/** The most specific scope with at least `minSamples` samples; none: the strategies fall back. */
export const pickGapDistribution = (
  scopes: readonly GapScope[],
  lookup: (scope: GapScope) => GapDistribution | undefined,
  minSamples: number,
): ScopedGaps | undefined => {
  for (const scope of scopes) {
    const distribution = lookup(scope);
    if (distribution && distribution.samples >= minSamples) return { scope, distribution };
  }
  return undefined;
};
