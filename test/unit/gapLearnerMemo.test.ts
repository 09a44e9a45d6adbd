import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GapScope } from '../../lib/domain/policy/gapDistribution';
import {
  AT_EACH_INSTANT,
  DEFAULT_GAP_LEARNING,
  GAP_REFRESH_MS,
  GapLearnerMemo,
  learnHierarchical,
  type TimedGap,
} from '../../lib/domain/policy/gapLearner';

/**
 * The replay's memo learns as a function of the instant's refresh bucket and the samples it is
 * given, whatever instants it was asked before: so a replay may skip instants and learn the same.
 * Checked against a fresh memo (no history) and against the unmemoised learner at the bucket's
 * start, on random histories of samples (unresolved stops included).
 */
const SCOPES: GapScope[] = [
  { kind: 'matchKey', key: 'k' },
  { kind: 'owner', key: 'ada' },
  { kind: 'team', key: 'vision' },
  { kind: 'family', key: 'ml.g5' },
];
const T0 = Date.parse('2026-01-05T00:00:00Z');
const HOUR = 3600_000;

const sample = fc.record({
  gapSeconds: fc.integer({ min: 0, max: 8 * 3600 }),
  reused: fc.boolean(),
  unresolved: fc.boolean(),
  scope: fc.integer({ min: 0, max: SCOPES.length - 1 }),
  afterMs: fc.integer({ min: 0, max: 2 * HOUR }),
});

/** A history: samples arriving over time into scopes; each scope's array replaced on arrival. */
const history = fc.array(sample, { minLength: 1, maxLength: 40 }).map((arrivals) => {
  let at = T0;
  return arrivals.map((a) => {
    at += a.afterMs;
    const gap: TimedGap = {
      gapSeconds: a.gapSeconds,
      reused: a.reused && !a.unresolved,
      atMs: at,
      ...(a.unresolved && !a.reused ? { unresolved: true } : {}),
    };
    return { scope: a.scope, gap };
  });
});

/** Each scope's array as it stood at `atMs`: the same object while it is unchanged. */
const arraysOf = (events: readonly { scope: number; gap: TimedGap }[]) => {
  const versions = SCOPES.map(() => [{ fromMs: Number.NEGATIVE_INFINITY, samples: [] as TimedGap[] }]);
  for (const e of events) {
    const list = versions[e.scope] ?? [];
    const last = list[list.length - 1]?.samples ?? [];
    list.push({ fromMs: e.gap.atMs, samples: [...last, e.gap] });
  }
  return (atMs: number) =>
    (scope: GapScope): readonly TimedGap[] | undefined => {
      const list = versions[SCOPES.indexOf(scope)] ?? [];
      let found: TimedGap[] = [];
      for (const v of list) if (v.fromMs <= atMs) found = v.samples;
      return found.length > 0 ? found : undefined;
    };
};

describe('GapLearnerMemo', () => {
  it('learns at an instant what a memo with no history learns, whichever instants came before', () => {
    fc.assert(
      fc.property(
        history,
        fc.array(fc.integer({ min: 0, max: 100 * HOUR }), { minLength: 1, maxLength: 30 }),
        (events, offsets) => {
          const lookupAt = arraysOf(events);
          const memo = new GapLearnerMemo();
          for (const atMs of [...offsets].sort((a, b) => a - b).map((o) => T0 + o)) {
            const lookup = lookupAt(atMs);
            const remembered = memo.learn(SCOPES, lookup, atMs);
            const fresh = new GapLearnerMemo().learn(SCOPES, lookup, atMs);
            expect(remembered?.distribution).toEqual(fresh?.distribution);
            expect(remembered?.basis).toEqual(fresh?.basis);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('learns AT_EACH_INSTANT what the plain learner learns at that instant, in any order of instants', () => {
    fc.assert(
      fc.property(
        history,
        // Unsorted, and often repeated: a container asks ahead, then back at an event's instant.
        fc.array(fc.integer({ min: 0, max: 12 * HOUR }), { minLength: 1, maxLength: 30 }),
        (events, offsets) => {
          const lookupAt = arraysOf(events);
          const memo = new GapLearnerMemo(AT_EACH_INSTANT);
          for (const atMs of [...offsets, ...offsets.slice(0, 5)].map((o) => T0 + o)) {
            const lookup = lookupAt(atMs);
            const remembered = memo.learn(SCOPES, lookup, atMs);
            const plain = learnHierarchical(SCOPES, lookup, atMs, DEFAULT_GAP_LEARNING);
            expect(remembered?.distribution).toEqual(plain?.distribution);
            expect(remembered?.basis).toEqual(plain?.basis);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('learns within a bucket as the plain learner does at the bucket start (or the newest sample)', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 0, max: 100 * HOUR }), (events, offset) => {
        const atMs = T0 + offset;
        const lookup = lookupAtOnly(events, atMs);
        const bucketStart = Math.floor(atMs / GAP_REFRESH_MS) * GAP_REFRESH_MS;
        // With one scope, "as of" is the bucket start or the newest sample, whichever is later.
        const own = lookup(SCOPES[0] as GapScope) ?? [];
        const asOf = Math.max(bucketStart, ...own.map((g) => g.atMs));
        const memo = new GapLearnerMemo().learn([SCOPES[0] as GapScope], lookup, atMs);
        const plain = learnHierarchical([SCOPES[0] as GapScope], lookup, asOf, DEFAULT_GAP_LEARNING);
        expect(memo?.distribution.samples).toBe(plain?.distribution.samples);
        expect(memo?.distribution.eventSeconds).toEqual(plain?.distribution.eventSeconds);
        for (const [i, s] of (plain?.distribution.survival ?? []).entries())
          expect(memo?.distribution.survival[i]).toBeCloseTo(s, 12);
      }),
      { numRuns: 300 },
    );
  });
});

/** Every sample in the match key's scope: one-level learning. */
const lookupAtOnly = (events: readonly { scope: number; gap: TimedGap }[], atMs: number) => {
  const samples = events.filter((e) => e.gap.atMs <= atMs).map((e) => e.gap);
  return (scope: GapScope) => (scope.kind === 'matchKey' && samples.length > 0 ? samples : undefined);
};
