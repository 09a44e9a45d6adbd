import type { DateTime } from 'luxon';

/**
 * The options luxon gives Intl for a `ZZZZ` token (a zone's short name). Luxon builds a new
 * Intl.DateTimeFormat for each such token, which costs about a hundred times the formatting:
 * keep one per locale and zone (test/unit/zoneLabel.test.ts compares the two).
 */
const SHORT_NAME_OPTIONS: Intl.DateTimeFormatOptions = {
  timeZoneName: 'short',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
};

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterOf = (locale: string, zone: string): Intl.DateTimeFormat => {
  const id = `${locale}\u0000${zone}`;
  let formatter = formatters.get(id);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...SHORT_NAME_OPTIONS, timeZone: zone });
    formatters.set(id, formatter);
  }
  return formatter;
};

const shortZoneName = (time: DateTime, locale: string): string => {
  // Fixed offsets and the system zone are rare here: luxon names those itself.
  if (time.zone.type !== 'iana') return time.setLocale(locale).toFormat('ZZZZ');
  const part = formatterOf(locale, time.zone.name)
    .formatToParts(time.toMillis())
    .find((p) => p.type.toLowerCase() === 'timezonename');
  return part ? part.value : time.setLocale(locale).toFormat('ZZZZ');
};

/**
 * Zone abbreviations depend on the locale: en-US knows EDT but says GMT+2 for Paris, en-GB
 * knows CEST and BST but says GMT-4 for New York. Take whichever names the zone, else the
 * GMT offset both agree on.
 */
export const zoneLabel = (time: DateTime): string => {
  const labels = ['en-US', 'en-GB'].map((locale) => shortZoneName(time, locale));
  return labels.find((label) => !label.startsWith('GMT')) ?? labels[0] ?? time.toFormat('ZZ');
};
