import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { WEEKDAYS, type WorkingHoursWindow } from '../../lib/domain/policy/policy';
import { describeLocalTime, endOfWorkingDay, workingHoursAt } from '../../lib/domain/policy/workingHours';
import { zoneOffsetMinutes } from '../../lib/domain/zoneClock';

/**
 * The working-hours checks read the wall clock by arithmetic from an offset cached per hour, not
 * through luxon each call: on any instant, in zones with DST, half-hour DST (Lord
 * Howe), quarter-hour offsets (Kathmandu, Chatham) and historic offsets in seconds (Amsterdam
 * before 1937, where the cached offset does not hold and luxon answers), they read what luxon
 * reads.
 */
const ZONES = [
  'Europe/Berlin',
  // DST at midnight: a day that starts at 01:00.
  'America/Santiago',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Europe/Amsterdam',
  'UTC',
];

const luxonLocal = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone, locale: 'en-GB' });

/** Spring and autumn changes of 2025-2026 and around a historic date, plus anything. */
const instants = fc.oneof(
  fc.integer({ min: Date.parse('2025-01-01T00:00:00Z'), max: Date.parse('2026-12-31T23:59:59Z') }),
  fc.integer({ min: Date.parse('1930-01-01T00:00:00Z'), max: Date.parse('1937-12-31T00:00:00Z') }),
  fc
    .constantFrom(
      '2025-03-30T01:00:00Z',
      // Santiago's changes at midnight.
      '2025-04-06T03:00:00Z',
      '2025-09-07T04:00:00Z',
      '2025-10-26T01:00:00Z',
      '2025-03-09T07:00:00Z',
      '2025-11-02T06:00:00Z',
      '2025-04-05T15:00:00Z',
      '2025-10-04T15:30:00Z',
      '2026-04-04T13:45:00Z',
      '1937-06-30T22:00:00Z',
    )
    .chain((iso) => fc.integer({ min: -90 * 60_000, max: 90 * 60_000 }).map((d) => Date.parse(iso) + d)),
);

/** A window's zone, opening minute and closing minute (1440: midnight; at or before the opening: overnight). */
const windowsIn = (zones: readonly string[]) =>
  [fc.constantFrom(...zones), fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 1440 })] as const;

/** closingOf as first written, on luxon's plus, startOf and set. */
const luxonClosing = (window: WorkingHoursWindow, ms: number): number => {
  const local = luxonLocal(ms, window.timeZone);
  const overnight = window.endMinute <= window.startMinute;
  const closesOn =
    overnight && local.hour * 60 + local.minute >= window.startMinute ? local.plus({ days: 1 }) : local;
  const close =
    window.endMinute >= 1440
      ? closesOn.startOf('day').plus({ days: 1 })
      : closesOn
          .startOf('day')
          .set({ hour: Math.floor(window.endMinute / 60), minute: window.endMinute % 60 });
  return close.toMillis();
};

describe('working hours read the wall clock as luxon does', () => {
  it('names the same local time', () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES), (ms, zone) => {
        const local = luxonLocal(ms, zone);
        expect(describeLocalTime(ms, zone)).toBe(`${local.toFormat('ccc yyyy-MM-dd HH:mm')} ${zone}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('opens and closes windows (also overnight ones, and on holidays) at the same instants', () => {
    fc.assert(
      fc.property(
        instants,
        ...windowsIn(ZONES),
        fc.subarray([...WEEKDAYS], { minLength: 1 }),
        (ms, timeZone, startMinute, endMinute, days) => {
          const local = luxonLocal(ms, timeZone);
          const window: WorkingHoursWindow = {
            timeZone,
            days,
            startMinute,
            endMinute,
            holidays: [local.toISODate() ?? ''],
          };
          const plain = { ...window, holidays: [] };
          const opens = (day: DateTime, holidays: readonly string[]) =>
            days.includes(WEEKDAYS[day.weekday - 1] ?? 'mon') && !holidays.includes(day.toISODate() ?? '');
          const minute = local.hour * 60 + local.minute;
          const expected = (holidays: readonly string[]) =>
            endMinute > startMinute
              ? opens(local, holidays) && minute >= startMinute && minute < endMinute
              : (opens(local, holidays) && minute >= startMinute) ||
                (opens(local.minus({ days: 1 }), holidays) && minute < endMinute);
          expect(workingHoursAt([plain], ms).inside).toBe(expected([]));
          const onHoliday = workingHoursAt([window], ms);
          expect(onHoliday.inside).toBe(expected(window.holidays));
          expect(onHoliday.holiday).toBe(
            !onHoliday.inside && days.includes(WEEKDAYS[local.weekday - 1] ?? 'mon')
              ? (local.toISODate() ?? undefined)
              : undefined,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("knows each zone's offset at each instant as luxon does", () => {
    fc.assert(
      fc.property(instants, fc.constantFrom(...ZONES, 'GMT', 'utc'), (ms, zone) => {
        expect(zoneOffsetMinutes(ms, zone)).toBe(luxonLocal(ms, zone).offset);
      }),
      { numRuns: 3000 },
    );
  });

  it("ends the working day where luxon's wall-clock arithmetic ends it, across DST changes", () => {
    fc.assert(
      fc.property(instants, ...windowsIn(ZONES), (ms, timeZone, startMinute, endMinute) => {
        const window: WorkingHoursWindow = {
          timeZone,
          days: [...WEEKDAYS],
          startMinute,
          endMinute,
          holidays: [],
        };
        const end = endOfWorkingDay([window], ms);
        expect(end).toBe(workingHoursAt([window], ms).inside ? luxonClosing(window, ms) : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps the seconds of a historic offset when a window closes before 1970', () => {
    // Santiago in 1927 ran on an offset in seconds: its day started at 00:00:45 on luxon's clock.
    const window: WorkingHoursWindow = {
      timeZone: 'America/Santiago',
      days: [...WEEKDAYS],
      startMinute: 21 * 60 + 6,
      endMinute: 9 * 60 + 9,
      holidays: [],
    };
    const from = Date.parse('1927-09-01T00:00:00Z');
    for (let ms = from; ms < from + 86_400_000; ms += 7 * 60_000) {
      if (!workingHoursAt([window], ms).inside) continue;
      expect(endOfWorkingDay([window], ms)).toBe(luxonClosing(window, ms));
    }
  });

  it('says so for a zone it does not know', () => {
    expect(describeLocalTime(0, 'Not/AZone')).toBe('invalid time zone Not/AZone');
    const window = {
      timeZone: 'Not/AZone',
      days: [...WEEKDAYS],
      startMinute: 0,
      endMinute: 1440,
      holidays: [],
    };
    expect(workingHoursAt([window], 0).inside).toBe(false);
  });
});
