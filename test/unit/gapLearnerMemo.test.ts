import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GapScope } from '../../lib/domain/policy/gapDistribution';
import {
  AT_EACH_INSTANT,
  DEFAULT_GAP_LEARNING,
  GAP_REFRESH_MS,
  GapLearnerMemo,
  INSTANTS_PER_LEVEL,
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

/** As arraysOf, kept newest first and cut to the newest `limit`, as the usage statistics keep them. */
/** The memo's answer at `atMs` is the plain learner's. */
const expectPlainLearning = (
  memo: GapLearnerMemo,
  lookup: Parameters<GapLearnerMemo['learn']>[1],
  atMs: number,
) => {
  const remembered = memo.learn(SCOPES, lookup, atMs);
  const plain = learnHierarchical(SCOPES, lookup, atMs, DEFAULT_GAP_LEARNING);
  expect(remembered?.distribution).toEqual(plain?.distribution);
  expect(remembered?.basis).toEqual(plain?.basis);
};

const arraysNewestFirstOf = (events: readonly { scope: number; gap: TimedGap }[], limit: number) => {
  const versions = SCOPES.map(() => [{ fromMs: Number.NEGATIVE_INFINITY, samples: [] as TimedGap[] }]);
  for (const e of events) {
    const list = versions[e.scope] ?? [];
    const last = list[list.length - 1]?.samples ?? [];
    list.push({ fromMs: e.gap.atMs, samples: [e.gap, ...last].slice(0, limit) });
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
            expectPlainLearning(memo, lookup, atMs);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('learns AT_EACH_INSTANT what the plain learner learns, from arrays kept newest first as the statistics keep them', () => {
    fc.assert(
      fc.property(
        history,
        // Few distinct gaps: ties between a new sample and kept ones are common.
        fc.array(fc.integer({ min: 0, max: 12 * HOUR }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 2, max: 6 }),
        (events, offsets, limit) => {
          const tied = events.map((e) => ({
            scope: e.scope,
            gap: { ...e.gap, gapSeconds: (e.gap.gapSeconds % 3) * 600 },
          }));
          const lookupAt = arraysNewestFirstOf(tied, limit);
          const memo = new GapLearnerMemo(AT_EACH_INSTANT);
          for (const atMs of [...offsets].sort((x, y) => x - y).map((o) => T0 + o)) {
            const lookup = lookupAt(atMs);
            expectPlainLearning(memo, lookup, atMs);
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

describe('GapLearnerMemo at instants asked again', () => {
  // An unresolved stop still short of the horizon ties every level to the instant.
  const MINUTE = 60_000;
  const NOW = T0 + 10 * HOUR;
  const stop: TimedGap = { gapSeconds: 0, reused: false, atMs: NOW - 30 * MINUTE, unresolved: true };
  const reuse = (gapSeconds: number, atMs: number): TimedGap => ({ gapSeconds, reused: true, atMs });
  const family = [reuse(600, T0), reuse(1200, T0 + HOUR), stop];
  const key = [reuse(300, T0 + 2 * HOUR), reuse(900, T0 + 3 * HOUR)];
  const scopes: GapScope[] = [SCOPES[0] as GapScope, SCOPES[3] as GapScope];
  const lookupOf =
    (familySamples: readonly TimedGap[], keySamples: readonly TimedGap[]) =>
    (scope: GapScope): readonly TimedGap[] | undefined =>
      scope.kind === 'family' ? familySamples : keySamples;
  const plainAt = (lookup: (scope: GapScope) => readonly TimedGap[] | undefined, atMs: number) =>
    learnHierarchical(scopes, lookup, atMs, DEFAULT_GAP_LEARNING);

  it('gives back the result it learned at an instant asked again, not a relearned one', () => {
    const memo = new GapLearnerMemo(AT_EACH_INSTANT);
    const lookup = lookupOf(family, key);
    const first = memo.learn(scopes, lookup, NOW);
    // The sweep's look-ahead, then the sweep at the minute it looked ahead to.
    memo.learn(scopes, lookup, NOW + MINUTE);
    memo.learn(scopes, lookup, NOW + 2 * MINUTE);
    const again = memo.learn(scopes, lookup, NOW);
    expect(again).toBe(first);
    expect(again?.distribution).toEqual(plainAt(lookup, NOW)?.distribution);
  });

  it('relearns at an instant asked again once its own samples or a broader level changed', () => {
    const memo = new GapLearnerMemo(AT_EACH_INSTANT);
    const before = memo.learn(scopes, lookupOf(family, key), NOW);
    // A new array for the key: its level is relearned, the family's kept.
    const newKey = lookupOf(family, [...key, reuse(60, NOW - MINUTE)]);
    const ownChanged = memo.learn(scopes, newKey, NOW);
    expect(ownChanged).not.toBe(before);
    expect(ownChanged?.distribution).toEqual(plainAt(newKey, NOW)?.distribution);
    // A new array for the family: the key's level, under another prior, is relearned too.
    const newFamily = lookupOf([...family, reuse(3000, NOW - MINUTE)], key);
    const broaderChanged = memo.learn(scopes, newFamily, NOW);
    expect(broaderChanged).not.toBe(before);
    expect(broaderChanged?.distribution).toEqual(plainAt(newFamily, NOW)?.distribution);
    // And the first samples again: what was learned from them at this instant comes back.
    expect(memo.learn(scopes, lookupOf(family, key), NOW)).toBe(before);
  });

  it(`keeps ${INSTANTS_PER_LEVEL} instants per level, dropping the least recently asked`, () => {
    const memo = new GapLearnerMemo(AT_EACH_INSTANT);
    const lookup = lookupOf(family, key);
    const first = memo.learn(scopes, lookup, NOW);
    for (let k = 1; k < INSTANTS_PER_LEVEL; k++) memo.learn(scopes, lookup, NOW + k * MINUTE);
    // Asked again: the most recently used, so the next instant drops another.
    expect(memo.learn(scopes, lookup, NOW)).toBe(first);
    memo.learn(scopes, lookup, NOW + INSTANTS_PER_LEVEL * MINUTE);
    expect(memo.learn(scopes, lookup, NOW)).toBe(first);
    for (let k = 1; k <= INSTANTS_PER_LEVEL; k++) memo.learn(scopes, lookup, NOW + (10 + k) * MINUTE);
    const relearned = memo.learn(scopes, lookup, NOW);
    expect(relearned).not.toBe(first);
    expect(relearned?.distribution).toEqual(first?.distribution);
  });
});

/** Every sample in the match key's scope: one-level learning. */
const lookupAtOnly = (events: readonly { scope: number; gap: TimedGap }[], atMs: number) => {
  const samples = events.filter((e) => e.gap.atMs <= atMs).map((e) => e.gap);
  return (scope: GapScope) => (scope.kind === 'matchKey' && samples.length > 0 ? samples : undefined);
};
