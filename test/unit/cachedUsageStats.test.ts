import { describe, expect, it } from 'vitest';
import { CachedUsageStats } from '../../lib/adapters/cachedUsageStats';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { ObservedGap, UsageStats } from '../../lib/ports/usageStats';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');

/** The memory store, counting the reads that reach it. */
class CountingStats extends MemoryUsageStats {
  reads = 0;
  override async ownerLastSubmittedAt(owner: string) {
    this.reads++;
    return super.ownerLastSubmittedAt(owner);
  }
  override async recentGaps(scopeId: string, limit: number) {
    this.reads++;
    return super.recentGaps(scopeId, limit);
  }
  override async idleSpend(team: string, day: string) {
    this.reads++;
    return super.idleSpend(team, day);
  }
}

const setup = () => {
  let now = T0;
  const store = new CountingStats();
  const cached = new CachedUsageStats(store, { now: () => now }, 5 * MIN);
  return { store, cached, advance: (ms: number) => (now += ms) };
};

const gap = (job: string, atMs: number, gapSeconds = 60): ObservedGap => ({
  job,
  atMs,
  gapSeconds,
  reused: true,
});

/** Everything a reader could ask, through the cache and from the store itself. */
const views = async (stats: UsageStats, limit: number) => ({
  gaps: await stats.recentGaps('matchKey:k', limit),
  owner: await stats.ownerLastSubmittedAt('alice'),
  spend: await stats.idleSpend('vision', '2026-03-02'),
});

describe('the per-container usage statistics cache', () => {
  it("answers after this container's own writes as the store does, without reading them back", async () => {
    const { store, cached } = setup();
    await store.addGap(['matchKey:k'], gap('j1', T0 - 3 * MIN));
    await store.addIdleSpend('vision', '2026-03-02', 'j1', 1.5);
    await views(cached, 3);
    const reads = store.reads;

    await cached.addGap(['matchKey:k'], gap('j3', T0 - MIN));
    await cached.addGap(['matchKey:k'], gap('j2', T0 - 2 * MIN));
    await cached.addGap(['matchKey:k'], gap('j0', T0 - 4 * MIN)); // older than the newest 3: not among them
    await cached.addGap(['matchKey:k'], gap('j3', T0 - MIN, 90)); // the same sample rewritten
    expect(await cached.noteSubmission('alice', T0)).toBe(true);
    expect(await cached.noteSubmission('alice', T0 - MIN)).toBe(false);
    expect(await cached.addIdleSpend('vision', '2026-03-02', 'j2', 2)).toBeUndefined();
    expect(await cached.addIdleSpend('vision', '2026-03-02', 'j1', 1.5)).toBe(1.5); // counted once

    expect(await views(cached, 3)).toEqual(await views(store, 3));
    expect(store.reads - reads).toBe(3); // the store's own answers above, none through the cache
    expect((await cached.recentGaps('matchKey:k', 3)).map((g) => [g.job, g.gapSeconds])).toEqual([
      ['j3', 90],
      ['j2', 60],
      ['j1', 60],
    ]);
  });

  it("sees another container's writes once what it read is older than its time to live", async () => {
    const { store, cached, advance } = setup();
    await views(cached, 3);
    await store.addGap(['matchKey:k'], gap('other', T0));
    await store.noteSubmission('alice', T0);
    advance(4 * MIN);
    expect((await cached.recentGaps('matchKey:k', 3)).length).toBe(0);
    expect(await cached.ownerLastSubmittedAt('alice')).toBeUndefined();
    advance(MIN);
    expect(await views(cached, 3)).toEqual(await views(store, 3));
    // A longer list than was read is read again.
    const reads = store.reads;
    await cached.recentGaps('matchKey:k', 10);
    expect(store.reads).toBe(reads + 1);
  });
});

describe('cached run durations', () => {
  it('reads a key once per period and knows its own writes at once, newest first', async () => {
    let now = T0;
    const store = new MemoryUsageStats();
    let reads = 0;
    const counting: UsageStats = Object.assign(Object.create(store) as UsageStats, {
      recentRunDurations: async (key: string, limit: number) => {
        reads++;
        return store.recentRunDurations(key, limit);
      },
    });
    const cached = new CachedUsageStats(counting, { now: () => now }, 5 * MIN);
    await store.addRunDuration('k', { job: 'j1', atMs: T0 - MIN, seconds: 1200 });
    expect(await cached.recentRunDurations('k', 2)).toEqual([{ job: 'j1', atMs: T0 - MIN, seconds: 1200 }]);
    await cached.addRunDuration('k', { job: 'j2', atMs: T0, seconds: 1500 });
    await cached.addRunDuration('k', { job: 'j3', atMs: T0 + 1, seconds: 1300 });
    expect((await cached.recentRunDurations('k', 2)).map((r) => r.job)).toEqual(['j3', 'j2']);
    expect(reads).toBe(1);
    now += 5 * MIN;
    expect((await cached.recentRunDurations('k', 2)).map((r) => r.job)).toEqual(['j3', 'j2']);
    expect(reads).toBe(2);
  });
});
