import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poolCosts } from '../../lib/domain/costModel';
import { DEFAULT_RULE_SETTINGS } from '../../lib/domain/policy/defaultPolicy';
import {
  ALL_POOLS_SCOPE,
  type GapDistribution,
  type GapScope,
  gapScopeId,
  gapScopes,
  reuseProbability,
} from '../../lib/domain/policy/gapDistribution';
import {
  DEFAULT_GAP_LEARNING,
  learnHierarchical,
  stopsLatestBegunFirst,
  type TimedGap,
} from '../../lib/domain/policy/gapLearner';
import { createStrategy } from '../../lib/domain/policy/strategies';

const T0 = Date.parse('2026-03-02T09:00:00Z');
/** Jobs of other families, reused 3 minutes after their pools became Available. */
const others: TimedGap[] = Array.from({ length: 20 }, (_, i) => ({
  gapSeconds: 180,
  reused: true,
  atMs: T0 - (20 - i) * 600_000,
}));
const newKey = gapScopes({ matchKey: 'mk-new', owner: 'zoe', team: 'speech', instanceType: 'ml.g6.xlarge' });
const onlyAllPools = (scope: GapScope) =>
  gapScopeId(scope) === gapScopeId(ALL_POOLS_SCOPE) ? others : undefined;

describe('hierarchical learning down to all pools', () => {
  it('a key of a family never seen before starts from what all pools showed', () => {
    const learned = learnHierarchical(newKey, onlyAllPools, T0);
    expect(learned?.scope).toEqual(ALL_POOLS_SCOPE);
    expect(learned?.basis).toMatch(/^all pools: 20 gaps/);
    expect(learned?.basis).toMatch(
      / \+ the built-in prior: P\(reuse within 6h\) 0\.50, gaps evenly on a log scale from 1m to 6h, weight 4$/,
    );
    expect(learned?.distribution.eventSeconds).toContain(180);
    // 20 samples against the prior's 4: most of the mass is at the 180 s all pools showed.
    expect(reuseProbability(learned?.distribution as GapDistribution, 0, 180)).toBeGreaterThan(0.8);
  });

  it("the built-in prior's weight falls as samples come", () => {
    const pReuseBy180 = (n: number) => {
      const learned = learnHierarchical(
        newKey,
        (scope) => (scope.kind === 'all' ? others.slice(-n) : undefined),
        T0,
      );
      return reuseProbability(learned?.distribution as GapDistribution, 0, 180);
    };
    // One sample against a prior of weight 4 (half of it reused, spread from 1 minute to 6 hours).
    expect(pReuseBy180(1)).toBeLessThan(0.5);
    expect(pReuseBy180(5)).toBeGreaterThan(pReuseBy180(1));
    expect(pReuseBy180(20)).toBeGreaterThan(pReuseBy180(5));
  });

  it('the key own gaps then weigh against all pools as a prior', () => {
    const own: TimedGap[] = [{ gapSeconds: 7200, reused: false, atMs: T0 - 60_000 }];
    const learned = learnHierarchical(
      newKey,
      (scope) => (scope.kind === 'matchKey' ? own : onlyAllPools(scope)),
      T0,
    );
    expect(learned?.basis).toMatch(
      /^this match key: 1 gap .* \+ all pools as a prior of weight 16 at every idle time$/,
    );
  });

  it('a cheap pool of a new family is kept on that evidence, with the figures in the reason', () => {
    const learned = learnHierarchical(newKey, onlyAllPools, T0);
    const settings = { ...DEFAULT_RULE_SETTINGS.keepAlive, waitingValuePerHourUsd: 60 };
    const advice = createStrategy(settings).advise({
      availableSinceMs: T0,
      nowMs: T0,
      ...(learned ? { gaps: learned.distribution, gapsBasis: learned.basis } : {}),
      costs: poolCosts({
        pricePerInstanceHourUsd: 1.2,
        instanceCount: 1,
        coldStartSeconds: settings.coldStartSeconds,
        waitingValuePerHourUsd: 60,
      }),
    });
    // At least to the 180 s all pools showed; the prior's later reuses may be worth waiting for too.
    expect(advice.keepUntilMs).toBeGreaterThanOrEqual(T0 + 180_000);
    expect(advice.basis).toContain('all pools: 20 gaps');
    expect(advice.basis).toContain('the built-in prior');
  });

  describe('with nothing learned anywhere (a fresh deployment): the built-in prior, and the prices decide', () => {
    const adviseAt = (waitingValuePerHourUsd: number, pricePerInstanceHourUsd: number) => {
      const settings = { ...DEFAULT_RULE_SETTINGS.keepAlive, waitingValuePerHourUsd };
      return createStrategy(settings).advise({
        availableSinceMs: T0,
        nowMs: T0,
        costs: poolCosts({
          pricePerInstanceHourUsd,
          instanceCount: 1,
          coldStartSeconds: settings.coldStartSeconds,
          waitingValuePerHourUsd,
        }),
      });
    };

    it('at $0/h a cheap and an expensive pool are both stopped at once: a cold start is only 122 s of the cluster', () => {
      // ml.g5.xlarge and ml.p4d.24xlarge (one instance).
      for (const price of [1.408, 37.688]) {
        const advice = adviseAt(0, price);
        expect(advice).toMatchObject({ strategy: 'adaptive', keepUntilMs: T0 });
        expect(advice.fellBackTo).toBeUndefined();
        expect(advice.basis).toContain('from the built-in prior: P(reuse within 6h) 0.50');
      }
    });

    it('at $60/h a cheap pool is kept a while, an expensive one released at once', () => {
      const cheap = adviseAt(60, 1.408);
      expect(cheap.keepUntilMs).toBeGreaterThan(T0);
      expect(cheap.keepUntilMs).toBeLessThanOrEqual(T0 + 6 * 3600_000);
      expect(cheap.basis).toContain('the built-in prior');
      expect(adviseAt(60, 37.688).keepUntilMs).toBe(T0);
    });
  });
});

describe('a broader scope as a prior on the hazard (the winner’s curse of a key with few gaps)', () => {
  // All pools: half reused at 1 minute, half never within the hour.
  const broad: TimedGap[] = Array.from({ length: 40 }, (_, i) => ({
    gapSeconds: i % 2 === 0 ? 60 : 3600,
    reused: i % 2 === 0,
    atMs: T0 - (40 - i) * 60_000,
  }));
  // The key: 3 pools, each reused after 10 minutes.
  const own: TimedGap[] = [1, 2, 3].map((i) => ({ gapSeconds: 600, reused: true, atMs: T0 - i * 600_000 }));
  const lookup = (scope: GapScope) =>
    scope.kind === 'matchKey' ? own : scope.kind === 'all' ? broad : undefined;
  const pLate = (priorOnHazard: boolean) => {
    const learned = learnHierarchical(newKey, lookup, T0, { ...DEFAULT_GAP_LEARNING, priorOnHazard });
    // Idle 5 minutes: all pools say no reuse comes now; the key's 3 gaps say one comes at 10.
    return reuseProbability(learned?.distribution as GapDistribution, 300, 600);
  };

  it('far into an idle period, a few own gaps no longer outweigh the broader scope', () => {
    // As samples, the prior's weight 16 has faded to about 16 × 1/2 at risk by then: P near
    // 3 / (3 + 8); on the hazard it is 16 at risk at every idle time: P near 3 / (3 + 16). (All
    // pools' own estimate carries the built-in prior's few reuses between 1 minute and 6 hours.)
    expect(pLate(false)).toBeGreaterThan(0.25);
    expect(pLate(true)).toBeGreaterThan(0.14);
    expect(pLate(true)).toBeLessThan(0.19);
  });

  it('says so in the reason', () => {
    const learned = learnHierarchical(newKey, lookup, T0);
    expect(learned?.basis).toMatch(
      /^this match key: 3 gaps .* \+ all pools as a prior of weight 16 at every idle time$/,
    );
  });
});

describe('stopsLatestBegunFirst', () => {
  // Few distinct instants, so that stops often began at the same one; now and then a gap that is
  // not finite, whose order is the sort's.
  const stop = fc.record({
    atMs: fc.integer({ min: 0, max: 6 }).map((m) => m * 60_000),
    gapSeconds: fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 0, max: 4 }).map((m) => m * 60) },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY) },
    ),
    unresolved: fc.boolean(),
  });

  it('orders the stops as the sort by beginning (latest first), then place, does', () => {
    fc.assert(
      fc.property(fc.array(stop, { maxLength: 30 }), (raw) => {
        const samples: TimedGap[] = raw.map((s) => ({
          gapSeconds: s.gapSeconds,
          reused: false,
          atMs: s.atMs,
          ...(s.unresolved ? { unresolved: true } : {}),
        }));
        const unresolvedAt = samples.flatMap((s, i) => (s.unresolved === true ? [i] : []));
        const startOf = (k: number) => {
          const g = samples[unresolvedAt[k] as number] as TimedGap;
          return g.atMs - g.gapSeconds * 1000;
        };
        const sorted = unresolvedAt
          .map((_, k) => k)
          .sort(
            (x, y) => startOf(y) - startOf(x) || (unresolvedAt[x] as number) - (unresolvedAt[y] as number),
          );
        expect(stopsLatestBegunFirst(samples, unresolvedAt)).toStrictEqual(sorted);
      }),
      { numRuns: 1000 },
    );
  });
});
