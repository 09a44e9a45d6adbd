import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type GapDistribution,
  type GapSample,
  lastCensoredGapOf,
  learnGaps,
  learnGapsOfOrdered,
  orderedGapsOf,
} from '../../lib/domain/policy/gapDistribution';

/**
 * The replay learns by merging a scope's own samples and its prior, both already in gap order,
 * instead of sorting their concatenation: the whatif table must not move by a bit for it.
 */
const sample = fc.record({
  // Few distinct gaps, so that ties between and within the two lists are common.
  gapSeconds: fc.oneof(fc.integer({ min: -5, max: 12 }), fc.constant(Number.NaN)),
  reused: fc.boolean(),
  weight: fc.option(fc.oneof(fc.double({ min: 0.01, max: 5, noNaN: true }), fc.constant(0)), {
    nil: undefined,
  }),
});

const withoutUndefined = (s: {
  gapSeconds: number;
  reused: boolean;
  weight: number | undefined;
}): GapSample =>
  s.weight === undefined ? { gapSeconds: s.gapSeconds, reused: s.reused } : { ...s, weight: s.weight };

const inGapOrder = (samples: readonly GapSample[]): GapSample[] =>
  [...samples].sort((a, b) => Math.max(0, a.gapSeconds || 0) - Math.max(0, b.gapSeconds || 0));

describe('learnGapsOfOrdered', () => {
  it('equals learnGaps of the first list followed by the second, to the bit', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 30 }), fc.array(sample, { maxLength: 30 }), (a, b) => {
        const first = inGapOrder(a.map(withoutUndefined));
        const second = inGapOrder(b.map(withoutUndefined));
        expect(learnGapsOfOrdered(orderedGapsOf(first), orderedGapsOf(second))).toStrictEqual(
          learnGaps([...first, ...second]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('falls back to sorting when a list is out of gap order', () => {
    const first = orderedGapsOf([
      { gapSeconds: 30, reused: true },
      { gapSeconds: 10, reused: false, weight: 2 },
    ]);
    const second = orderedGapsOf([{ gapSeconds: 20, reused: true }]);
    expect(learnGapsOfOrdered(first, second)).toStrictEqual(
      learnGaps([
        { gapSeconds: 30, reused: true, weight: 1 },
        { gapSeconds: 10, reused: false, weight: 2 },
        { gapSeconds: 20, reused: true, weight: 1 },
      ]),
    );
  });
});

describe('a prior on the hazard (atRiskAlways)', () => {
  // A broader scope's estimate as 4 samples: half reused at 60 s, a quarter at 600 s, a quarter never.
  const prior = {
    ...orderedGapsOf([
      { gapSeconds: 60, reused: true, weight: 2 },
      { gapSeconds: 600, reused: true, weight: 1 },
      { gapSeconds: 600, reused: false, weight: 1 },
    ]),
    atRiskAlways: 4,
  };
  // Own samples: one pool ended unreused at 30 s, one was reused at 600 s.
  const own = orderedGapsOf([
    { gapSeconds: 30, reused: false },
    { gapSeconds: 600, reused: true },
  ]);

  it('alone, gives the broader estimate back', () => {
    const fit = learnGapsOfOrdered(orderedGapsOf([]), prior);
    expect(fit.eventSeconds).toEqual([60, 600]);
    expect(fit.survival[0]).toBeCloseTo(0.5, 12);
    expect(fit.survival[1]).toBeCloseTo(0.25, 12);
  });

  it('counts its weight at risk at every gap, so a late own reuse weighs against all of it', () => {
    const fit = learnGapsOfOrdered(own, prior);
    // At 60 s: 1 own at risk + 4; the prior's hazard 1/2 is 2 of its 4 -> S = 1 - 2/5.
    expect(fit.survival[0]).toBeCloseTo(0.6, 12);
    // At 600 s: 1 own at risk + 4 (as samples: + 2 left); 1 own reuse + 4 × the prior's hazard
    // 1/2 -> S = 0.6 × (1 - 3/5) = 0.24 (as samples: 0.6 × (1 - 2/3) = 0.2).
    expect(fit.survival[1]).toBeCloseTo(0.24, 12);
    const { atRiskAlways: _, ...samplesOnly } = prior;
    const asSamples = learnGapsOfOrdered(own, samplesOnly);
    expect(asSamples.survival[1]).toBeCloseTo(0.2, 12);
  });

  it('keeps its samples in the histogram columns, and sorts lists out of gap order alike', () => {
    const fit = learnGapsOfOrdered(own, prior);
    expect(fit.reuseGaps).toEqual([60, 600, 600]);
    expect(fit.reuseWeights).toEqual([2, 1, 1]);
    const reversed = {
      gapSeconds: [...own.gapSeconds].reverse(),
      reused: [...own.reused].reverse(),
      weight: [...own.weight].reverse(),
    };
    expect(learnGapsOfOrdered(reversed, prior).survival).toEqual(fit.survival);
  });
});

/** A fit's histogram columns, read (they are made when first read) into plain arrays. */
const histogramOf = (fit: GapDistribution) => ({
  reuseGaps: [...fit.reuseGaps],
  reuseWeights: [...fit.reuseWeights],
  censoredGaps: [...fit.censoredGaps],
  censoredWeights: [...fit.censoredWeights],
});

describe('the histogram columns, made when first read', () => {
  it('are the counted samples in stable gap order, split into reuses and censored ones', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 40 }), (raw) => {
        const samples = raw.map(withoutUndefined);
        const counted = inGapOrder(
          samples.filter((s) => Number.isFinite(s.gapSeconds) && (s.weight === undefined || s.weight > 0)),
        );
        const fit = learnGaps(samples);
        const reuses = counted.filter((s) => s.reused);
        const censored = counted.filter((s) => !s.reused);
        expect(histogramOf(fit)).toStrictEqual({
          reuseGaps: reuses.map((s) => Math.max(0, s.gapSeconds)),
          reuseWeights: reuses.map((s) => s.weight ?? 1),
          censoredGaps: censored.map((s) => Math.max(0, s.gapSeconds)),
          censoredWeights: censored.map((s) => s.weight ?? 1),
        });
        expect(lastCensoredGapOf(fit)).toBe(fit.censoredGaps[fit.censoredGaps.length - 1]);
        expect(fit.reuses).toBe(fit.reuseGaps.length);
        expect(fit.censored).toBe(fit.censoredGaps.length);
      }),
      { numRuns: 500 },
    );
  });

  it('of a merge equal those of learnGaps of the first list followed by the second, to the bit', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 30 }), fc.array(sample, { maxLength: 30 }), (a, b) => {
        const first = inGapOrder(a.map(withoutUndefined));
        const second = inGapOrder(b.map(withoutUndefined));
        const merged = learnGapsOfOrdered(orderedGapsOf(first), orderedGapsOf(second));
        const sorted = learnGaps([...first, ...second]);
        expect(histogramOf(merged)).toStrictEqual(histogramOf(sorted));
        expect(lastCensoredGapOf(merged)).toBe(lastCensoredGapOf(sorted));
      }),
      { numRuns: 500 },
    );
  });

  it('of a plain distribution: the longest censored gap is the last of its column', () => {
    const plain: GapDistribution = {
      samples: 2,
      weight: 2,
      reuses: 1,
      censored: 1,
      eventSeconds: [10],
      survival: [0.5],
      reuseGaps: [10],
      reuseWeights: [1],
      censoredGaps: [20],
      censoredWeights: [1],
    };
    expect(lastCensoredGapOf(plain)).toBe(20);
  });
});
