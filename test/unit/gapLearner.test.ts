import { describe, expect, it } from 'vitest';
import { poolCosts } from '../../lib/domain/costModel';
import { DEFAULT_RULE_SETTINGS } from '../../lib/domain/policy/defaultPolicy';
import {
  ALL_POOLS_SCOPE,
  type GapScope,
  gapScopeId,
  gapScopes,
} from '../../lib/domain/policy/gapDistribution';
import { learnHierarchical, type TimedGap } from '../../lib/domain/policy/gapLearner';
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
    expect(learned?.distribution.eventSeconds).toEqual([180]);
  });

  it('the key own gaps then weigh against all pools as a prior', () => {
    const own: TimedGap[] = [{ gapSeconds: 7200, reused: false, atMs: T0 - 60_000 }];
    const learned = learnHierarchical(
      newKey,
      (scope) => (scope.kind === 'matchKey' ? own : onlyAllPools(scope)),
      T0,
    );
    expect(learned?.basis).toMatch(/^this match key: 1 gaps .* \+ all pools as a prior of weight 64$/);
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
    expect(advice.keepUntilMs).toBe(T0 + 180_000);
    expect(advice.basis).toContain('all pools: 20 gaps');
  });

  it('with nothing learned anywhere (a fresh deployment) the pool is kept to break-even, not on evidence', () => {
    const settings = { ...DEFAULT_RULE_SETTINGS.keepAlive, waitingValuePerHourUsd: 0 };
    const advice = createStrategy(settings).advise({
      availableSinceMs: T0,
      nowMs: T0,
      costs: poolCosts({
        pricePerInstanceHourUsd: 1.2,
        instanceCount: 1,
        coldStartSeconds: settings.coldStartSeconds,
        waitingValuePerHourUsd: 0,
      }),
    });
    // At $0/h a cold start costs 122 s of the cluster: break-even keeps it 122 s.
    expect(advice).toMatchObject({ fellBackTo: 'break-even', keepUntilMs: T0 + 122_000 });
  });
});
