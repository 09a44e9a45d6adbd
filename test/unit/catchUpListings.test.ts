import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SWEEP_TIMEOUT_MS } from '../../devtools/local/runtime/lambdaContext';
import {
  CATCH_UP_ENDS_BEFORE_NEXT_SWEEP_MS,
  type CatchUpBounds,
  catchUpRemainingMs,
  nextCatchUpAt,
} from '../../lib/app/catchUpListings';
import { SWEEP_EVERY_MS } from '../../lib/app/sweepWake';
import { DEFAULT_CATCH_UP_EVERY_MS } from '../../lib/domain/catchUpEvery';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { sweepSafetyMarginMs } from '../../lib/wiring/runtime';

const START = Date.parse('2026-03-02T12:00:00Z');
/** The deployed sweep's margin with the default notification retries. */
const MARGIN_MS = sweepSafetyMarginMs(loadConfig({ POOLWARDEN_TABLE: 'poolwarden-test-ledger' }));
const bounds: CatchUpBounds = {
  scheduledAtMs: START,
  scheduleEveryMs: SWEEP_EVERY_MS,
  everyMs: DEFAULT_CATCH_UP_EVERY_MS,
  safetyMarginMs: MARGIN_MS,
};

/**
 * The instants a watch lists at, from `fromMs` on, with `timeoutMs` for the whole invocation
 * (which started at `fromMs`: Lambda may start it after the scheduled instant).
 */
const steps = (timeoutMs: number, fromMs = START, b: CatchUpBounds = bounds): number[] => {
  const out: number[] = [];
  for (let now = fromMs; ; ) {
    const at = nextCatchUpAt(b, now, timeoutMs - (now - fromMs));
    if (at === undefined) return out;
    out.push((at - START) / 1000);
    now = at;
  }
};

describe('catch-up listings: where they fall within one invocation', () => {
  it("the default margin is 13 s: 5 s for one pool and the notices' retry waits", () => {
    expect(MARGIN_MS).toBe(13_000);
  });

  it('every 10 s from the scheduled instant, the last leaving the margin 5 s before the next sweep', () => {
    // A listing at 50 s would leave its adoptions until 63 s: past the next scheduled sweep.
    expect(steps(10 * 60_000)).toEqual([10, 20, 30, 40]);
    // With a small margin, up to a step before the next sweep (which lists itself).
    expect(steps(10 * 60_000, START, { ...bounds, safetyMarginMs: 1_000 })).toEqual([10, 20, 30, 40, 50]);
  });

  it('whatever the margin, what catching up starts can end 5 s before the next scheduled sweep', () => {
    for (const safetyMarginMs of [1_000, 5_000, 13_000, 20_000, 35_000]) {
      const b = { ...bounds, safetyMarginMs };
      const last = steps(10 * 60_000, START, b).at(-1);
      if (last !== undefined)
        expect(last * 1000 + safetyMarginMs).toBeLessThanOrEqual(
          SWEEP_EVERY_MS - CATCH_UP_ENDS_BEFORE_NEXT_SWEEP_MS,
        );
    }
    expect(steps(10 * 60_000, START, { ...bounds, safetyMarginMs: 50_000 })).toEqual([]);
  });

  it('with the deployed timeout, the last at 40 s', () => {
    expect(SWEEP_TIMEOUT_MS).toBe(58_000);
    expect(steps(SWEEP_TIMEOUT_MS)).toEqual([10, 20, 30, 40]);
    // The edge: at 30 s, a listing at 40 s needs the margin and the 10 s wait left.
    expect(nextCatchUpAt(bounds, START + 30_000, 23_000)).toBe(START + 40_000);
    expect(nextCatchUpAt(bounds, START + 30_000, 22_999)).toBeUndefined();
  });

  it("anchored on the scheduled instant, not the invocation's start: a late start does not push it into the next sweep", () => {
    // Started 7 s late with its full timeout: the grid stays on the scheduled instant.
    expect(steps(SWEEP_TIMEOUT_MS, START + 7_000)).toEqual([10, 20, 30, 40]);
    // Started 25 s late: what is left of the minute, not of the timeout, bounds it.
    expect(steps(SWEEP_TIMEOUT_MS, START + 25_000)).toEqual([30, 40]);
    expect(catchUpRemainingMs(bounds, START + 25_000, SWEEP_TIMEOUT_MS)).toBe(30_000);
    // Started after the time left would let anything end 5 s before the next sweep: no watch.
    expect(steps(SWEEP_TIMEOUT_MS, START + 45_000)).toEqual([]);
  });

  it('an invocation with too little time never waits', () => {
    expect(steps(20_000)).toEqual([]);
    expect(steps(23_000)).toEqual([10]);
  });

  it('keeps to its grid: work that overran a step skips to the next one, never past the deadline', () => {
    // The listing due at 10 s ended at 23.5 s: the next is at 30 s, not 33.5 s.
    expect(nextCatchUpAt(bounds, START + 23_500, 60_000)).toBe(START + 30_000);
    expect(nextCatchUpAt(bounds, START + 39_999, 60_000)).toBe(START + 40_000);
    expect(nextCatchUpAt(bounds, START + 40_000, 60_000)).toBeUndefined();
  });

  it('the local stack budgets the sweep with the deployed timeout (serverless.yml)', async () => {
    const template = parse(await readFile('serverless.yml', 'utf8'), {
      customTags: [
        { tag: '!Sub', resolve: String },
        { tag: '!Ref', resolve: String },
        { tag: '!GetAtt', resolve: String },
      ],
      logLevel: 'silent',
    }) as { functions: { sweep: { timeout: number } } };
    expect(template.functions.sweep.timeout * 1000).toBe(SWEEP_TIMEOUT_MS);
  });
});
