import { isTimeZone } from '../timeZone';
import { atWallClock, DAY_MS, startOfWallDay, zonedTimeAt, zoneOffsetMinutes } from '../zoneClock';
import { WEEKDAYS, type Weekday, type WorkingHoursWindow } from './policy';

/**
 * Working hours are read on each window's own wall clock (IANA zones, zoneClock.ts), never by adding
 * fixed offsets to UTC: a window "08:00-19:00 Europe/Berlin" opens at 07:00 UTC in winter and
 * 06:00 UTC in summer, and on the day the clocks change it follows them.
 */
export interface WorkingHoursStatus {
  readonly inside: boolean;
  /** For the reason text: the wall-clock time in the first window's zone (UTC without windows). */
  readonly localTime: string;
  /** Set when a window would have been open but the day is one of its holidays. */
  readonly holiday?: string;
}

/**
 * The wall clock of a zone at an instant, as the working-hours checks read it. Intl answers in
 * microseconds a call, and a replay asks every minute of weeks: so the zone's UTC offset is asked
 * once per hour (at its first and last millisecond; where the two differ, a change falls inside it,
 * and it is asked for the instant itself; no zone's clocks change twice within an hour) and the
 * wall clock follows by arithmetic. Per hour, not per quarter of an hour: each thread of a
 * 10,000-job whatif asked Intl some 5,000 times, a tenth of a second.
 */
interface WallClock {
  /** 1 = Monday … 7 = Sunday (ISO). */
  readonly weekday: number;
  readonly minuteOfDay: number;
  /** yyyy-MM-dd */
  readonly date: string;
  /** yyyy-MM-dd of the day before (an overnight shift belongs to the day it started on). */
  readonly dayBefore: string;
  readonly weekdayBefore: number;
  /** HH:mm */
  readonly time: string;
}

const SLOT_MS = 60 * 60_000;
const offsets = new Map<string, Map<number, number | null>>();

/** The zone's offset in minutes through the hour holding `nowMs`; null: it changes inside it. */
const slotOffset = (nowMs: number, timeZone: string): number | null => {
  let byZone = offsets.get(timeZone);
  if (!byZone) {
    byZone = new Map();
    offsets.set(timeZone, byZone);
  }
  const slot = Math.floor(nowMs / SLOT_MS);
  let offset = byZone.get(slot);
  if (offset === undefined) {
    const first = zoneOffsetMinutes(slot * SLOT_MS, timeZone);
    const last = zoneOffsetMinutes((slot + 1) * SLOT_MS - 1, timeZone);
    offset = first === last ? first : null;
    if (byZone.size >= 100_000) byZone.clear();
    byZone.set(slot, offset);
  }
  return offset;
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const isoDay = (d: Date): string =>
  `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
const isoWeekday = (d: Date): number => ((d.getUTCDay() + 6) % 7) + 1;

/** The wall clock, or undefined for a zone this runtime does not know. */
const wallClock = (nowMs: number, timeZone: string): WallClock | undefined => {
  if (!isTimeZone(timeZone)) return undefined;
  const offset = slotOffset(nowMs, timeZone) ?? zoneOffsetMinutes(nowMs, timeZone);
  const local = new Date(nowMs + offset * 60_000);
  const before = new Date(local.getTime() - 86_400_000);
  const hour = local.getUTCHours();
  const minute = local.getUTCMinutes();
  return {
    weekday: isoWeekday(local),
    minuteOfDay: hour * 60 + minute,
    date: isoDay(local),
    dayBefore: isoDay(before),
    weekdayBefore: isoWeekday(before),
    time: `${pad2(hour)}:${pad2(minute)}`,
  };
};

/**
 * The wall clock's minute of the day alone, as wallClock gives it (without its date strings):
 * what the search for the next change of working hours reads, at most decisions of a replay.
 */
const minuteOfDayAt = (nowMs: number, timeZone: string): number | undefined => {
  if (!isTimeZone(timeZone)) return undefined;
  const offset = slotOffset(nowMs, timeZone) ?? zoneOffsetMinutes(nowMs, timeZone);
  const local = new Date(nowMs + offset * 60_000);
  return local.getUTCHours() * 60 + local.getUTCMinutes();
};

const weekdayName = (weekday: number): Weekday => WEEKDAYS[weekday - 1] ?? 'mon';

/** A window opens on a day that is one of its days and not one of its holidays. */
const opensOn = (window: WorkingHoursWindow, weekday: number, date: string): boolean =>
  window.days.includes(weekdayName(weekday)) && !window.holidays.includes(date);

const isOvernight = (window: WorkingHoursWindow): boolean => window.endMinute <= window.startMinute;

const insideWindow = (window: WorkingHoursWindow, nowMs: number): boolean => {
  const local = wallClock(nowMs, window.timeZone);
  if (!local) return false;
  const minute = local.minuteOfDay;
  if (!isOvernight(window)) {
    return (
      opensOn(window, local.weekday, local.date) && minute >= window.startMinute && minute < window.endMinute
    );
  }
  // An overnight shift belongs to the day it started on: Friday 22:00-06:00 covers Saturday 05:00.
  return (
    (opensOn(window, local.weekday, local.date) && minute >= window.startMinute) ||
    (opensOn(window, local.weekdayBefore, local.dayBefore) && minute < window.endMinute)
  );
};

/** A holiday that closed one of the windows right now, if any: worth naming in a reason. */
const holidayClosing = (windows: readonly WorkingHoursWindow[], nowMs: number): string | undefined => {
  for (const window of windows) {
    const local = wallClock(nowMs, window.timeZone);
    if (local && window.days.includes(weekdayName(local.weekday)) && window.holidays.includes(local.date))
      return local.date;
  }
  return undefined;
};

const SHORT_WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * Both answers below depend on the minute only, and a sweep (or a replay of one) asks them for
 * many pools at the same minute: the last answers are remembered. Same inputs, same answers.
 */
const minuteOf = (ms: number) => Math.floor(ms / 60_000);
/** By zone, then minute: a lookup builds no key string. */
const described = new Map<string, Map<number, string>>();

export const describeLocalTime = (nowMs: number, timeZone: string): string => {
  let byMinute = described.get(timeZone);
  if (!byMinute) {
    byMinute = new Map();
    described.set(timeZone, byMinute);
  }
  const minute = minuteOf(nowMs);
  const known = byMinute.get(minute);
  if (known !== undefined) return known;
  const local = wallClock(nowMs, timeZone);
  const text = local
    ? `${SHORT_WEEKDAYS[local.weekday - 1]} ${local.date} ${local.time} ${timeZone}`
    : `invalid time zone ${timeZone}`;
  if (byMinute.size >= 4096) byMinute.clear();
  byMinute.set(minute, text);
  return text;
};

const statusAt = new WeakMap<readonly WorkingHoursWindow[], { minute: number; status: WorkingHoursStatus }>();

export const workingHoursAt = (windows: readonly WorkingHoursWindow[], nowMs: number): WorkingHoursStatus => {
  const minute = minuteOf(nowMs);
  const known = statusAt.get(windows);
  if (known && known.minute === minute) return known.status;
  const inside = windows.some((window) => insideWindow(window, nowMs));
  const localTime = describeLocalTime(nowMs, windows[0]?.timeZone ?? 'UTC');
  const holiday = inside ? undefined : holidayClosing(windows, nowMs);
  const status = { inside, localTime, ...(holiday ? { holiday } : {}) };
  statusAt.set(windows, { minute, status });
  return status;
};

/** "HH:MM" for minutes after midnight (1440 is "24:00"). */
export const formatMinuteOfDay = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** The seconds (and milliseconds) into its minute of a wall-clock time, before 1970 too. */
const secondsOfMinute = (wallMs: number): number => ((wallMs % 60_000) + 60_000) % 60_000;

/** When the occurrence of `window` that holds `nowMs` closes (the window must hold it). */
const closingOf = (window: WorkingHoursWindow, nowMs: number): number => {
  const zone = window.timeZone;
  const local = zonedTimeAt(nowMs, zone);
  const minuteOfDay = Math.floor((local.wallMs - startOfWallDay(local.wallMs)) / 60_000);
  // An overnight shift opened today closes tomorrow; one opened yesterday closes today. Each step
  // is wall-clock arithmetic from the offset the last one found, so a DST change in between is
  // followed (luxon's plus, startOf and set, as these were written first).
  const closesOn =
    isOvernight(window) && minuteOfDay >= window.startMinute
      ? atWallClock(local.wallMs + DAY_MS, local.offsetMinutes, zone)
      : local;
  const dayStart = atWallClock(startOfWallDay(closesOn.wallMs), closesOn.offsetMinutes, zone);
  const close =
    window.endMinute >= 1440
      ? atWallClock(dayStart.wallMs + DAY_MS, dayStart.offsetMinutes, zone)
      : atWallClock(
          startOfWallDay(dayStart.wallMs) + window.endMinute * 60_000 + secondsOfMinute(dayStart.wallMs),
          dayStart.offsetMinutes,
          zone,
        );
  return close.ms;
};

/**
 * The end of the working day under way at `nowMs`: when the latest window open now closes.
 * Undefined outside working hours (no window holds `nowMs`).
 */
export const endOfWorkingDay = (
  windows: readonly WorkingHoursWindow[],
  nowMs: number,
): number | undefined => {
  const closes = windows.filter((window) => insideWindow(window, nowMs)).map((w) => closingOf(w, nowMs));
  return closes.length > 0 ? Math.max(...closes) : undefined;
};

/**
 * The first instant after `nowMs` at which `workingHoursAt(windows, …).inside` may change: a
 * window's opening or closing minute, or a midnight (a new day, maybe a holiday), on its own wall
 * clock. `nowMs` itself when a zone's clocks change before then: not worth computing.
 */
export const workingHoursChangeAtMs = (windows: readonly WorkingHoursWindow[], nowMs: number): number => {
  const minuteStartMs = Math.floor(nowMs / 60_000) * 60_000;
  let next = Number.POSITIVE_INFINITY;
  for (const window of windows) {
    const minuteOfDay = minuteOfDayAt(nowMs, window.timeZone);
    // An unknown zone is never inside: nothing changes.
    if (minuteOfDay === undefined) continue;
    let first = Number.POSITIVE_INFINITY;
    let firstMinute = 0;
    for (const minute of [window.startMinute % 1440, window.endMinute % 1440, 0]) {
      const atMs = minuteStartMs + ((minute - minuteOfDay + 1440) % 1440 || 1440) * 60_000;
      if (atMs < first) {
        first = atMs;
        firstMinute = minute;
      }
    }
    // Read on the wall clock then: a different minute means the clocks changed on the way.
    if (minuteOfDayAt(first, window.timeZone) !== firstMinute) return nowMs;
    next = Math.min(next, first);
  }
  return next;
};
