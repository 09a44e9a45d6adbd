import { describe, expect, it } from 'vitest';
import { prepareJobs, snapshotOf } from '../../devtools/sim/simJobs';
import { breakEvenSeconds, poolCosts } from '../../lib/domain/costModel';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { decide } from '../../lib/domain/policy/decide';
import { DEFAULT_POLICY, DEFAULT_RULE_SETTINGS } from '../../lib/domain/policy/defaultPolicy';
import { evaluatePool } from '../../lib/domain/policy/evaluatePool';
import {
  type GapDistribution,
  type GapSample,
  learnGaps,
  reuseProbability,
  survivalAt,
} from '../../lib/domain/policy/gapDistribution';
import { type KeepAliveSettings, type RuleSettings, STRATEGY_NAMES } from '../../lib/domain/policy/policy';
import type { PoolFacts } from '../../lib/domain/policy/poolFacts';
import {
  adviseKeepAlive,
  createStrategy,
  type KeepAliveContext,
  strategies,
} from '../../lib/domain/policy/strategies';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { type Overrides, withOverrides } from '../support/overrides';
import { policyOf } from '../support/policyOf';
import { sampleTraceJob } from '../support/sampleTraceJob';

const T0 = Date.parse('2025-06-03T08:00:00Z');
const S = 1000;

const reused = (...gaps: number[]): GapSample[] => gaps.map((gapSeconds) => ({ gapSeconds, reused: true }));
const unreused = (...gaps: number[]): GapSample[] =>
  gaps.map((gapSeconds) => ({ gapSeconds, reused: false }));
const repeat = (times: number, gap: number): number[] => Array.from({ length: times }, () => gap);

/** $10/h × 2 instances = $20/h idle; a cold start of 120 s with a person worth $40/h waiting = $2. */
const COSTS = poolCosts({
  pricePerInstanceHourUsd: 10,
  instanceCount: 2,
  coldStartSeconds: 120,
  waitingValuePerHourUsd: 40,
});

const settings = (over: Partial<KeepAliveSettings> = {}): KeepAliveSettings => ({
  ...DEFAULT_RULE_SETTINGS.keepAlive,
  coldStartSeconds: 120,
  waitingValuePerHourUsd: 40,
  ...over,
});

const ctx = (
  idleSeconds: number,
  gaps?: GapDistribution,
  over: Overrides<KeepAliveContext> = {},
): KeepAliveContext =>
  withOverrides<KeepAliveContext>(
    {
      availableSinceMs: T0,
      nowMs: T0 + idleSeconds * S,
      expiresAtMs: T0 + 3600 * S,
      jobKeepAliveSeconds: 3600,
      costs: COSTS,
      ...(gaps ? { gaps } : {}),
    },
    over,
  );

describe('the learned gap distribution (Kaplan–Meier)', () => {
  const gaps = learnGaps([...reused(10, 20, 30), ...unreused(25)]);

  it.each([
    [5, 1],
    [10, 3 / 4],
    [15, 3 / 4],
    // At 20 s three pools are still idle (20, 25, 30): one of them is reused.
    [20, 1 / 2],
    // The pool censored at 25 s leaves the risk set without lowering the estimate.
    [29, 1 / 2],
    [30, 0],
    [100, 0],
  ])('P(gap > %i s) = %f', (seconds, expected) => {
    expect(survivalAt(gaps, seconds)).toBeCloseTo(expected, 10);
  });

  it('counts its samples', () => {
    expect(gaps).toMatchObject({
      samples: 4,
      reuses: 3,
      censored: 1,
      reuseGaps: [10, 20, 30],
      censoredGaps: [25],
    });
  });

  it('gives the probability of a reuse within a window, given the idle time so far', () => {
    expect(reuseProbability(gaps, 10, 10)).toBeCloseTo(1 / 3, 10);
    expect(reuseProbability(gaps, 30, 60)).toBe(0);
  });

  it('keeps a pool censored at the same instant as a reuse in the risk set', () => {
    const tied = learnGaps([...reused(10, 20), ...unreused(10)]);
    expect(survivalAt(tied, 10)).toBeCloseTo(2 / 3, 10);
    expect(survivalAt(tied, 20)).toBe(0);
  });

  it('stays flat past the longest observed gap when the tail is censored', () => {
    const tail = learnGaps([...reused(10), ...unreused(3600)]);
    expect(survivalAt(tail, 7200)).toBeCloseTo(1 / 2, 10);
  });

  it('weighs samples: a weighted sample counts as that many', () => {
    const weighted = learnGaps([
      { gapSeconds: 60, reused: true, weight: 3 },
      { gapSeconds: 600, reused: true },
    ]);
    expect(weighted.weight).toBe(4);
    expect(survivalAt(weighted, 60)).toBeCloseTo(1 / 4, 10);
  });
});

describe('ski-rental costs', () => {
  it('prices idling and a cold start', () => {
    expect(COSTS.idleUsdPerSecond).toBeCloseTo(20 / 3600, 12);
    expect(COSTS.coldStartUsd).toBeCloseTo(2, 12);
    expect(breakEvenSeconds(COSTS)).toBeCloseTo(360, 9);
  });

  it('without a waiting value, break-even is the cold-start time itself', () => {
    const costs = poolCosts({
      pricePerInstanceHourUsd: 37,
      instanceCount: 4,
      coldStartSeconds: 130,
      waitingValuePerHourUsd: 0,
    });
    expect(breakEvenSeconds(costs)).toBeCloseTo(130, 9);
  });
});

describe('fixed', () => {
  it('keeps for the configured time', () => {
    expect(
      createStrategy(settings({ strategy: 'fixed', fixedSeconds: 600 })).advise(ctx(0)).keepUntilMs,
    ).toBe(T0 + 600 * S);
  });

  it("without one, keeps to the pool's current expiry, or the job's own keep-alive", () => {
    const fixed = createStrategy(settings({ strategy: 'fixed', fixedSeconds: null }));
    expect(fixed.advise(ctx(0)).keepUntilMs).toBe(T0 + 3600 * S);
    expect(
      fixed.advise(ctx(0, undefined, { expiresAtMs: undefined, jobKeepAliveSeconds: 900 })).keepUntilMs,
    ).toBe(T0 + 900 * S);
  });
});

describe('break-even', () => {
  it('keeps until idling has cost one cold start', () => {
    const advice = createStrategy(settings({ strategy: 'break-even' })).advise(ctx(0));
    expect(advice.keepUntilMs).toBe(T0 + 360 * S);
    expect(advice.basis).toBe('break-even: idling costs $20.00/h, one cold start $2.00, equal after 6m');
  });

  it('stops exactly at the break-even time when decide applies it', () => {
    const rule: RuleSettings = {
      ...DEFAULT_RULE_SETTINGS,
      idle: { insideWorkingHoursSeconds: null, outsideWorkingHoursSeconds: null },
      keepAlive: settings({ strategy: 'break-even' }),
      notifyLeadTimeSeconds: null,
    };
    const pool: PoolFacts = {
      poolId: 'p',
      headJob: 'p',
      status: 'Available',
      availableSinceMs: T0,
      expiresAtMs: T0 + 3600 * S,
      bornAtMs: T0,
      instanceCount: 2,
      tags: {},
    };
    const at = (idleSeconds: number) => {
      const nowMs = T0 + idleSeconds * S;
      const advice = adviseKeepAlive(rule.keepAlive, pool, nowMs, undefined, 10);
      return decide({
        pool,
        nowMs,
        policy: DEFAULT_POLICY,
        rule: { name: 'r', settings: rule, matchedBy: 'test' },
        activity: {},
        spend: {},
        pricePerInstanceHourUsd: 10,
        ...(advice ? { advice } : {}),
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
        killSwitch: false,
      }).action;
    };
    expect(at(359)).toBe('leave');
    expect(at(360)).toBe('stop');
  });
});

describe('adaptive', () => {
  const adaptive = createStrategy(settings({ strategy: 'adaptive', minSamples: 8 }));

  it('keeps a pool through the usual gap when reuse is likely', () => {
    const gaps = learnGaps(reused(280, 290, 300, 300, 300, 310, 310, 320, 300, 290));
    const advice = adaptive.advise(ctx(0, gaps));
    expect(advice.fellBackTo).toBeUndefined();
    // Up to the longest gap seen, before break-even (360 s) and far before the keep-alive (1 h).
    expect(advice.keepUntilMs).toBe(T0 + 320 * S);
    expect(advice.basis).toMatch(
      /^adaptive: P\(reuse within 5m 20s \| idle 0s\) = 1\.00 from 10 gaps \(0 unreused\)/,
    );
  });

  it('stops at once when the gaps are long', () => {
    const gaps = learnGaps(reused(...repeat(10, 10 * 3600)));
    expect(adaptive.advise(ctx(60, gaps)).keepUntilMs).toBe(T0 + 60 * S);
  });

  it('counts pools that expired unreused, instead of learning only from the reuses', () => {
    const gaps = learnGaps([...reused(100, 100), ...unreused(...repeat(20, 3600))]);
    expect(adaptive.advise(ctx(0, gaps)).keepUntilMs).toBe(T0);
    // Dropping the censored pools would have kept it: the bias the estimator avoids.
    const reusesOnly = learnGaps([...reused(...repeat(10, 100))]);
    expect(adaptive.advise(ctx(0, reusesOnly)).keepUntilMs).toBe(T0 + 100 * S);
  });

  it('keeps a pool across a lull before a likely reuse, where a per-period rule would stop', () => {
    // Half the pools are reused after a minute, half after 30 minutes; a person's wait is dear.
    const gaps = learnGaps(reused(...repeat(10, 60), ...repeat(10, 1800)));
    const dearWait = poolCosts({
      pricePerInstanceHourUsd: 10,
      instanceCount: 2,
      coldStartSeconds: 120,
      waitingValuePerHourUsd: 400,
    });
    expect(reuseProbability(gaps, 300, 300)).toBe(0);
    expect(adaptive.advise(ctx(300, gaps, { costs: dearWait })).keepUntilMs).toBe(T0 + 1800 * S);
    // With a cheap cold start the 25-minute lull is not worth it.
    expect(adaptive.advise(ctx(300, gaps)).keepUntilMs).toBe(T0 + 300 * S);
  });

  it('with nothing learned, decides on the built-in prior (not break-even) and names its figures', () => {
    const advice = adaptive.advise(ctx(0));
    expect(advice.fellBackTo).toBeUndefined();
    expect(advice.basis).toMatch(
      /from the built-in prior: P\(reuse within 6h\) 0\.50, gaps evenly on a log scale from 1m to 6h, weight 4/,
    );
  });

  it('needs no minimum of gaps: a few are decided on as learned (the learner shrinks them toward a prior)', () => {
    const advice = adaptive.advise(ctx(0, learnGaps(reused(10, 20, 30))));
    // Every reuse within 30 s: kept, to the next decision (a minute on), where it can be stopped.
    expect(advice).toMatchObject({ strategy: 'adaptive', keepUntilMs: T0 + 60 * S });
    expect(advice.fellBackTo).toBeUndefined();
  });

  it('falls back to fixed when the price is unknown', () => {
    const advice = adaptive.advise(ctx(0, learnGaps(reused(...repeat(10, 60))), { costs: undefined }));
    expect(advice).toMatchObject({ fellBackTo: 'fixed', keepUntilMs: T0 + 3600 * S });
  });
});

describe('hybrid histogram (Serverless in the Wild)', () => {
  const hybrid = createStrategy(settings({ strategy: 'hybrid-histogram', minSamples: 10 }));

  it('keeps to the tail bin plus the margin', () => {
    const gaps = learnGaps(reused(...repeat(20, 270)));
    // 270 s falls in the 4..5 minute bin: keep 5 minutes + 10 %.
    expect(hybrid.advise(ctx(0, gaps)).keepUntilMs).toBe(T0 + 330 * S);
  });

  it("counts each gap by its weight, so a prior's light pseudo-sample does not stretch the keep-alive", () => {
    const gaps = learnGaps([...reused(...repeat(20, 270)), { gapSeconds: 9000, reused: true, weight: 0.05 }]);
    // Counted as a whole gap, 9000 s would be 1 of 21 (5 %), past the 99th percentile's 1 %.
    const advice = hybrid.advise(ctx(0, gaps));
    expect(advice.keepUntilMs).toBe(T0 + 330 * S);
    expect(advice.basis).toContain('99th percentile of 20.1 gaps is 5m');
  });

  it('uses the 99th percentile, so one outlier does not stretch the keep-alive', () => {
    const gaps = learnGaps(reused(...repeat(99, 90), 1000));
    expect(hybrid.advise(ctx(0, gaps)).keepUntilMs).toBe(T0 + 132 * S);
  });

  it.each<[string, GapSample[], RegExp]>([
    ['too few samples', reused(...repeat(5, 270)), /5 gaps < 10 needed/],
    ['most gaps out of range', reused(...repeat(20, 5 * 3600)), /100% of gaps beyond 4h/],
    [
      'pools that ended unreused after the range count as out of range',
      [...reused(...repeat(10, 270)), ...unreused(...repeat(12, 5 * 3600))],
      /55% of gaps beyond 4h/,
    ],
    [
      'gaps spread evenly: no pattern',
      reused(...Array.from({ length: 240 }, (_, i) => i * 60 + 30)),
      /CV 0\.00 < 2/,
    ],
  ])('falls back to the fixed keep-alive with %s', (_label, samples, why) => {
    const advice = hybrid.advise(ctx(0, learnGaps(samples)));
    expect(advice).toMatchObject({
      strategy: 'hybrid-histogram',
      fellBackTo: 'fixed',
      keepUntilMs: T0 + 3600 * S,
    });
    expect(advice.basis).toMatch(why);
  });
});

describe('the strategies by name', () => {
  it.each(STRATEGY_NAMES)('%s runs on in-memory data, as the benchmark calls it', (name) => {
    const gaps = learnGaps(reused(...repeat(30, 200)));
    const advice = strategies[name](settings({ strategy: name })).advise(ctx(30, gaps));
    expect(advice.strategy).toBe(name);
    expect(Number.isFinite(advice.keepUntilMs)).toBe(true);
    expect(advice.keepUntilMs).toBeGreaterThanOrEqual(T0);
  });

  it('adviseKeepAlive builds the context from pool facts', () => {
    const pool = {
      availableSinceMs: T0,
      expiresAtMs: T0 + 3600 * S,
      ownKeepAliveSeconds: 3600,
      instanceCount: 2,
    };
    expect(adviseKeepAlive(settings({ strategy: 'break-even' }), pool, T0, undefined, 10)?.keepUntilMs).toBe(
      T0 + 360 * S,
    );
    expect(
      adviseKeepAlive(settings({ strategy: 'break-even' }), pool, T0, undefined, undefined)?.fellBackTo,
    ).toBe('fixed');
    expect(
      adviseKeepAlive(settings(), withOverrides(pool, { availableSinceMs: undefined }), T0, undefined, 10),
    ).toBeUndefined();
  });
});

describe('an extension on an unknown price', () => {
  /** A pool on a type the price table lacks, Available 5 min of its own 10-min keep-alive. */
  const decisionFor = (strategy: string) => {
    const instanceType = 'ml.p4de.24xlarge';
    expect(DEFAULT_PRICES[instanceType]).toBeUndefined();
    const policy = policyOf(`defaults:\n  keepAlive: { strategy: ${strategy}, fixed: 2h }\n`);
    const availableSinceMs = T0;
    const nowMs = T0 + 300 * S;
    const [job] = prepareJobs([sampleTraceJob('head', T0 - 1200 * S, 600, { instanceType })], {
      prices: DEFAULT_PRICES,
    });
    if (!job) throw new Error('no job');
    return evaluatePool(
      { policy, limits: DEFAULT_KEEP_ALIVE_LIMITS, killSwitch: false, prices: DEFAULT_PRICES },
      {
        head: {
          name: job.name,
          job: snapshotOf(job, { startedAtMs: T0 - 600 * S, endedAtMs: availableSinceMs }, 600),
          pool: {
            status: 'Available',
            keepAliveSeconds: 600,
            availableSinceMs,
            expiresAtMs: availableSinceMs + 600 * S,
            bornAtMs: availableSinceMs,
            poolId: 'pool-1',
            observedAtMs: nowMs,
          },
        },
        nowMs,
        spend: { poolIdleUsdToday: 0, teamIdleUsdToday: 0, poolIdleUsdPerSecond: 0, teamIdleUsdPerSecond: 0 },
        gaps: () => undefined,
      },
    ).decision;
  };

  // The README's rule: no extension is cost-blind, whatever the strategy (an adaptive rule's own
  // advice falls back to the fixed keep-alive when the price is unknown, which shows nothing pays).
  it.each(['adaptive', 'fixed', 'break-even'])('%s does not extend, naming the unknown price', (strategy) => {
    const decision = decisionFor(strategy);
    expect(decision.action).not.toBe('extend');
    expect(decision.reason).toMatch(/price is unknown/);
  });
});
