import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_POLICY } from '../../lib/domain/policy/defaultPolicy';
import { evaluatePool, type PolicySetup } from '../../lib/domain/policy/evaluatePool';
import { clockedGaps, GapClockMemo, gapClockEvidence } from '../../lib/domain/policy/gapClock';
import { type GapScope, gapScopes, reuseProbability } from '../../lib/domain/policy/gapDistribution';
import {
  DEFAULT_GAP_LEARNING,
  GapLearnerMemo,
  learnHierarchical,
  type TimedGap,
} from '../../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { sampleAvailablePool } from '../support/sampleCriteria';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const WARM = 21;
const COLD = 143;

/**
 * A key's gaps from its heads' ends. Open loop (a sweep driver): the next trial is submitted a
 * fixed while after the last SUBMISSION, so a warm head's gap is longer by the start-up it saved.
 * Closed loop (a person waiting for the result): the gap from the end is the same either way.
 */
const gapsOf = (loop: 'open' | 'closed', warmHeads: number, coldHeads: number): TimedGap[] => {
  const gaps: TimedGap[] = [];
  for (let i = 0; i < warmHeads + coldHeads; i++) {
    const startupSeconds = i < warmHeads ? WARM : COLD;
    const think = 60 + (i % 5) * 5;
    const gapSeconds = loop === 'open' ? think + (COLD - startupSeconds) : think;
    gaps.push({ gapSeconds, reused: true, atMs: NOW - (i + 1) * 600_000, startupSeconds });
  }
  return gaps;
};

const key: GapScope = { kind: 'matchKey', key: 'k' };
const all: GapScope = { kind: 'all', key: 'pools' };
const lookupOf =
  (byScope: Map<GapScope, readonly TimedGap[]>) =>
  (scope: GapScope): readonly TimedGap[] | undefined =>
    byScope.get(scope);

/** P(a same-key job within 2 minutes of the end) for a head of this start-up. */
const pWithin2Min = (samples: readonly TimedGap[], headStartupSeconds: number, mode: 'end' | 'fromData') => {
  const clocked = clockedGaps([key, all], lookupOf(new Map([[key, samples]])), headStartupSeconds, mode);
  const learned = learnHierarchical([key, all], clocked.lookup, NOW, DEFAULT_GAP_LEARNING);
  return reuseProbability(learned?.distribution ?? ({ samples: 0 } as never), 0, 120);
};

describe("a scope's gap clock, read from its gaps", () => {
  it('tells an open loop from a closed one by the gaps after warm and after cold heads', () => {
    expect(gapClockEvidence(gapsOf('open', 10, 10))).toMatchObject({
      clock: 'submission',
      fast: { reuses: 10, startupSeconds: WARM, medianGapSeconds: 192 },
      slow: { reuses: 10, startupSeconds: COLD, medianGapSeconds: 70 },
    });
    expect(gapClockEvidence(gapsOf('closed', 10, 10))?.clock).toBe('end');
  });

  it('splits warm from cold starts at the widest gap between start-ups, whatever a slow outlier', () => {
    const open = gapsOf('open', 10, 10);
    // One cold start of 10 minutes (a capacity shortage): halfway between the extremes would put
    // every ordinary cold start with the warm ones.
    const outlier: TimedGap = { gapSeconds: 70, reused: true, atMs: NOW, startupSeconds: 600 };
    expect(gapClockEvidence([...open, outlier])).toMatchObject({
      clock: 'submission',
      fast: { reuses: 10, startupSeconds: WARM },
      slow: { reuses: 11 },
    });
  });

  it('tells nothing from too few reuses after either kind of start, or from start-ups alike', () => {
    expect(gapClockEvidence(gapsOf('open', 2, 20))).toBeNull();
    expect(gapClockEvidence(gapsOf('open', 0, 20))).toBeNull();
    const old = gapsOf('open', 10, 10).map(({ startupSeconds: _, ...g }) => g);
    expect(gapClockEvidence(old)).toBeNull();
  });

  it('predicts an open-loop key from the submission after a warm head', () => {
    const open = gapsOf('open', 10, 10);
    // From the end, the warm heads' long gaps and the cold heads' short ones are mixed alike for both.
    expect(pWithin2Min(open, WARM, 'end')).toBeCloseTo(pWithin2Min(open, COLD, 'end'));
    // From the submission: after a warm head no job comes within 2 minutes, after a cold one nearly surely.
    expect(pWithin2Min(open, WARM, 'fromData')).toBeLessThan(0.1);
    expect(pWithin2Min(open, COLD, 'fromData')).toBeGreaterThan(0.8);
  });

  it('leaves a closed-loop key as it was', () => {
    const closed = gapsOf('closed', 10, 10);
    const clocked = clockedGaps([key, all], lookupOf(new Map([[key, closed]])), WARM, 'fromData');
    expect(clocked.shifted).toBe(false);
    expect(clocked.lookup(key)).toBe(closed);
    expect(pWithin2Min(closed, WARM, 'fromData')).toBe(pWithin2Min(closed, WARM, 'end'));
  });

  it("shifts only the match key's gaps, by its own evidence, and names the figures", () => {
    const open = gapsOf('open', 10, 10);
    const broad = gapsOf('open', 10, 10);
    const clocked = clockedGaps(
      [key, all],
      lookupOf(
        new Map([
          [key, open],
          [all, broad],
        ]),
      ),
      WARM,
      'fromData',
    );
    expect(clocked.shifted).toBe(true);
    // The cold heads' gaps as a warm head would have seen them: 122 s longer; the warm ones as they were.
    expect(clocked.lookup(key)?.map((g) => g.gapSeconds)).toEqual(
      open.map((g) => g.gapSeconds + (g.startupSeconds === COLD ? 122 : 0)),
    );
    // A broader scope mixes many submitters' loops: it keeps the end clock.
    expect(clocked.lookup(all)).toBe(broad);
    expect(clocked.why?.text).toBe(
      "gaps timed this match key from the submission (median gap 3m 12s after 10 starts of 21s, 1m 10s after 10 of 2m 23s), shifted to this head's start-up 21s",
    );
  });

  it('keeps the end clock for a key that cannot tell, whatever its broader scopes show', () => {
    const few = gapsOf('open', 1, 3);
    const clocked = clockedGaps(
      [key, all],
      lookupOf(
        new Map([
          [key, few],
          [all, gapsOf('open', 10, 10)],
        ]),
      ),
      WARM,
      'fromData',
    );
    expect(clocked).toMatchObject({ shifted: false, why: undefined });
    expect(clocked.lookup(key)).toBe(few);
    // Beside it, the key's gaps on the submission clock: a keep must pay on both.
    expect(clocked.undecided?.shifted).toBe(true);
    expect(clocked.undecided?.lookup(key)?.map((g) => g.gapSeconds)).toEqual(
      few.map((g) => g.gapSeconds + (g.startupSeconds === COLD ? 122 : 0)),
    );
    expect(clocked.undecided?.why?.text).toContain("this match key's clock undecided");
  });

  it('has nothing undecided where no gap would move, or where the evidence tells', () => {
    const warmOnly = gapsOf('open', 4, 0);
    expect(
      clockedGaps([key], lookupOf(new Map([[key, warmOnly]])), WARM, 'fromData').undecided,
    ).toBeUndefined();
    const open = gapsOf('open', 10, 10);
    expect(clockedGaps([key], lookupOf(new Map([[key, open]])), WARM, 'fromData').undecided).toBeUndefined();
  });

  it("takes a gap shorter than the start-up difference as it was: another submitter's job", () => {
    const soon: TimedGap = { gapSeconds: 40, reused: true, atMs: NOW, startupSeconds: WARM };
    const clocked = clockedGaps([key], lookupOf(new Map([[key, [soon]]])), COLD, 'submission');
    expect(clocked.lookup(key)).toEqual([soon]);
  });

  it("a replay's memory of the clock reads and shifts as afresh while a key's samples change", () => {
    const memo = new GapClockMemo();
    const stop: TimedGap = {
      gapSeconds: 30,
      reused: false,
      atMs: NOW + 1,
      unresolved: true,
      startupSeconds: COLD,
    };
    const open = gapsOf('open', 10, 10);
    const withStop = [...open.slice(1), stop];
    const resolved = withStop.map((g) => (g === stop ? { ...stop, gapSeconds: 90, unresolved: false } : g));
    const closed = [...resolved.slice(5), ...gapsOf('closed', 10, 10)];
    const asked = (samples: readonly TimedGap[], head: number, with_?: GapClockMemo) =>
      clockedGaps([key, all], lookupOf(new Map([[key, samples]])), head, 'fromData', with_);
    // Each sample's shifted copy for a warm head, as last made.
    let copies = new Map<TimedGap, TimedGap>();
    let reused = 0;
    for (const samples of [open, withStop, resolved, resolved, closed]) {
      for (const head of [WARM, COLD]) {
        const kept = asked(samples, head, memo);
        const fresh = asked(samples, head);
        expect(kept.shifted).toBe(fresh.shifted);
        expect(kept.lookup(key)).toEqual(fresh.lookup(key));
        expect(kept.why?.text).toBe(fresh.why?.text);
        if (head === WARM && kept.shifted) {
          // A sample the key still holds keeps its shifted copy: the learner continues its order.
          const shifted = kept.lookup(key) ?? [];
          samples.forEach((g, i) => {
            const copy = copies.get(g);
            if (copy && g.startupSeconds === COLD) {
              expect(shifted[i]).toBe(copy);
              reused++;
            }
          });
          copies = new Map(samples.map((g, i) => [g, shifted[i] as TimedGap]));
        }
      }
    }
    expect(reused).toBeGreaterThan(20);
  });

  it('counts an unresolved stop from the shifted instant it became Available', () => {
    const stop: TimedGap = {
      gapSeconds: 30,
      reused: false,
      atMs: NOW,
      unresolved: true,
      startupSeconds: COLD,
    };
    const clocked = clockedGaps([key], lookupOf(new Map([[key, [stop]]])), WARM, 'submission');
    expect(clocked.lookup(key)).toEqual([{ ...stop, gapSeconds: 152 }]);
  });
});

describe('the decision on an open-loop key', () => {
  const setup: PolicySetup = {
    policy: DEFAULT_POLICY,
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    killSwitch: false,
    prices: DEFAULT_PRICES,
  };
  /** A pool that became Available now, its head started `startupSeconds` after its submission. */
  const headOf = (startupSeconds: number): JobRecord => {
    const record = sampleAvailablePool('head', NOW);
    const job = record.job as NonNullable<JobRecord['job']>;
    return {
      ...record,
      job: { ...job, startedAtMs: job.createdAtMs + startupSeconds * 1000 },
    };
  };
  const scopes = gapScopes({ matchKey: headOf(WARM).job?.matchKey ?? '' });
  const open = gapsOf('open', 20, 20);
  const gaps = (scope: GapScope) => (scope.kind === 'matchKey' ? open : undefined);
  const learning = { ...DEFAULT_GAP_LEARNING, gapClock: 'fromData' as const };
  const decide = (startupSeconds: number) =>
    evaluatePool(setup, {
      head: headOf(startupSeconds),
      nowMs: NOW,
      spend: { poolIdleUsdToday: 0, poolIdleUsdPerSecond: 0 },
      gaps,
      learning,
    }).decision;

  it('names the clock and its figures in the reason', () => {
    expect(scopes[0]?.kind).toBe('matchKey');
    const reason = decide(WARM).reason;
    expect(reason).toContain('this match key from the submission (median gap 3m 12s after 20 starts of 21s');
    expect(reason).toContain("shifted to this head's start-up 21s");
  });

  it('keeps an undecided key only as long as both clocks pay for, and says so', () => {
    const few = gapsOf('open', 2, 20);
    const situation = {
      head: headOf(WARM),
      nowMs: NOW,
      spend: { poolIdleUsdToday: 0, poolIdleUsdPerSecond: 0 },
      gaps: (scope: GapScope) => (scope.kind === 'matchKey' ? few : undefined),
      learning,
    };
    const both = evaluatePool(setup, situation).decision;
    const endOnly = evaluatePool(setup, {
      ...situation,
      learning: { ...learning, gapClock: 'end' },
    }).decision;
    expect(both.reason).toContain("this match key's clock undecided");
    expect(both.reason).toContain('the shorter keep');
    expect(both.endsAtMs ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(
      endOnly.endsAtMs ?? Number.POSITIVE_INFINITY,
    );
  });

  it('decides alike with and without a replay memo, heads warm and cold in turn', () => {
    const memo = new GapLearnerMemo();
    for (const startup of [WARM, COLD, WARM, COLD]) {
      const situation = {
        head: headOf(startup),
        nowMs: NOW,
        spend: { poolIdleUsdToday: 0, poolIdleUsdPerSecond: 0 },
        gaps,
        learning,
      };
      expect(evaluatePool(setup, { ...situation, memo }).decision).toEqual(
        evaluatePool(setup, situation).decision,
      );
    }
  });

  it('learns the same as before for a head of unknown start-up', () => {
    const record = sampleAvailablePool('head', NOW);
    const situation = {
      head: record,
      nowMs: NOW,
      spend: { poolIdleUsdToday: 0, poolIdleUsdPerSecond: 0 },
      gaps,
    };
    expect(evaluatePool(setup, { ...situation, learning }).decision).toEqual(
      evaluatePool(setup, { ...situation, learning: DEFAULT_GAP_LEARNING }).decision,
    );
  });
});
