/**
 * Durations as people write them in a policy or a tag ("90s", "30m", "1h30m", "1.5h", "2d", or
 * a bare number of seconds), and back to text for the reasons recorded with every decision.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

const BARE_SECONDS = /^\d+(?:\.\d+)?$/;
const WITH_UNITS = /^(?:\d+(?:\.\d+)?\s*[smhd]\s*)+$/;
const PART = /(\d+(?:\.\d+)?)\s*([smhd])/g;

/** Seconds, or undefined when the input is not a non-negative duration. */
export const parseDuration = (input: string | number): number | undefined => {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  const text = input.trim().toLowerCase();
  if (BARE_SECONDS.test(text)) return Math.round(Number(text));
  if (!WITH_UNITS.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART))
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? 0);
  return Math.round(seconds);
};

/** "45s", "12m", "1h 30m", "2d 3h": the two largest units, which is what a reader needs. */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return 'forever';
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.round(Math.abs(seconds));
  if (rest < 60) return `${sign}${rest}s`;
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || parts.length > 0) parts.push(`${amount}${unit}`);
    if (parts.length === 2) break;
  }
  return sign + parts.filter((p) => !p.startsWith('0')).join(' ');
};

export const formatUsd = (usd: number): string => `$${usd.toFixed(2)}`;
