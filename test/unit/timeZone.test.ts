import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isTimeZone } from '../../lib/domain/timeZone';

describe('whether a string names a time zone (timeZone.ts)', () => {
  it("answers as luxon's IANAZone.isValidZone, for zones ICU lists and for the spellings it also accepts", () => {
    const names = [
      'Europe/Berlin',
      'America/New_York',
      'Asia/Calcutta',
      'UTC',
      'Etc/UTC',
      'US/Eastern',
      'europe/berlin',
      'Mars/Base',
      'Europe/Berl1n',
      '',
      '+02:00',
    ];
    for (const name of names) expect(isTimeZone(name), name).toBe(IANAZone.isValidZone(name));
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Base')).toBe(false);
  });

  it('knows every zone the runtime lists', () => {
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(300);
    expect(zones.filter((zone) => !isTimeZone(zone) || !IANAZone.isValidZone(zone))).toEqual([]);
  });
});
