import type { Clock } from '../ports/clock';
import type { ObservedGap, UsageStats } from '../ports/usageStats';

interface Entry<T> {
  readonly value: T;
  readonly atMs: number;
}

/**
 * Usage statistics read through a per-container cache. The sweep runs every minute over every
 * Available pool; owners' activity, learnt gaps and spend barely move in a few minutes, so
 * reading them once per `ttlMs` (and keeping what this container writes) saves most of the
 * reads. Writes go straight through.
 */
export class CachedUsageStats implements UsageStats {
  private readonly owners = new Map<string, Entry<number | undefined>>();
  private readonly gaps = new Map<string, Entry<ObservedGap[]>>();
  private readonly spend = new Map<string, Entry<number>>();

  constructor(
    private readonly inner: UsageStats,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  private fresh<T>(entry: Entry<T> | undefined): entry is Entry<T> {
    return entry !== undefined && this.clock.now() - entry.atMs < this.ttlMs;
  }

  async noteSubmission(owner: string, atMs: number): Promise<void> {
    await this.inner.noteSubmission(owner, atMs);
    const known = this.owners.get(owner);
    if (known && (known.value ?? Number.NEGATIVE_INFINITY) < atMs)
      this.owners.set(owner, { value: atMs, atMs: known.atMs });
  }

  async ownerLastSubmittedAt(owner: string): Promise<number | undefined> {
    const cached = this.owners.get(owner);
    if (this.fresh(cached)) return cached.value;
    const value = await this.inner.ownerLastSubmittedAt(owner);
    this.owners.set(owner, { value, atMs: this.clock.now() });
    return value;
  }

  async addGap(scopeId: string, gap: ObservedGap): Promise<void> {
    await this.inner.addGap(scopeId, gap);
    this.gaps.delete(scopeId);
  }

  async recentGaps(scopeId: string, limit: number): Promise<ObservedGap[]> {
    const cached = this.gaps.get(scopeId);
    if (this.fresh(cached) && cached.value.length >= Math.min(limit, cached.value.length)) {
      return cached.value.slice(0, limit);
    }
    const value = await this.inner.recentGaps(scopeId, limit);
    this.gaps.set(scopeId, { value, atMs: this.clock.now() });
    return value;
  }

  async addIdleSpend(team: string, day: string, job: string, usd: number): Promise<void> {
    await this.inner.addIdleSpend(team, day, job, usd);
    this.spend.delete(`${team}#${day}`);
  }

  async idleSpend(team: string, day: string): Promise<number> {
    const key = `${team}#${day}`;
    const cached = this.spend.get(key);
    if (this.fresh(cached)) return cached.value;
    const value = await this.inner.idleSpend(team, day);
    this.spend.set(key, { value, atMs: this.clock.now() });
    return value;
  }
}
