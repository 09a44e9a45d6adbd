import { DateTime } from 'luxon';
import { WEEKDAYS, type Weekday, type WorkingHoursWindow } from './policy';

/**
 * Working hours are read on each window's own wall clock (luxon, IANA zones), never by adding
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

const localAt = (nowMs: number, timeZone: string): DateTime =>
  DateTime.fromMillis(nowMs, { zone: timeZone, locale: 'en-GB' });

const weekdayOf = (local: DateTime): Weekday => WEEKDAYS[local.weekday - 1] ?? 'mon';

const minuteOfDay = (local: DateTime): number => local.hour * 60 + local.minute;

/** A window opens on a day that is one of its days and not one of its holidays. */
const opensOn = (window: WorkingHoursWindow, day: DateTime): boolean =>
  window.days.includes(weekdayOf(day)) && !window.holidays.includes(day.toISODate() ?? '');

const isOvernight = (window: WorkingHoursWindow): boolean => window.endMinute <= window.startMinute;

const insideWindow = (window: WorkingHoursWindow, nowMs: number): boolean => {
  const local = localAt(nowMs, window.timeZone);
  if (!local.isValid) return false;
  const minute = minuteOfDay(local);
  if (!isOvernight(window)) {
    return opensOn(window, local) && minute >= window.startMinute && minute < window.endMinute;
  }
  // An overnight shift belongs to the day it started on: Friday 22:00-06:00 covers Saturday 05:00.
  return (
    (opensOn(window, local) && minute >= window.startMinute) ||
    (opensOn(window, local.minus({ days: 1 })) && minute < window.endMinute)
  );
};

/** A holiday that closed one of the windows right now, if any: worth naming in a reason. */
const holidayClosing = (windows: readonly WorkingHoursWindow[], nowMs: number): string | undefined => {
  for (const window of windows) {
    const local = localAt(nowMs, window.timeZone);
    const date = local.toISODate();
    if (date && window.days.includes(weekdayOf(local)) && window.holidays.includes(date)) return date;
  }
  return undefined;
};

/**
 * Both answers below depend on the minute only, and a sweep (or a replay of one) asks them for
 * many pools at the same minute: the last answers are remembered. Same inputs, same answers.
 */
const minuteOf = (ms: number) => Math.floor(ms / 60_000);
const described = new Map<string, string>();

export const describeLocalTime = (nowMs: number, timeZone: string): string => {
  const key = `${timeZone}|${minuteOf(nowMs)}`;
  const known = described.get(key);
  if (known !== undefined) return known;
  const local = localAt(nowMs, timeZone);
  const text = local.isValid
    ? `${local.toFormat('ccc yyyy-MM-dd HH:mm')} ${timeZone}`
    : `invalid time zone ${timeZone}`;
  if (described.size >= 4096) described.clear();
  described.set(key, text);
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

/** When the occurrence of `window` that holds `nowMs` closes (the window must hold it). */
const closingOf = (window: WorkingHoursWindow, nowMs: number): number => {
  const local = localAt(nowMs, window.timeZone);
  // An overnight shift opened today closes tomorrow; one opened yesterday closes today.
  const closesOn =
    isOvernight(window) && minuteOfDay(local) >= window.startMinute ? local.plus({ days: 1 }) : local;
  // Wall-clock arithmetic (set, plus days), so that a DST change in between is followed.
  const close =
    window.endMinute >= 1440
      ? closesOn.startOf('day').plus({ days: 1 })
      : closesOn
          .startOf('day')
          .set({ hour: Math.floor(window.endMinute / 60), minute: window.endMinute % 60 });
  return close.toMillis();
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
