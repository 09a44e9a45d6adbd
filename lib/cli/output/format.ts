import { formatDuration } from '../../domain/policy/duration';

/** Text for people: instants in UTC to the minute, durations, money, aligned tables. */
export const instant = (ms: number | undefined): string =>
  ms === undefined ? '-' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`;

export const duration = (seconds: number | undefined): string =>
  seconds === undefined ? '-' : formatDuration(seconds);

export const usd = (amount: number | undefined): string =>
  amount === undefined ? '?' : `$${amount.toFixed(2)}`;

export const percent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;

/** Columns padded to their widest cell; numbers-like columns are right-aligned when `right` says so. */
export const table = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  right: readonly number[] = [],
): string[] => {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.includes(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
};
