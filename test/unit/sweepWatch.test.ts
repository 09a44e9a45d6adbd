import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SWEEP_TIMEOUT_MS } from '../../devtools/local/runtime/lambdaContext';
import { SWEEP_EVERY_MS } from '../../lib/app/sweepWake';
import { DEFAULT_WATCH_EVERY_MS, nextWatchAt, type WatchBounds } from '../../lib/app/sweepWatch';

const START = Date.parse('2026-03-02T12:00:00Z');
const bounds: WatchBounds = {
  startedAtMs: START,
  scheduleEveryMs: SWEEP_EVERY_MS,
  everyMs: DEFAULT_WATCH_EVERY_MS,
  safetyMarginMs: 13_000,
};

/** The instants a watch lists at, from `fromMs` on, with `timeoutMs` for the whole invocation. */
const steps = (timeoutMs: number, fromMs = START, b: WatchBounds = bounds): number[] => {
  const out: number[] = [];
  for (let now = fromMs; ; ) {
    const at = nextWatchAt(b, now, timeoutMs - (now - b.startedAtMs));
    if (at === undefined) return out;
    out.push((at - START) / 1000);
    now = at;
  }
};

describe('the sweep watch: where its listings fall within one invocation', () => {
  it('every 10 s from the sweep start, the last a step before the next sweep, when time allows', () => {
    expect(steps(10 * 60_000)).toEqual([10, 20, 30, 40, 50]);
  });

  it('stops when the safety margin would not be left: with the deployed timeout, the last at 40 s', () => {
    expect(SWEEP_TIMEOUT_MS).toBe(58_000);
    expect(steps(SWEEP_TIMEOUT_MS)).toEqual([10, 20, 30, 40]);
    // The edge: at 30 s, a listing at 40 s needs the margin and the 10 s wait left.
    expect(nextWatchAt(bounds, START + 30_000, 23_000)).toBe(START + 40_000);
    expect(nextWatchAt(bounds, START + 30_000, 22_999)).toBeUndefined();
  });

  it('an invocation with too little time never waits', () => {
    expect(steps(20_000)).toEqual([]);
    expect(steps(23_000)).toEqual([10]);
  });

  it('keeps to its grid: work that overran a step skips to the next one, never past the deadline', () => {
    // The listing due at 10 s ended at 23.5 s: the next is at 30 s, not 33.5 s.
    expect(nextWatchAt(bounds, START + 23_500, 60_000)).toBe(START + 30_000);
    expect(nextWatchAt(bounds, START + 49_999, 60_000)).toBe(START + 50_000);
    expect(nextWatchAt(bounds, START + 50_000, 60_000)).toBeUndefined();
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
