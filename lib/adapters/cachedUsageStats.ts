import type { Clock } from '../ports/clock';
import { newestGapFirst, type ObservedGap, type RunDuration, type UsageStats } from '../ports/usageStats';

interface Entry<T> {
  readonly value: T;
  /** When it was read: what other containers write is seen at most `ttlMs` later. */
  readonly atMs: number;
}

interface SamplesEntry<T> extends Entry<readonly T[]> {
  /** How many samples were asked for: fewer came back only if the scope holds no more. */
  readonly limit: number;
}

/**
 * Usage statistics read through a per-container cache. The sweep runs every minute over every
 * Available pool; owners' activity, learnt gaps and spend barely move in a few minutes, so
 * they are read once per `ttlMs`. What this container writes goes straight through and is
 * applied to what it holds, as a read right after the write would answer (barring other
 * containers' writes, which it sees at its next read): the write's own facts are known at
 * once, without reading them back.
 */
export class CachedUsageStats implements UsageStats {
  private readonly owners = new Map<string, Entry<number | undefined>>();
  private readonly gaps = new Map<string, SamplesEntry<ObservedGap>>();
  private readonly spend = new Map<string, Entry<number>>();
  private readonly runs = new Map<string, SamplesEntry<RunDuration>>();

  constructor(
    private readonly inner: UsageStats,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  private fresh<T extends Entry<unknown>>(entry: T | undefined): entry is T {
    return entry !== undefined && this.clock.now() - entry.atMs < this.ttlMs;
  }

  async noteSubmission(owner: string, atMs: number): Promise<boolean> {
    const newest = await this.inner.noteSubmission(owner, atMs);
    const known = this.owners.get(owner);
    // Recorded: the stored value is exactly `atMs`, as a read now would say.
    if (newest)
      this.owners.set(owner, { value: atMs, atMs: this.fresh(known) ? known.atMs : this.clock.now() });
    return newest;
  }

  async ownerLastSubmittedAt(owner: string): Promise<number | undefined> {
    const cached = this.owners.get(owner);
    if (this.fresh(cached)) return cached.value;
    const value = await this.inner.ownerLastSubmittedAt(owner);
    this.owners.set(owner, { value, atMs: this.clock.now() });
    return value;
  }

  async addGap(scopeIds: readonly string[], gap: ObservedGap): Promise<void> {
    await this.inner.addGap(scopeIds, gap);
    for (const scopeId of scopeIds) {
      const cached = this.gaps.get(scopeId);
      if (!cached) continue;
      // The same job and instant is the same item, rewritten (a missed reuse resolved).
      const others = cached.value.filter((g) => g.job !== gap.job || g.atMs !== gap.atMs);
      const value = [...others, gap].sort(newestGapFirst);
      // A full list keeps its newest `limit`: an older sample than all of them is not among them.
      this.gaps.set(scopeId, { ...cached, value: value.slice(0, cached.limit) });
    }
  }

  async recentGaps(scopeId: string, limit: number): Promise<ObservedGap[]> {
    const cached = this.gaps.get(scopeId);
    if (this.fresh(cached) && cached.limit >= limit) return cached.value.slice(0, limit);
    const value = await this.inner.recentGaps(scopeId, limit);
    this.gaps.set(scopeId, { value, atMs: this.clock.now(), limit });
    return value;
  }

  async addIdleSpend(team: string, day: string, job: string, usd: number): Promise<number | undefined> {
    const before = await this.inner.addIdleSpend(team, day, job, usd);
    const key = `${team}#${day}`;
    const cached = this.spend.get(key);
    if (cached) this.spend.set(key, { ...cached, value: cached.value - (before ?? 0) + usd });
    return before;
  }

  async idleSpend(team: string, day: string): Promise<number> {
    const key = `${team}#${day}`;
    const cached = this.spend.get(key);
    if (this.fresh(cached)) return cached.value;
    const value = await this.inner.idleSpend(team, day);
    this.spend.set(key, { value, atMs: this.clock.now() });
    return value;
  }

  async addRunDuration(matchKey: string, run: RunDuration): Promise<void> {
    await this.inner.addRunDuration(matchKey, run);
    const cached = this.runs.get(matchKey);
    if (!cached) return;
    const others = cached.value.filter((r) => r.job !== run.job || r.atMs !== run.atMs);
    this.runs.set(matchKey, {
      ...cached,
      value: [...others, run].sort(newestGapFirst).slice(0, cached.limit),
    });
  }

  async recentRunDurations(matchKey: string, limit: number): Promise<RunDuration[]> {
    const cached = this.runs.get(matchKey);
    if (this.fresh(cached) && cached.limit >= limit) return cached.value.slice(0, limit);
    const value = await this.inner.recentRunDurations(matchKey, limit);
    this.runs.set(matchKey, { value, atMs: this.clock.now(), limit });
    return value;
  }
}
