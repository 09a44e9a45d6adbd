import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { poolCosts } from '../../lib/domain/costModel';
import { ACTIVITY_HAZARD_RATIO } from '../../lib/domain/policy/activityEvidence';
import {
  chooseKeep,
  expectedKeepUsd,
  keepChoiceHoldsUntilIdleSeconds,
  reuseWithin,
} from '../../lib/domain/policy/expectedCost';
import { learnGaps } from '../../lib/domain/policy/gapDistribution';

/** Reuses come 30 min after the pool becomes Available, half the time; else never. */
const LONG_GAP = learnGaps([
  ...Array.from({ length: 10 }, () => ({ gapSeconds: 1800, reused: true })),
  ...Array.from({ length: 10 }, () => ({ gapSeconds: 6 * 3600, reused: false })),
]);
const options = { hazardRatio: 1, maxIdleSeconds: Number.POSITIVE_INFINITY, nextDecisionSeconds: 60 };
const costsOf = (price: number, count: number, waiting: number) =>
  poolCosts({
    pricePerInstanceHourUsd: price,
    instanceCount: count,
    coldStartSeconds: 122,
    waitingValuePerHourUsd: waiting,
  });

/** Up to 40 gaps of up to 20,000 s, reused or not. */
const gapSamples = fc.array(
  fc.record({ gapSeconds: fc.integer({ min: 0, max: 20_000 }), reused: fc.boolean() }),
  {
    minLength: 1,
    maxLength: 40,
  },
);

describe('the expected-cost decision', () => {
  it('keeps a cheap pool through a long gap when a person waits for a cold start', () => {
    // $0.23/h: 30 min idle costs $0.12; a cold start with a $90/h person waiting costs $3.06.
    const choice = chooseKeep(LONG_GAP, 0, costsOf(0.23, 1, 90), options);
    expect(choice.keepUntilIdleSeconds).toBe(1800);
    expect(choice.reuseProbability).toBeCloseTo(0.5, 10);
    expect(choice.keepUsd).toBeLessThan(choice.stopUsd);
  });

  it('releases an expensive pool at once for the same gaps', () => {
    // 4 × ml.p4d.24xlarge: 30 min idle costs $75; half a cold start saves about $11.
    const choice = chooseKeep(LONG_GAP, 0, costsOf(37.688, 4, 90), options);
    expect(choice.keepUntilIdleSeconds).toBe(0);
  });

  it('activity raises the probability but cannot force a keep that the price forbids', () => {
    const cheap = chooseKeep(LONG_GAP, 0, costsOf(0.23, 1, 90), {
      ...options,
      hazardRatio: ACTIVITY_HAZARD_RATIO,
    });
    const plain = chooseKeep(LONG_GAP, 0, costsOf(0.23, 1, 90), options);
    expect(cheap.reuseProbability).toBeGreaterThan(plain.reuseProbability);
    const expensive = chooseKeep(LONG_GAP, 0, costsOf(37.688, 4, 90), {
      ...options,
      hazardRatio: ACTIVITY_HAZARD_RATIO ** 2,
    });
    expect(expensive.keepUntilIdleSeconds).toBe(0);
  });

  it('never costs more in expectation than both stopping now and keeping until the next decision', () => {
    fc.assert(
      fc.property(
        gapSamples,
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0.1, max: 160, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (samples, idle, price, count, waiting, ratio, rank) => {
          const gaps = learnGaps(samples);
          const costs = costsOf(price, count, waiting);
          const choice = chooseKeep(gaps, idle, costs, {
            ...options,
            hazardRatio: ratio,
            nextDecisionSeconds: idle + 60,
            rank,
          });
          // A pool is stopped only at a decision: a keep lasts at least until the next one.
          if (choice.keepUntilIdleSeconds > idle)
            expect(choice.keepUntilIdleSeconds).toBeGreaterThanOrEqual(idle + 60);
          const chosen = expectedKeepUsd(gaps, idle, choice.keepUntilIdleSeconds, costs, ratio, rank);
          const stop = expectedKeepUsd(gaps, idle, idle, costs, ratio, rank);
          const untilNext = expectedKeepUsd(gaps, idle, idle + 60, costs, ratio, rank);
          const tolerance = 1e-9 * Math.max(1, stop);
          expect(chosen).toBeLessThanOrEqual(Math.min(stop, untilNext) + tolerance);
          expect(choice.keepUsd).toBeCloseTo(chosen, 6);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('keeps shorter than the next decision', () => {
  // At $0/h a cold start costs 122 s of the cluster: a keep pays only for a reuse nearly sure soon.
  const free = costsOf(32.773, 1, 0);
  const far = Array.from({ length: 19 }, () => ({ gapSeconds: 6 * 3600, reused: false }));

  it('a reuse seconds after the end buys no keep of a few seconds: the pool would idle to the next decision', () => {
    // 1 in 20 pools of the key was reused 4 s after its job ended. Priced at 4 s, keeping looks
    // worth 0.05 × 122 s = 6.1 s of the cluster for 4 s of idle; the pool can only be stopped at
    // the next decision, 60 s on, and to there it costs 57 s of idle for the same 6.1 s.
    const gaps = learnGaps([{ gapSeconds: 4, reused: true }, ...far]);
    const choice = chooseKeep(gaps, 0, free, options);
    expect(choice.keepUntilIdleSeconds).toBe(0);
    expect(expectedKeepUsd(gaps, 0, 4, free)).toBeLessThan(free.coldStartUsd);
    expect(expectedKeepUsd(gaps, 0, 60, free)).toBeGreaterThan(free.coldStartUsd);
  });

  it('a keep to the next decision counts the reuses before it', () => {
    // 4 in 5 reused 10 s after the end: keeping to the next decision pays, and it is priced there.
    const gaps = learnGaps([
      ...Array.from({ length: 4 }, () => ({ gapSeconds: 10, reused: true })),
      { gapSeconds: 6 * 3600, reused: false },
    ]);
    const choice = chooseKeep(gaps, 0, free, options);
    expect(choice.keepUntilIdleSeconds).toBe(60);
    expect(choice.reuseProbability).toBeCloseTo(0.8, 10);
    expect(choice.keepUsd).toBeCloseTo(expectedKeepUsd(gaps, 0, 60, free), 12);
  });
});

describe('pools of one match key competing for the next submissions', () => {
  // $1/h and $48/h of waiting: 30 min idle costs $0.50, a cold start $1.66. Alone, the pool is
  // worth keeping for a reuse that comes with probability 1/2; second in line, it is reused only
  // if two jobs come by 30 min: Poisson with mean ln 2, P = 1 − (1 + ln 2)/2 = 0.153.
  const costs = costsOf(1, 1, 48);

  it('releases the second of two identical pools sooner than the first', () => {
    const first = chooseKeep(LONG_GAP, 0, costs, { ...options, rank: 1 });
    const second = chooseKeep(LONG_GAP, 0, costs, { ...options, rank: 2 });
    expect(first.keepUntilIdleSeconds).toBe(1800);
    expect(first.reuseProbability).toBeCloseTo(0.5, 10);
    expect(second.keepUntilIdleSeconds).toBe(0);
    expect(reuseWithin(LONG_GAP, 0, 1800, 1, 2)).toBeCloseTo(1 - (1 + Math.LN2) / 2, 10);
  });

  it('prices a pool further back as less likely to be reused, never more', () => {
    const p = [1, 2, 3, 4].map((rank) => reuseWithin(LONG_GAP, 0, 1800, 1, rank));
    for (let i = 1; i < p.length; i++) expect(p[i]).toBeLessThan(p[i - 1] ?? 0);
  });

  it('decides for a pool alone (rank 1) exactly as without the rank', () => {
    fc.assert(
      fc.property(
        gapSamples,
        fc.integer({ min: 0, max: 10_000 }),
        fc.double({ min: 0.1, max: 160, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        (samples, idle, price, ratio) => {
          const gaps = learnGaps(samples);
          const pool = costsOf(price, 1, 60);
          const at = { ...options, hazardRatio: ratio, nextDecisionSeconds: idle + 60 };
          expect(chooseKeep(gaps, idle, pool, { ...at, rank: 1 })).toEqual(chooseKeep(gaps, idle, pool, at));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('until when the expected-cost decision holds', () => {
  const gapSample = fc.record({
    gapSeconds: fc.integer({ min: 0, max: 4 * 3600 }),
    reused: fc.boolean(),
    weight: fc.double({ min: 0.05, max: 1, noNaN: true }),
  });
  const situation = fc.record({
    samples: fc.array(gapSample, { minLength: 1, maxLength: 40 }),
    idleSeconds: fc.integer({ min: 0, max: 3 * 3600 }),
    price: fc.double({ min: 0.05, max: 40, noNaN: true }),
    count: fc.integer({ min: 1, max: 4 }),
    waiting: fc.constantFrom(0, 60, 90),
    hazardRatio: fc.constantFrom(1, ACTIVITY_HAZARD_RATIO, ACTIVITY_HAZARD_RATIO ** 2),
    maxIdleSeconds: fc.oneof(fc.constant(Number.POSITIVE_INFINITY), fc.integer({ min: 600, max: 5 * 3600 })),
    rank: fc.integer({ min: 1, max: 4 }),
  });

  it('gives the same answer at every later idle time before the bound, and the bound is never in the past', () => {
    fc.assert(
      fc.property(situation, fc.integer({ min: 7, max: 59 }), (s, step) => {
        const gaps = learnGaps(s.samples);
        const costs = costsOf(s.price, s.count, s.waiting);
        const at = (idle: number) => ({
          hazardRatio: s.hazardRatio,
          maxIdleSeconds: s.maxIdleSeconds,
          nextDecisionSeconds: idle + 60,
          rank: s.rank,
        });
        const now = chooseKeep(gaps, s.idleSeconds, costs, at(s.idleSeconds));
        const holds = keepChoiceHoldsUntilIdleSeconds(gaps, now, costs, at(s.idleSeconds));
        expect(holds).toBeGreaterThanOrEqual(s.idleSeconds);
        const keeps = now.keepUntilIdleSeconds > s.idleSeconds;
        // Every `step` seconds up to the bound (at most 8 h ahead): the same keep, or a stop again.
        const until = Math.min(holds, s.idleSeconds + 8 * 3600);
        for (let idle = s.idleSeconds; idle < until; idle += step) {
          const later = chooseKeep(gaps, idle, costs, at(idle));
          if (keeps) expect(later.keepUntilIdleSeconds).toBe(now.keepUntilIdleSeconds);
          else expect(later.keepUntilIdleSeconds).toBe(idle);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a keep holds while its horizon is a decision period away; a stop until keeping to the next reuse starts to pay', () => {
    const costs = costsOf(0.23, 1, 90);
    const keep = chooseKeep(LONG_GAP, 0, costs, options);
    expect(keep.keepUntilIdleSeconds).toBe(1800);
    // From 1740 on, 1800 is before the next decision: no candidate any more.
    expect(keepChoiceHoldsUntilIdleSeconds(LONG_GAP, keep, costs, options)).toBe(1740);
    // 4 × p4d: idling to the 30-minute reuse costs more than half a cold start is worth, until
    // the pool has idled long enough that the rest of the wait is cheap: c·(1800 − a) < C/2.
    const dear = costsOf(37.688, 4, 90);
    const stop = chooseKeep(LONG_GAP, 0, dear, options);
    const holds = keepChoiceHoldsUntilIdleSeconds(LONG_GAP, stop, dear, options);
    expect(holds).toBeCloseTo(1800 - dear.coldStartUsd / 2 / dear.idleUsdPerSecond, 6);
    expect(
      chooseKeep(LONG_GAP, holds + 1, dear, { ...options, nextDecisionSeconds: holds + 61 })
        .keepUntilIdleSeconds,
    ).toBe(1800);
    // Past every observed gap nothing can come: a stop holds for good.
    const late = chooseKeep(LONG_GAP, 7 * 3600, dear, options);
    expect(keepChoiceHoldsUntilIdleSeconds(LONG_GAP, late, dear, options)).toBe(Number.POSITIVE_INFINITY);
  });
});
