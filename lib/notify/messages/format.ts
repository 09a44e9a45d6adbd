import { zonedTimeAt } from '../../domain/zoneClock';
import { zoneLabel } from './zoneLabel';

/**
 * Short weekday and month names as the owner reads them (en-GB, through Intl: September is
 * "Sept"), made once: Monday first, January first.
 */
let shortNames: { readonly weekdays: readonly string[]; readonly months: readonly string[] } | undefined;

const namesOf = (options: Intl.DateTimeFormatOptions, field: string, dates: readonly number[]) => {
  const formatter = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  return dates.map((ms) => formatter.formatToParts(ms).find((p) => p.type === field)?.value ?? '');
};

const names = () => {
  shortNames ??= {
    // 14 November 2016 was a Monday.
    weekdays: namesOf(
      { weekday: 'short' },
      'weekday',
      [14, 15, 16, 17, 18, 19, 20].map((d) => Date.UTC(2016, 10, d)),
    ),
    months: namesOf(
      { month: 'short' },
      'month',
      Array.from({ length: 12 }, (_, m) => Date.UTC(2009, m, 1)),
    ),
  };
  return shortNames;
};

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A moment as the owner reads it: the time alone when it is today in their zone, else with the day. */
export const formatTime = (atMs: number, zone: string, nowMs: number): string => {
  const time = new Date(zonedTimeAt(atMs, zone).wallMs);
  const now = new Date(zonedTimeAt(nowMs, zone).wallMs);
  const sameDay =
    time.getUTCFullYear() === now.getUTCFullYear() &&
    time.getUTCMonth() === now.getUTCMonth() &&
    time.getUTCDate() === now.getUTCDate();
  const clock = `${pad2(time.getUTCHours())}:${pad2(time.getUTCMinutes())}`;
  const { weekdays, months } = names();
  const day = `${weekdays[(time.getUTCDay() + 6) % 7]} ${time.getUTCDate()} ${months[time.getUTCMonth()]}`;
  return `${sameDay ? clock : `${day}, ${clock}`} ${zoneLabel(atMs, zone)}`;
};

/** Short, for a phone: `45 s`, `12 min`, `2 h 03 min`, `3 d 4 h`. */
export const formatDuration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
};

/** `in 45 min` or `12 min ago`. */
export const formatRelative = (atMs: number, nowMs: number): string => {
  const seconds = (atMs - nowMs) / 1000;
  return seconds >= 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
};
