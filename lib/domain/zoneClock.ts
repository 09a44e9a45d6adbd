/**
 * A time zone's wall clock, read through Intl the way luxon reads it (IANAZone.offset, and its
 * fixOffset for a wall-clock time's instant), for the few questions poolwarden asks: a zone's
 * offset at an instant, the wall clock there, and the instant a wall-clock time falls on.
 * Luxon's 70 KB were compiled at every cold start for these alone. "UTC" and "GMT", in any case,
 * are luxon's fixed zone of offset 0, as here. Callers know the zone is valid (timeZone.ts).
 */

const DAY_MS = 86_400_000;

/** One formatter per zone, as luxon keeps them: building one costs a hundred formattings. */
const formatters = new Map<string, Intl.DateTimeFormat>();

const formatterOf = (zone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      hour12: false,
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      era: 'short',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
};

/** Whether luxon takes the zone for its fixed UTC zone rather than an IANA one. */
export const isFixedUtc = (zone: string): boolean => {
  const lowered = zone.toLowerCase();
  return lowered === 'utc' || lowered === 'gmt';
};

/** Date.UTC, but for years 0–99, which Date.UTC reads as 1900–1999. */
const utcOf = (year: number, month: number, day: number, hour: number, minute: number, second: number) => {
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year >= 100 || year < 0) return ms;
  const date = new Date(ms);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
};

/** The zone's offset from UTC at `ms`, in minutes (+60 for Berlin in winter). */
export const zoneOffsetMinutes = (ms: number, zone: string): number => {
  if (isFixedUtc(zone)) return 0;
  const parts = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let era = 'AD';
  for (const part of formatterOf(zone).formatToParts(ms)) {
    if (part.type === 'era') era = part.value;
    else if (part.type in parts) parts[part.type as keyof typeof parts] = Number(part.value);
  }
  const year = era === 'BC' ? -Math.abs(parts.year) + 1 : parts.year;
  // Some engines write midnight as 24 with hour12 off.
  const hour = parts.hour === 24 ? 0 : parts.hour;
  const asUtc = utcOf(year, parts.month, parts.day, hour, parts.minute, parts.second);
  const over = ms % 1000;
  const wholeSecond = ms - (over >= 0 ? over : 1000 + over);
  return (asUtc - wholeSecond) / 60_000;
};

/** A wall-clock time as the instant with the same UTC fields, and the zone's offset then. */
export interface ZonedTime {
  /** The wall clock, written as if it were UTC. */
  readonly wallMs: number;
  readonly offsetMinutes: number;
}

export const zonedTimeAt = (ms: number, zone: string): ZonedTime => {
  const offsetMinutes = zoneOffsetMinutes(ms, zone);
  return { wallMs: ms + offsetMinutes * 60_000, offsetMinutes };
};

/**
 * The instant of wall-clock time `wallMs` in `zone`, starting from the offset `guess` (the
 * offset of the time it was reached from), as luxon's fixOffset finds it: in a gap the clocks
 * jumped over, the instant keeps the wall time on the earlier offset.
 */
export const atWallClock = (
  wallMs: number,
  guess: number,
  zone: string,
): ZonedTime & { readonly ms: number } => {
  let ms = wallMs - guess * 60_000;
  const second = zoneOffsetMinutes(ms, zone);
  if (second === guess) return { ms, wallMs, offsetMinutes: guess };
  ms -= (second - guess) * 60_000;
  const third = zoneOffsetMinutes(ms, zone);
  if (second === third) return { ms, wallMs: ms + third * 60_000, offsetMinutes: third };
  const later = Math.max(second, third);
  ms = wallMs - Math.min(second, third) * 60_000;
  return { ms, wallMs: ms + later * 60_000, offsetMinutes: later };
};

/** Midnight starting the wall-clock day of `wallMs`. */
export const startOfWallDay = (wallMs: number): number => Math.floor(wallMs / DAY_MS) * DAY_MS;

export { DAY_MS };
