import { DateTime } from 'luxon';

/** One calendar day in a team's time zone. */
export interface LocalDay {
  /** yyyy-MM-dd: also labels the day's random streams. */
  readonly date: string;
  readonly timeZone: string;
  readonly weekend: boolean;
}

/** Every local day that overlaps [startMs, endMs) in the time zone. */
export const localDays = (startMs: number, endMs: number, timeZone: string): LocalDay[] => {
  const days: LocalDay[] = [];
  let day = DateTime.fromMillis(startMs, { zone: timeZone }).startOf('day');
  if (!day.isValid) throw new RangeError(`unknown time zone ${timeZone}`);
  while (day.toMillis() < endMs) {
    days.push({ date: day.toISODate() ?? '', timeZone, weekend: day.weekday >= 6 });
    day = day.plus({ days: 1 });
  }
  return days;
};

/**
 * The instant at a wall-clock time of a local day. Hours may be fractional and go past 24 (the
 * small hours of the next day); on a daylight-saving day the wall clock is what people keep.
 */
export const atLocalTime = (day: LocalDay, hours: number): number => {
  const extraDays = Math.floor(hours / 24);
  const secondsIntoDay = Math.round((hours - extraDays * 24) * 3600);
  return DateTime.fromISO(day.date, { zone: day.timeZone })
    .plus({ days: extraDays })
    .set({
      hour: Math.floor(secondsIntoDay / 3600),
      minute: Math.floor((secondsIntoDay % 3600) / 60),
      second: secondsIntoDay % 60,
    })
    .toMillis();
};

/** The wall-clock hour (fractional) of an instant in a time zone. */
export const localHour = (ms: number, timeZone: string): number => {
  const time = DateTime.fromMillis(ms, { zone: timeZone });
  return time.hour + time.minute / 60 + time.second / 3600;
};
