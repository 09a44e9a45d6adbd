import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatTime } from '../../lib/notify/messages/format';
import { zoneLabel } from '../../lib/notify/messages/zoneLabel';

/** What luxon says for the zone's short name, building its own Intl formatter each time. */
const luxonLabel = (time: DateTime): string => {
  const labels = ['en-US', 'en-GB'].map((locale) => time.setLocale(locale).toFormat('ZZZZ'));
  return labels.find((label) => !label.startsWith('GMT')) ?? labels[0] ?? time.toFormat('ZZ');
};

const ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Paris',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Kolkata',
  'Asia/Tokyo',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Sao_Paulo',
];

describe('zoneLabel', () => {
  it('names a zone as luxon does, across a year of DST changes, with its formatters kept', () => {
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (const zone of ZONES) {
      // Every 60 h 50 min over a year, so that instants fall on both sides of each change.
      for (let ms = start; ms < start + 366 * 86_400_000; ms += 219_000_000) {
        const time = DateTime.fromMillis(ms, { zone }).setLocale('en-GB');
        expect(zoneLabel(ms, zone), `${zone} at ${new Date(ms).toISOString()}`).toBe(luxonLabel(time));
      }
    }
  });

  it('names the UTC zone as luxon does, however it is spelt', () => {
    const ms = Date.parse('2026-06-01T12:00:00Z');
    for (const zone of ['UTC', 'utc', 'GMT', 'Etc/UTC']) {
      const time = DateTime.fromMillis(ms, { zone });
      expect(zoneLabel(ms, zone)).toBe(luxonLabel(time));
    }
  });
});

describe('formatTime', () => {
  it('writes what luxon wrote, and tells the same day as its hasSame does, across DST changes and midnights', () => {
    // Spring's changes, then September ("Sept" in en-GB) into autumn's.
    for (const start of [Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-09-01T00:00:00Z')])
      for (const zone of [
        'Europe/Paris',
        'America/Sao_Paulo',
        'Australia/Lord_Howe',
        'Asia/Kolkata',
        'UTC',
        'GMT',
      ]) {
        for (let ms = start; ms < start + 40 * 86_400_000; ms += 5_437_000) {
          const nowMs = ms + 3_600_000 * ((ms / 1000) % 30);
          const time = DateTime.fromMillis(ms, { zone }).setLocale('en-GB');
          const sameDay = time.hasSame(DateTime.fromMillis(nowMs, { zone }), 'day');
          expect(formatTime(ms, zone, nowMs)).toBe(
            `${time.toFormat(sameDay ? 'HH:mm' : 'ccc d LLL, HH:mm')} ${luxonLabel(time)}`,
          );
        }
      }
  });
});
