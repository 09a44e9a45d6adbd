import { DateTime } from 'luxon';
import { zoneLabel } from './zoneLabel';

/** A moment as the owner reads it: the time alone when it is today in their zone, else with the day. */
export const formatTime = (atMs: number, zone: string, nowMs: number): string => {
  const time = DateTime.fromMillis(atMs, { zone }).setLocale('en-GB');
  const now = DateTime.fromMillis(nowMs, { zone });
  // hasSame(now, 'day') in one zone, without its start and end of day (a tenth of a notice's rendering).
  const sameDay = time.year === now.year && time.month === now.month && time.day === now.day;
  return `${time.toFormat(sameDay ? 'HH:mm' : 'ccc d LLL, HH:mm')} ${zoneLabel(time)}`;
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
