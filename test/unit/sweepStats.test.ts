import { describe, expect, it } from 'vitest';
import { knowledgeAt, type SweepReadings, situationAt } from '../../lib/app/sweepStats';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { evaluatePool, type PolicySetup } from '../../lib/domain/policy/evaluatePool';
import { gapScopeId } from '../../lib/domain/policy/gapDistribution';
import type { TimedGap } from '../../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { sampleAvailablePool } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const MIN = 60_000;

const pool = (name: string, sinceMs: number): JobRecord => sampleAvailablePool(name, sinceMs, NOW);

const first = pool('first', NOW - MIN);
const second = pool('second', NOW);
const key = first.job?.matchKey ?? '';

/** Half the pools of this key were reused 30 min after becoming Available; the rest never. */
const gaps: TimedGap[] = [
  ...Array.from({ length: 10 }, () => ({ gapSeconds: 1800, reused: true, atMs: NOW - 60 * MIN })),
  ...Array.from({ length: 10 }, () => ({ gapSeconds: 6 * 3600, reused: false, atMs: NOW - 60 * MIN })),
];
const readings: SweepReadings = {
  day: '2026-03-02',
  lastByOwner: new Map(),
  gapsByScope: new Map([[gapScopeId({ kind: 'matchKey', key }), gaps]]),
  endedSpendByTeam: new Map(),
};
const setup: PolicySetup = {
  policy: DEFAULT_POLICY,
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  killSwitch: false,
  prices: DEFAULT_PRICES,
};

describe('the sweep ranks each pool among the Available pools of its match key', () => {
  it('gives the second of two identical pools its rank, and releases it while the first is kept', () => {
    const knowledge = knowledgeAt(readings, [second, first], NOW, DEFAULT_PRICES);
    const one = situationAt(first, knowledge, NOW);
    const two = situationAt(second, knowledge, NOW);
    expect(one.sameKey).toEqual({ rank: 1, of: 2 });
    expect(two.sameKey).toEqual({ rank: 2, of: 2 });
    // ml.g5.2xlarge at $60/h of waiting: 30 min idle ($0.76) is worth a 1/2 chance of a
    // $2.08 cold start, not the 0.14 chance that two jobs come by then (the key's 20 gaps with
    // the built-in prior of weight 4).
    const kept = evaluatePool(setup, one).decision;
    const released = evaluatePool(setup, two).decision;
    expect(kept.action).not.toBe('stop');
    expect(released.action).toBe('stop');
    expect(released.reason).toContain('= 0.14');
    expect(released.reason).toContain(
      'rank 2 of 2 Available pools of this key: reused only once 2 same-key jobs come',
    );
  });

  it('ranks a new pool among the rivals read for it (the policy reactor reads its key)', () => {
    const knowledge = knowledgeAt(readings, [second], NOW, DEFAULT_PRICES, [first]);
    expect(situationAt(second, knowledge, NOW).sameKey).toEqual({ rank: 2, of: 2 });
  });

  it('decides for a pool alone as without ranks', () => {
    const knowledge = knowledgeAt(readings, [second], NOW, DEFAULT_PRICES);
    const alone = situationAt(second, knowledge, NOW);
    expect(alone.sameKey).toEqual({ rank: 1, of: 1 });
    const { sameKey: _, ...unranked } = alone;
    expect(evaluatePool(setup, alone).decision).toEqual(evaluatePool(setup, unranked).decision);
    expect(evaluatePool(setup, alone).decision.action).not.toBe('stop');
  });
});
