import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Weekday, WorkingHoursWindow } from '../../lib/domain/policy/policy';
import { workingHoursAt } from '../../lib/domain/policy/workingHours';

const WEEK: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const hm = (text: string): number => {
  const [h = 0, m = 0] = text.split(':').map(Number);
  return h * 60 + m;
};
const window = (
  timeZone: string,
  start: string,
  end: string,
  days: Weekday[] = WEEK,
  holidays: string[] = [],
): WorkingHoursWindow => ({ timeZone, days, startMinute: hm(start), endMinute: hm(end), holidays });

const BERLIN = window('Europe/Berlin', '08:00', '19:00', WEEK, ['2025-12-25', '2025-12-26']);
const NEW_YORK = window('America/New_York', '08:30', '18:30', WEEK, ['2025-07-04']);
const utc = (iso: string): number => Date.parse(`${iso}Z`);
const local = (iso: string, zone: string): number => DateTime.fromISO(iso, { zone }).toMillis();

describe('working hours', () => {
  it.each([
    // Plain days in Berlin.
    ['Fri 08:30 CET', [BERLIN], utc('2025-03-28T07:30:00'), true],
    ['Fri 19:00 CET (end is exclusive)', [BERLIN], utc('2025-03-28T18:00:00'), false],
    ['Sat 10:00 (weekend)', [BERLIN], local('2025-03-29T10:00', 'Europe/Berlin'), false],
    ['Thu 10:00 on Christmas (holiday)', [BERLIN], local('2025-12-25T10:00', 'Europe/Berlin'), false],
    // The same UTC instant of day on either side of Berlin's spring change (Sun 30 March 2025).
    ['Mon 06:30 UTC before the change = 07:30 CET', [BERLIN], utc('2025-03-24T06:30:00'), false],
    ['Mon 06:30 UTC after the change = 08:30 CEST', [BERLIN], utc('2025-03-31T06:30:00'), true],
    ['Mon 17:30 UTC before the change = 18:30 CET', [BERLIN], utc('2025-03-24T17:30:00'), true],
    ['Mon 17:30 UTC after the change = 19:30 CEST', [BERLIN], utc('2025-03-31T17:30:00'), false],
    // …and of its autumn change (Sun 26 October 2025).
    ['Mon 06:30 UTC before the autumn change = 08:30 CEST', [BERLIN], utc('2025-10-20T06:30:00'), true],
    ['Mon 06:30 UTC after the autumn change = 07:30 CET', [BERLIN], utc('2025-10-27T06:30:00'), false],
    // New York changes on the second Sunday of March (9 March 2025), three weeks before Berlin.
    ['NY Mon 12:45 UTC before the change = 07:45 EST', [NEW_YORK], utc('2025-03-03T12:45:00'), false],
    ['NY Mon 12:45 UTC after the change = 08:45 EDT', [NEW_YORK], utc('2025-03-10T12:45:00'), true],
    ['NY Independence Day', [NEW_YORK], local('2025-07-04T11:00', 'America/New_York'), false],
    // Two offices: inside while either is open.
    ['19:30 Berlin, 13:30 New York', [BERLIN, NEW_YORK], local('2025-06-02T19:30', 'Europe/Berlin'), true],
    ['01:00 Berlin, 19:00 New York', [BERLIN, NEW_YORK], local('2025-06-03T01:00', 'Europe/Berlin'), false],
    ['Berlin holiday, New York open', [BERLIN, NEW_YORK], local('2025-12-26T16:00', 'Europe/Berlin'), true],
    ['no windows at all', [], utc('2025-06-02T12:00:00'), false],
  ] as const)('%s', (_label, windows, nowMs, inside) => {
    expect(workingHoursAt(windows, nowMs).inside).toBe(inside);
  });

  describe('on the day the clocks change', () => {
    const everyDay: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

    it.each([
      // Berlin spring: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; a 01:00-03:30 window is 1.5 h long.
      ['01:30 CET', utc('2025-03-30T00:30:00'), true],
      ['03:15 CEST', utc('2025-03-30T01:15:00'), true],
      ['03:45 CEST', utc('2025-03-30T01:45:00'), false],
    ])('spring forward, %s', (_label, nowMs, inside) => {
      expect(workingHoursAt([window('Europe/Berlin', '01:00', '03:30', everyDay)], nowMs).inside).toBe(
        inside,
      );
    });

    it.each([
      // Berlin autumn: 02:00-03:00 happens twice; a 02:00-03:00 window is open for both hours.
      ['02:30 CEST', utc('2025-10-26T00:30:00'), true],
      ['02:30 CET, the second time', utc('2025-10-26T01:30:00'), true],
      ['03:30 CET', utc('2025-10-26T02:30:00'), false],
    ])('fall back, %s', (_label, nowMs, inside) => {
      expect(workingHoursAt([window('Europe/Berlin', '02:00', '03:00', everyDay)], nowMs).inside).toBe(
        inside,
      );
    });

    it('a window opening at a wall-clock time that does not exist opens when the clock jumps past it', () => {
      // New York, 9 March 2025: 02:00 EST jumps to 03:00 EDT at 07:00 UTC, 02:30 never happens.
      const w = window('America/New_York', '02:30', '05:00', ['sun']);
      expect(workingHoursAt([w], utc('2025-03-09T06:59:00')).inside).toBe(false); // 01:59 EST
      expect(workingHoursAt([w], utc('2025-03-09T07:00:00')).inside).toBe(true); // 03:00 EDT
    });
  });

  describe('overnight windows belong to the day they start on', () => {
    const night = window('UTC', '22:00', '06:00', ['fri']);
    it.each([
      ['Fri 21:00', utc('2025-06-06T21:00:00'), false],
      ['Fri 23:00', utc('2025-06-06T23:00:00'), true],
      ['Sat 05:00', utc('2025-06-07T05:00:00'), true],
      ['Sat 07:00', utc('2025-06-07T07:00:00'), false],
      ['Thu 23:00', utc('2025-06-05T23:00:00'), false],
    ])('%s', (_label, nowMs, inside) => {
      expect(workingHoursAt([night], nowMs).inside).toBe(inside);
    });

    it('a whole day is 00:00 to 24:00', () => {
      expect(
        workingHoursAt([window('UTC', '00:00', '24:00', ['sun'])], utc('2025-06-08T23:59:00')).inside,
      ).toBe(true);
    });
  });

  it('names the local time and a holiday that closed the office, for the reasons', () => {
    const status = workingHoursAt([BERLIN], local('2025-12-25T10:00', 'Europe/Berlin'));
    expect(status).toEqual({
      inside: false,
      localTime: 'Thu 2025-12-25 10:00 Europe/Berlin',
      holiday: '2025-12-25',
    });
  });
});
