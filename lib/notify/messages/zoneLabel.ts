import { isFixedUtc } from '../../domain/zoneClock';

/**
 * The options luxon gave Intl for a `ZZZZ` token (a zone's short name), which these labels were
 * first written with. Building an Intl.DateTimeFormat costs about a hundred times the formatting:
 * one is kept per locale and zone (test/unit/zoneLabel.test.ts compares the labels with luxon's).
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

const shortZoneName = (atMs: number, zone: string, locale: string): string | undefined =>
  formatterOf(locale, zone)
    .formatToParts(atMs)
    .find((p) => p.type.toLowerCase() === 'timezonename')?.value;

/**
 * Zone abbreviations depend on the locale: en-US knows EDT but says GMT+2 for Paris, en-GB
 * knows CEST and BST but says GMT-4 for New York. Take whichever names the zone, else the
 * GMT offset both agree on. UTC (or GMT, in any case) is named UTC.
 */
export const zoneLabel = (atMs: number, zone: string): string => {
  if (isFixedUtc(zone)) return 'UTC';
  const labels = ['en-US', 'en-GB'].flatMap((locale) => shortZoneName(atMs, zone, locale) ?? []);
  return labels.find((label) => !label.startsWith('GMT')) ?? labels[0] ?? zone;
};
