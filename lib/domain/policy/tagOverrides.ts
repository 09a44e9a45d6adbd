import { formatDuration, parseDuration } from './duration';
import type { PolicyTagKeys, TagPowers } from './policy';

/**
 * What the tags of a pool's head job ask of poolwarden. Tags can only opt a pool out, protect
 * it within its own keep-alive, or shorten the idle limits: none of them can lengthen a limit or
 * lift a cap, and the admin decides per rule which of them are honoured at all.
 */
export interface TagOverrides {
  readonly optOut: boolean;
  readonly protect: boolean;
  /** Already known to be a shortening: applied with `min`, never as a replacement. */
  readonly idleLimitSeconds?: number;
  /** Tags that were set but ignored, and why: recorded in the decision's reason. */
  readonly ignored: readonly string[];
}

/** A flag tag is on unless its value says no: `poolwarden:protect` with an empty value counts. */
const FALSE_VALUES = new Set(['false', 'no', 'off', '0']);

const flagSet = (tags: Readonly<Record<string, string>>, key: string): boolean => {
  const value = tags[key];
  return value !== undefined && !FALSE_VALUES.has(value.trim().toLowerCase());
};

export const readTagOverrides = (
  tags: Readonly<Record<string, string>>,
  keys: PolicyTagKeys,
  powers: TagPowers,
): TagOverrides => {
  const ignored: string[] = [];
  const flag = (key: string, honoured: boolean): boolean => {
    if (!flagSet(tags, key)) return false;
    if (!honoured) ignored.push(`${key} (not allowed by this rule)`);
    return honoured;
  };
  const optOut = flag(keys.optOut, powers.optOut);
  const protect = flag(keys.protect, powers.protect);

  let idleLimitSeconds: number | undefined;
  const rawLimit = tags[keys.idleLimit];
  if (rawLimit !== undefined) {
    const seconds = parseDuration(rawLimit);
    if (!powers.idleLimit) ignored.push(`${keys.idleLimit} (not allowed by this rule)`);
    else if (seconds === undefined) ignored.push(`${keys.idleLimit}=${rawLimit} (not a duration)`);
    else idleLimitSeconds = seconds;
  }
  return { optOut, protect, ...(idleLimitSeconds !== undefined ? { idleLimitSeconds } : {}), ignored };
};

/** The idle limit once a tag has had its say: the shorter of the two; null (no limit) loses to any tag. */
export const shortenIdleLimit = (
  ruleLimitSeconds: number | null,
  tagLimitSeconds?: number,
): number | null => {
  if (tagLimitSeconds === undefined) return ruleLimitSeconds;
  return ruleLimitSeconds === null ? tagLimitSeconds : Math.min(ruleLimitSeconds, tagLimitSeconds);
};

export const describeIdleLimit = (seconds: number | null): string =>
  seconds === null ? 'no idle limit' : formatDuration(seconds);
