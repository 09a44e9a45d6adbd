import type {
  GapLogPosition,
  GapLogRead,
  HopSpend,
  ObservedGap,
  OwnerSubmission,
  RunDuration,
  UsageStats,
  WrittenGap,
} from '../../ports/usageStats';
import { TimedSamples } from './timedSamples';

/** Usage statistics in memory, with DynamoUsageStats' rules; for tests and the benchmarks. */
export class MemoryUsageStats implements UsageStats {
  private readonly lastSubmitted = new Map<string, number>();
  private readonly gaps = new Map<string, TimedSamples<ObservedGap>>();
  /** Every addGap in order: a position is how many came before (writes here are instant and ordered). */
  private readonly gapLog: WrittenGap[] = [];
  private readonly spend = new Map<string, Map<string, number>>();
  private readonly runs = new Map<string, TimedSamples<RunDuration>>();

  async noteSubmission(owner: string, atMs: number): Promise<void> {
    if ((this.lastSubmitted.get(owner) ?? Number.NEGATIVE_INFINITY) < atMs)
      this.lastSubmitted.set(owner, atMs);
  }

  async ownerLastSubmittedAt(owner: string): Promise<number | undefined> {
    return this.lastSubmitted.get(owner);
  }

  async addGap(
    scopeIds: readonly string[],
    gap: ObservedGap,
    spend?: HopSpend,
    submission?: OwnerSubmission,
  ): Promise<void> {
    if (submission) await this.noteSubmission(submission.owner, submission.atMs);
    if (spend) await this.addIdleSpend(spend.team, spend.day, spend.job, spend.usd);
    if (scopeIds.length > 0 || spend)
      this.gapLog.push({ scopeIds: [...new Set(scopeIds)], gap, ...(spend ? { spend } : {}) });
    for (const scopeId of scopeIds) {
      const scope = this.gaps.get(scopeId) ?? new TimedSamples<ObservedGap>();
      scope.set(gap);
      this.gaps.set(scopeId, scope);
    }
  }

  async recentGaps(scopeId: string, limit: number): Promise<ObservedGap[]> {
    return this.gaps.get(scopeId)?.newest(limit) ?? [];
  }

  gapLogPosition(): GapLogPosition {
    return this.gapLog.length;
  }

  async gapsWrittenSince(from: GapLogPosition): Promise<GapLogRead> {
    return { written: this.gapLog.slice(from), next: this.gapLog.length };
  }

  async addIdleSpend(team: string, day: string, job: string, usd: number): Promise<number | undefined> {
    const key = `${team}#${day}`;
    const jobs = this.spend.get(key) ?? new Map<string, number>();
    const before = jobs.get(job);
    jobs.set(job, usd);
    this.spend.set(key, jobs);
    return before;
  }

  async idleSpend(team: string, day: string): Promise<number> {
    return [...(this.spend.get(`${team}#${day}`)?.values() ?? [])].reduce((a, b) => a + b, 0);
  }

  async idleSpendByJob(team: string, day: string): Promise<ReadonlyMap<string, number>> {
    return new Map(this.spend.get(`${team}#${day}`));
  }

  async addRunDuration(matchKey: string, run: RunDuration): Promise<void> {
    const runs = this.runs.get(matchKey) ?? new TimedSamples<RunDuration>();
    runs.set(run);
    this.runs.set(matchKey, runs);
  }

  async recentRunDurations(matchKey: string, limit: number): Promise<RunDuration[]> {
    return this.runs.get(matchKey)?.newest(limit) ?? [];
  }
}
