import { describe, expect, it } from 'vitest';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { knowledgeAt, readSweepStats, type SweepReadings, situationAt } from '../../lib/app/sweepStats';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { evaluatePool, type PolicySetup } from '../../lib/domain/policy/evaluatePool';
import { gapScopeId } from '../../lib/domain/policy/gapDistribution';
import { AT_EACH_INSTANT, GapLearnerMemo, type TimedGap } from '../../lib/domain/policy/gapLearner';
import { policyReads } from '../../lib/domain/policy/policyReads';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { policyOf } from '../support/policyOf';
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
/** The container's learner memo, as the sweep would pass it. */
const memo = new GapLearnerMemo(AT_EACH_INSTANT);
const setup: PolicySetup = {
  policy: DEFAULT_POLICY,
  limits: DEFAULT_KEEP_ALIVE_LIMITS,
  killSwitch: false,
  prices: DEFAULT_PRICES,
};

describe('the sweep ranks each pool among the Available pools of its match key', () => {
  it('gives the second of two identical pools its rank, and releases it while the first is kept', () => {
    const knowledge = knowledgeAt(readings, [second, first], NOW, DEFAULT_PRICES);
    const one = situationAt(first, knowledge, NOW, memo);
    const two = situationAt(second, knowledge, NOW, memo);
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
    expect(situationAt(second, knowledge, NOW, memo).sameKey).toEqual({ rank: 2, of: 2 });
  });

  it('decides for a pool alone as without ranks', () => {
    const knowledge = knowledgeAt(readings, [second], NOW, DEFAULT_PRICES);
    const alone = situationAt(second, knowledge, NOW, memo);
    expect(alone.sameKey).toEqual({ rank: 1, of: 1 });
    const { sameKey: _, ...unranked } = alone;
    expect(evaluatePool(setup, alone).decision).toEqual(evaluatePool(setup, unranked).decision);
    expect(evaluatePool(setup, alone).decision.action).not.toBe('stop');
  });
});

describe('the sweep reads only the statistics some rule decides on', () => {
  /** A rule for one tag turns on owner activity as evidence and a team cap; the defaults use neither. */
  const readingPolicy = policyOf(`
version: 1
rules:
  - name: night
    match:
      tags: ["workload=nightly-training"]
    extend:
      when:
        ownerActiveWithin: 30m
    caps:
      idleSpendPerTeamPerDay: 100
`);

  const statsWithHistory = async () => {
    const stats = new MemoryUsageStats();
    await stats.noteSubmission('alice', NOW - 5 * MIN);
    await stats.addIdleSpend('vision', '2026-03-02', 'earlier-job', 12.5);
    const asked: string[] = [];
    const counted = new Proxy(stats, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          asked.push(String(property));
          return Reflect.apply(value, target, args);
        };
      },
    });
    return { stats: counted, asked };
  };

  it('names what a policy reads: owners only with ownerActiveWithin, teams only with a team cap', () => {
    expect(policyReads(DEFAULT_POLICY)).toEqual({ ownerActivity: false, teamSpend: false });
    expect(policyReads(readingPolicy)).toEqual({ ownerActivity: true, teamSpend: true });
  });

  it('asks neither owners nor teams when no rule names them, and decides as if it had', async () => {
    const { stats, asked } = await statsWithHistory();
    const readings = await readSweepStats(stats, DEFAULT_POLICY, [first], NOW);
    expect(asked).not.toContain('ownerLastSubmittedAt');
    expect(asked).not.toContain('idleSpend');
    expect(asked).toContain('recentGaps');
    const full: SweepReadings = {
      ...readings,
      lastByOwner: new Map([['alice', NOW - 5 * MIN]]),
      endedSpendByTeam: new Map([['vision', 12.5]]),
    };
    const without = evaluatePool(
      setup,
      situationAt(first, knowledgeAt(readings, [first], NOW, DEFAULT_PRICES), NOW, memo),
    );
    const withAll = evaluatePool(
      setup,
      situationAt(first, knowledgeAt(full, [first], NOW, DEFAULT_PRICES), NOW, memo),
    );
    expect(without.decision).toEqual(withAll.decision);
    expect(without.holdsUntilMs).toEqual(withAll.holdsUntilMs);
  });

  it('reads the owner and the team when one rule names them', async () => {
    const { stats, asked } = await statsWithHistory();
    const readings = await readSweepStats(stats, readingPolicy, [first], NOW);
    expect(asked).toContain('ownerLastSubmittedAt');
    expect(readings.lastByOwner.get('alice')).toBe(NOW - 5 * MIN);
    expect(readings.endedSpendByTeam.get('vision')).toBe(12.5);
  });
});

describe("a team's idle spend today counts every Available pool that was read", () => {
  // Both pools are alice's, of team vision; an hour idle each at the sample's price.
  const hourAgo = pool('hour-ago', NOW - 60 * MIN);
  const teammate = pool('teammate', NOW - 60 * MIN);
  const alone = knowledgeAt(readings, [hourAgo], NOW, DEFAULT_PRICES).spend(hourAgo);

  it('adds a rival of the same team to the team, not to the pool', () => {
    const spend = knowledgeAt(readings, [hourAgo], NOW, DEFAULT_PRICES, [teammate]).spend(hourAgo);
    expect(spend.poolIdleUsdToday).toBe(alone.poolIdleUsdToday);
    expect(spend.teamIdleUsdToday).toBeCloseTo(2 * (alone.teamIdleUsdToday ?? 0), 9);
  });

  it('counts a pool read both as decided and as a rival once', () => {
    const spend = knowledgeAt(readings, [hourAgo, teammate], NOW, DEFAULT_PRICES, [teammate, hourAgo]).spend(
      hourAgo,
    );
    expect(spend.teamIdleUsdToday).toBeCloseTo(2 * (alone.teamIdleUsdToday ?? 0), 9);
  });
});
