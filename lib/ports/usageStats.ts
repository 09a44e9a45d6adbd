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
}

/**
 * What the policies learn from: when owners last submitted a job, the idle gaps between a pool
 * becoming Available and its next use, and idle spend per team and day. Every write is keyed
 * by the job it comes from, so a repeated fact counts once.
 */
export interface UsageStats {
  noteSubmission(owner: string, atMs: number): Promise<void>;
  ownerLastSubmittedAt(owner: string): Promise<number | undefined>;
  addGap(scopeId: string, gap: ObservedGap): Promise<void>;
  /** The most recent gaps of a scope, newest first. */
  recentGaps(scopeId: string, limit: number): Promise<ObservedGap[]>;
  /** Idle spend of a pool hop that ended, counted on the day it ended (UTC). */
  addIdleSpend(team: string, day: string, job: string, usd: number): Promise<void>;
  idleSpend(team: string, day: string): Promise<number>;
}
