import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type GapSample,
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
