import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isIsoCalendarDate } from '../../lib/domain/calendarDate';

describe('a calendar date "YYYY-MM-DD" (calendarDate.ts)', () => {
  it('is what luxon reads as a valid ISO date, leap days included', () => {
    const texts = [
      '2026-12-24',
      '2024-02-29',
      '2023-02-29',
      '2000-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-04-30',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '2026-01-32',
      '0000-01-01',
      '9999-12-31',
      '2026-1-01',
      '2026-01-01T00:00',
      ' 2026-01-01',
      '',
    ];
    const luxon = (text: string) => /^\d{4}-\d{2}-\d{2}$/.test(text) && DateTime.fromISO(text).isValid;
    for (const text of texts) expect(isIsoCalendarDate(text), text).toBe(luxon(text));
    // Every day of a leap year and of a common one, and the day after each month's last.
    for (const year of [2024, 2026])
      for (let month = 1; month <= 12; month++)
        for (let day = 1; day <= 32; day++) {
          const text = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
          expect(isIsoCalendarDate(text), text).toBe(luxon(text));
        }
  });
});
