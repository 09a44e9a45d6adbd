import { describe, expect, it } from 'vitest';
import {
  couldStretchIdle,
  dearJobsBoundStretch,
  EVENTS_TRUSTED_AFTER_MS,
  isReconcileDue,
  isSurprise,
  nextReconcilePeriodMs,
  type ReconcileFindings,
  stretchLimitMs,
  surpriseOnRecord,
} from '../../lib/domain/reconcilePeriod';

const MIN = 60_000;
const SETTINGS = { baseMs: 15 * MIN, longestMs: 60 * MIN };
const QUIET: ReconcileFindings = {
  abandoned: false,
  adopted: 0,
  closedEarly: 0,
  unsure: 0,
  intents: 0,
  incomplete: 0,
  eventsLate: false,
  dearestRunningUsdPerHour: 0,
};

describe('the reconcile period', () => {
  it('doubles from the base while reconciles find nothing, up to the longest', () => {
    const periods: number[] = [];
    let granted: number | undefined;
    for (let i = 0; i < 5; i++) {
      granted = nextReconcilePeriodMs(SETTINGS, granted, QUIET);
      periods.push(granted / MIN);
    }
    expect(periods).toEqual([15, 30, 60, 60, 60]);
  });

  it('comes back to the base at any surprise, or any sign that the events run late or get lost', () => {
    const surprises: Partial<ReconcileFindings>[] = [
      { adopted: 1 },
      { closedEarly: 1 },
      { unsure: 2 },
      { intents: 1 },
      { incomplete: 1 },
      { eventsLate: true },
    ];
    for (const surprise of surprises) {
      const findings = { ...QUIET, ...surprise };
      expect(isSurprise(findings)).toBe(true);
      expect(nextReconcilePeriodMs(SETTINGS, 60 * MIN, findings)).toBe(15 * MIN);
    }
    expect(isSurprise(QUIET)).toBe(false);
  });

  it('stretches less while a running job would leave a dear pool: its lost end would idle until the next reconcile', () => {
    const running = (usdPerHour: number) => ({ ...QUIET, dearestRunningUsdPerHour: usdPerHour });
    // $25 of idle at most: $150 an hour keeps the base, $50 allows 30 minutes, $14 more than the longest.
    expect(nextReconcilePeriodMs(SETTINGS, 30 * MIN, running(150))).toBe(15 * MIN);
    expect(nextReconcilePeriodMs(SETTINGS, 30 * MIN, running(50))).toBe(30 * MIN);
    expect(nextReconcilePeriodMs(SETTINGS, 30 * MIN, running(14))).toBe(60 * MIN);
    expect(nextReconcilePeriodMs(SETTINGS, 15 * MIN, running(37.5))).toBe(30 * MIN);
    expect(nextReconcilePeriodMs(SETTINGS, 30 * MIN, running(37.5))).toBe(40 * MIN);
    expect(isSurprise(running(150))).toBe(false);
  });

  it('never goes below the base nor past the longest, whatever was granted or configured', () => {
    expect(nextReconcilePeriodMs(SETTINGS, 5 * MIN, QUIET)).toBe(15 * MIN);
    expect(nextReconcilePeriodMs(SETTINGS, 45 * MIN, QUIET)).toBe(60 * MIN);
    // A longest shorter than the base (not accepted by the configuration) keeps the base.
    expect(nextReconcilePeriodMs({ baseMs: 15 * MIN, longestMs: 5 * MIN }, 15 * MIN, QUIET)).toBe(15 * MIN);
    // Longest = base: the fixed period of old.
    expect(nextReconcilePeriodMs({ baseMs: 15 * MIN, longestMs: 15 * MIN }, 15 * MIN, QUIET)).toBe(15 * MIN);
  });
});

describe('when the dear running jobs bound the stretch', () => {
  const T0 = Date.parse('2026-03-02T12:00:00Z');

  it("records a surprise, and an account's first reconcile, as the last surprise", () => {
    expect(surpriseOnRecord(QUIET, true)).toBe(true);
    expect(surpriseOnRecord({ ...QUIET, adopted: 1 }, false)).toBe(true);
    expect(surpriseOnRecord(QUIET, false)).toBe(false);
    // What a dear job would cost is no surprise.
    expect(surpriseOnRecord({ ...QUIET, dearestRunningUsdPerHour: 150 }, false)).toBe(false);
  });

  it('bounds it for a day after the last surprise, then trusts the events', () => {
    expect(dearJobsBoundStretch(T0, T0)).toBe(true);
    expect(dearJobsBoundStretch(T0, T0 + EVENTS_TRUSTED_AFTER_MS - 1)).toBe(true);
    expect(dearJobsBoundStretch(T0, T0 + EVENTS_TRUSTED_AFTER_MS)).toBe(false);
    // Reconciled since before surprises were recorded: trusted.
    expect(dearJobsBoundStretch(undefined, T0)).toBe(false);
  });
});

describe('the stretch past the longest while no dear job runs', () => {
  const IDLE = { ...SETTINGS, idleLongestMs: 240 * MIN };

  it('doubles on past the longest up to the idle longest while nothing runs', () => {
    const periods: number[] = [];
    let granted: number | undefined;
    for (let i = 0; i < 7; i++) {
      const past = couldStretchIdle(IDLE, granted) ? { dearestRunningPastLongest: 0 } : {};
      granted = nextReconcilePeriodMs(IDLE, granted, { ...QUIET, ...past });
      periods.push(granted / MIN);
    }
    expect(periods).toEqual([15, 30, 60, 120, 240, 240, 240]);
  });

  it('passes the longest only as far as a lost end of the dearest running job would cost $25', () => {
    // Nothing, or nothing dear: the idle longest. Two ml.g5.12xlarge ($14 an hour): 105 minutes.
    expect(stretchLimitMs(IDLE, 0)).toBe(240 * MIN);
    expect(stretchLimitMs(IDLE, 5)).toBe(240 * MIN);
    expect(stretchLimitMs(IDLE, 14)).toBeCloseTo((25 / 14) * 60 * MIN);
    // Four ml.p4d.24xlarge ($150): the longest, as without the stretch (the dear-job bound of an
    // untrusted account is another rule).
    expect(stretchLimitMs(IDLE, 150)).toBe(60 * MIN);
    expect(nextReconcilePeriodMs(IDLE, 240 * MIN, { ...QUIET, dearestRunningPastLongest: 150 })).toBe(
      60 * MIN,
    );
    expect(nextReconcilePeriodMs(IDLE, 60 * MIN, { ...QUIET, dearestRunningPastLongest: 14 })).toBeCloseTo(
      (25 / 14) * 60 * MIN,
    );
  });

  it('is not read for, nor taken, without an idle longest past the longest, nor after a surprise', () => {
    expect(couldStretchIdle(SETTINGS, 60 * MIN)).toBe(false);
    expect(couldStretchIdle(IDLE, 15 * MIN)).toBe(false);
    expect(couldStretchIdle(IDLE, 60 * MIN)).toBe(true);
    // Running jobs not read: the longest bounds it.
    expect(nextReconcilePeriodMs(IDLE, 60 * MIN, QUIET)).toBe(60 * MIN);
    expect(
      nextReconcilePeriodMs(IDLE, 240 * MIN, { ...QUIET, adopted: 1, dearestRunningPastLongest: 0 }),
    ).toBe(15 * MIN);
  });
});

describe('whether a reconcile is due', () => {
  const T0 = Date.parse('2026-03-02T12:00:00Z');
  const item = { startedAtMs: T0, dueAtMs: T0 + 60 * MIN };

  it('honours the granted due time, never sooner than a base period', () => {
    expect(isReconcileDue(item, T0 + 30 * MIN, 15 * MIN, 'granted')).toBe(false);
    expect(isReconcileDue(item, T0 + 60 * MIN, 15 * MIN, 'granted')).toBe(true);
    expect(isReconcileDue({ startedAtMs: T0, dueAtMs: T0 }, T0 + 14 * MIN, 15 * MIN, 'granted')).toBe(false);
    // An item from before due times were recorded: the base period.
    expect(isReconcileDue({ startedAtMs: T0, dueAtMs: undefined }, T0 + 15 * MIN, 15 * MIN, 'granted')).toBe(
      true,
    );
  });

  it('falls back to the base period while the events run late, and to none when forced', () => {
    expect(isReconcileDue(item, T0 + 15 * MIN, 15 * MIN, 'base')).toBe(true);
    expect(isReconcileDue(item, T0 + 14 * MIN, 15 * MIN, 'base')).toBe(false);
    expect(isReconcileDue(item, T0 + MIN, 15 * MIN, 'forced')).toBe(true);
  });
});
