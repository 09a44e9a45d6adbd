import type { GapSample } from '../domain/policy/gapDistribution';

/** One idle gap seen on one pool hop: reused after `gapSeconds`, or ended unreused after it. */
export interface ObservedGap extends GapSample {
  readonly job: string;
  readonly atMs: number;
  /**
   * A pool stopped by poolwarden: the gap it would have had is not known yet. The next cold
   * start of its match key rewrites this sample (same job and atMs) with the exact gap.
   */
  readonly unresolved?: boolean;
  /** Of an unresolved sample: every scope it is stored under, so that all are rewritten. */
  readonly scopeIds?: readonly string[];
  /**
   * Written over the sample of a presumed reuse proved wrong (same job and atMs, so it replaces
   * it): it counts for nothing. The hop's sample as SageMaker ended it is written on its own.
   */
  readonly withdrawn?: true;
}

/** A sample kept by job and instant (a gap, a run duration). */
interface TimedSample {
  readonly job: string;
  readonly atMs: number;
}

/**
 * The order `recentGaps` and `recentRunDurations` answer in: newest first, and at one instant by job name, descending
 * (as the table's sort key, `<atMs>#<job>`, orders them).
 */
export const newestGapFirst = (a: TimedSample, b: TimedSample): number =>
  b.atMs - a.atMs || (a.job < b.job ? 1 : a.job > b.job ? -1 : 0);

/**
 * One addGap as the log of gap writes holds it: the sample, every scope it was written under,
 * and the hop's spend when it was written with it (so that a reader follows a team's spend too).
 */
export interface WrittenGap {
  readonly scopeIds: readonly string[];
  readonly gap: ObservedGap;
  readonly spend?: HopSpend;
}

/**
 * A position in the log of gap writes, in the store's own order: a number that only grows
 * (an instant for DynamoDB, a count for the memory store). Only the store compares them.
 */
export type GapLogPosition = number;

/** What a read of the gap log found, and where the next read starts. */
export interface GapLogRead {
  /** Oldest written first; it may repeat writes from before the position (a margin for clock skew). */
  readonly written: readonly WrittenGap[];
  readonly next: GapLogPosition;
  /**
   * The instant the read tells the log as of, when earlier than its answer (one answered from
   * what the store saw before, with no read of its own): what the reader brings up to date from
   * it is as fresh as that instant. Absent: as of the answer.
   */
  readonly asOfMs?: number;
}

/** What one pool hop that ended cost idle, counted for its team on the day it ended (UTC). */
export interface HopSpend {
  readonly team: string;
  readonly day: string;
  readonly job: string;
  readonly usd: number;
}

/** A job submitted by an owner, as the owner's activity counts it. */
export interface OwnerSubmission {
  readonly owner: string;
  readonly atMs: number;
}

/** How long one job of a match key ran, from its creation to its end (the end watch learns from these). */
export interface RunDuration {
  readonly job: string;
  /** When it ended. */
  readonly atMs: number;
  readonly seconds: number;
}

/**
 * What the policies learn from: when owners last submitted a job, the idle gaps between a pool
 * becoming Available and its next use, and idle spend per team and day. Every write is keyed
 * by the job it comes from, so a repeated fact counts once.
 */
export interface UsageStats {
  /** Records that `owner` submitted a job at `atMs`; the latest submission is what counts, in any order. */
  noteSubmission(owner: string, atMs: number): Promise<void>;
  ownerLastSubmittedAt(owner: string): Promise<number | undefined>;
  /**
   * Records one gap under each of its scopes (a hop's gap is learnt per key, owner, team, family)
   * and, when given, the same hop's idle spend: one fact, written together. A hop's spend is
   * kept by job, so writing it again replaces it. `submission`, when given, is recorded as
   * noteSubmission would, in the same request: a warm start tells both (the reused hop's gap
   * and its owner's submission).
   */
  addGap(
    scopeIds: readonly string[],
    gap: ObservedGap,
    spend?: HopSpend,
    submission?: OwnerSubmission,
  ): Promise<void>;
  /**
   * The most recent gaps of a scope, newest first. A cache may answer what it read a few
   * minutes ago; `fresh` asks for every write until now, whichever container made it.
   * A scope's samples are the same array for as long as they are unchanged (a new array when
   * they change), and an array handed out is never mutated: the gap learner's memo keys on it.
   */
  recentGaps(
    scopeId: string,
    limit: number,
    options?: { readonly fresh?: boolean },
  ): Promise<readonly ObservedGap[]>;
  /** Where the gap log ends now, without a request: every addGap from now on lands after it. */
  gapLogPosition(): GapLogPosition;
  /**
   * Every addGap that landed after `from`, so that a reader who holds a scope's samples (or a
   * team's day of spend) can bring them up to date without reading them again. Undefined when
   * `from` is older than the log keeps: read them again.
   */
  gapsWrittenSince(from: GapLogPosition): Promise<GapLogRead | undefined>;
  /** A team's idle spend on a day: the sum of its hops' spend. */
  idleSpend(team: string, day: string): Promise<number>;
  /** The same, hop by hop (by job), so that a reader's sum can follow a later write of one hop. */
  idleSpendByJob(team: string, day: string): Promise<ReadonlyMap<string, number>>;
  /** Records how long a job of `matchKey` ran; the same job and end count once. */
  addRunDuration(matchKey: string, run: RunDuration): Promise<void>;
  /** The most recent run durations of a match key, newest first. */
  recentRunDurations(matchKey: string, limit: number): Promise<RunDuration[]>;
}
