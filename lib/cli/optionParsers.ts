import { InvalidArgumentError } from 'commander';
import { isIsoCalendarDate } from '../domain/calendarDate';
import { parseDuration } from '../domain/policy/duration';

export const wholeNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
  return n;
};

/** `--port 4566`: a TCP port (0: any free one). */
export const tcpPort = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`);
  return n;
};

export const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive number, got "${value}"`);
  return n;
};

/** `--waiting-value 60`: what an hour of a person waiting is worth, in USD (an empty value is not 0). */
export const usdPerHour = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError(`expected USD per hour (a number ≥ 0), got "${value}"`);
  return n;
};

/** `--drop 0.1`: a share, from 0 to 1. */
export const rate = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError(`expected a rate between 0 and 1, like 0.1, got "${value}"`);
  return n;
};

/** `--since 7d` (a duration before now) or `--since 2026-03-01` (an instant, ISO-8601). */
export type Since = { readonly agoSeconds: number } | { readonly atMs: number };

export const since = (value: string): Since => {
  const seconds = parseDuration(value);
  if (seconds !== undefined && /[smhd]\s*$/i.test(value.trim())) return { agoSeconds: seconds };
  const at = Date.parse(value);
  // Date.parse rolls a day the month does not have into the next month (2026-02-30: 2026-03-02).
  if (isIsoCalendarDate(value.slice(0, 10)) && Number.isFinite(at)) return { atMs: at };
  throw new InvalidArgumentError(
    `expected a duration like 7d or 12h, or a date like 2026-03-01, got "${value}"`,
  );
};

export const resolveSince = (value: Since, nowMs: number): number =>
  'atMs' in value ? value.atMs : nowMs - value.agoSeconds * 1000;

/** `--by 30m`: a positive duration, in seconds. */
export const positiveDuration = (value: string): number => {
  const seconds = parseDuration(value);
  if (seconds === undefined || seconds <= 0)
    throw new InvalidArgumentError(`expected a duration like 30m or 1h, got "${value}"`);
  return seconds;
};
