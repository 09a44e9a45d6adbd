/**
 * Durations as people write them in a policy or a tag ("90s", "30m", "1h30m", "1.5h", "2d", or
 * a bare number of seconds), and back to text for the reasons recorded with every decision.
 */
const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

const BARE_SECONDS = /^\d+(?:\.\d+)?$/;
const WITH_UNITS = /^(?:\d+(?:\.\d+)?\s*[smhd]\s*)+$/;
const PART = /(\d+(?:\.\d+)?)\s*([smhd])/g;

/** Seconds, or undefined when the input is not a non-negative duration (nor a finite one). */
export const parseDuration = (input: string | number): number | undefined => {
  const seconds = secondsOf(input);
  return seconds !== undefined && Number.isFinite(seconds) ? seconds : undefined;
};

const secondsOf = (input: string | number): number | undefined => {
  if (typeof input === 'number') return input >= 0 ? Math.round(input) : undefined;
  const text = input.trim().toLowerCase();
  if (BARE_SECONDS.test(text)) return Math.round(Number(text));
  if (!WITH_UNITS.test(text)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART))
    seconds += Number(amount) * (UNIT_SECONDS[unit ?? ''] ?? 0);
  return Math.round(seconds);
};

const UNITS = ['d', 'h', 'm', 's'] as const;
const UNIT_SIZES = [86_400, 3600, 60, 1] as const;

/**
 * "45s", "12m", "1h 30m", "2d 3h": the two largest units, which is what a reader needs (the
 * second left out when it is 0). Arithmetic only: every decision's reason formats a few.
 */
export const formatDuration = (seconds: number): string => {
  if (!Number.isFinite(seconds)) return 'forever';
  const sign = seconds < 0 ? '-' : '';
  const rest = Math.round(Math.abs(seconds));
  if (rest < 60) return `${sign}${rest}s`;
  // From 60 s on, the largest unit is days, hours or minutes, and a smaller one follows it.
  let unit = 0;
  while (rest < (UNIT_SIZES[unit] as number)) unit++;
  const size = UNIT_SIZES[unit] as number;
  const nextSize = UNIT_SIZES[unit + 1] as number;
  const amount = Math.floor(rest / size);
  const next = Math.floor((rest - amount * size) / nextSize);
  const first = `${sign}${amount}${UNITS[unit]}`;
  return next > 0 ? `${first} ${next}${UNITS[unit + 1]}` : first;
};

export const formatUsd = (usd: number): string => `$${usd.toFixed(2)}`;
