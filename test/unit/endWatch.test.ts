import { describe, expect, it } from 'vitest';
import {
  type EndWatchSettings,
  type WatchCandidate,
  watchVerdict,
  watchWindow,
} from '../../lib/domain/endWatch';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T01:00:00Z');
const settings: EndWatchSettings = { minUsdPerHour: 50, marginSeconds: 120, maxDescribesPerJob: 30 };
/** Four ml.p4d.24xlarge instances, whose runs took 20 to 25 minutes. */
const job: WatchCandidate = { createdAtMs: T0, usdPerHour: 150.75, durationsSeconds: [1500, 1200, 1320] };

/** The sweep instants (one a minute, starting at `fromMs`) at which the watch describes the job. */
const describedAt = (candidate: WatchCandidate, watch: EndWatchSettings, fromMs: number, untilMs: number) => {
  const out: number[] = [];
  for (let at = fromMs; at < untilMs; at += MIN)
    if (watchVerdict(candidate, watch, at, MIN).kind === 'describe') out.push((at - T0) / MIN);
  return out;
};

describe('end watch: which running jobs the sweep describes', () => {
  it('watches from the shortest learnt run less the margin to the longest plus the margin, every minute', () => {
    expect(watchWindow(job, settings, MIN)).toEqual({
      fromMs: T0 + 18 * MIN,
      untilMs: T0 + 27 * MIN,
      everyMs: MIN,
    });
    expect(describedAt(job, settings, T0, T0 + 60 * MIN)).toEqual([18, 19, 20, 21, 22, 23, 24, 25, 26]);
  });

  it('before the window it waits until the window opens; past it the reconcile is the guarantee', () => {
    expect(watchVerdict(job, settings, T0 + 5 * MIN, MIN)).toEqual({ kind: 'wait', nextAtMs: T0 + 18 * MIN });
    expect(watchVerdict(job, settings, T0 + 18 * MIN, MIN)).toEqual({
      kind: 'describe',
      nextAtMs: T0 + 19 * MIN,
    });
    expect(watchVerdict(job, settings, T0 + 26 * MIN, MIN)).toEqual({ kind: 'describe' });
    expect(watchVerdict(job, settings, T0 + 27 * MIN, MIN)).toEqual({ kind: 'unwatched' });
  });

  it('a sweep off the minute grid still describes once per slot', () => {
    const offGrid = describedAt(job, settings, T0 + 17_500, T0 + 60 * MIN);
    expect(offGrid).toHaveLength(9);
  });

  it('keeps to the budget: a wide window is described every few minutes, never more than the budget', () => {
    const spread: WatchCandidate = { ...job, durationsSeconds: [13_175, 27_854] };
    const window = watchWindow(spread, settings, MIN);
    expect(window?.everyMs).toBe(9 * MIN);
    const times = describedAt(spread, settings, T0, T0 + 10 * 3_600_000);
    expect(times.length).toBeLessThanOrEqual(settings.maxDescribesPerJob);
    expect(times.length).toBeGreaterThan(25);
  });

  it('does not watch a cheap pool, a job of an unknown price, or a key with nothing learnt', () => {
    const at = T0 + 20 * MIN;
    expect(watchVerdict({ ...job, usdPerHour: 49.99 }, settings, at, MIN).kind).toBe('unwatched');
    expect(watchVerdict({ ...job, usdPerHour: undefined }, settings, at, MIN).kind).toBe('unwatched');
    expect(watchVerdict({ ...job, durationsSeconds: [] }, settings, at, MIN).kind).toBe('unwatched');
    expect(watchVerdict(job, { ...settings, minUsdPerHour: Number.POSITIVE_INFINITY }, at, MIN).kind).toBe(
      'unwatched',
    );
  });

  it('a run shorter than the margin is watched from its creation', () => {
    expect(watchWindow({ ...job, durationsSeconds: [60] }, settings, MIN)?.fromMs).toBe(T0);
  });
});
