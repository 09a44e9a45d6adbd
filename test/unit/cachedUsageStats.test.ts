import { describe, expect, it } from 'vitest';
import { CachedUsageStats } from '../../lib/adapters/cachedUsageStats';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { ObservedGap, UsageStats } from '../../lib/ports/usageStats';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');

/** The memory store, counting the reads that reach it. */
class CountingStats extends MemoryUsageStats {
  reads = 0;
  logReads = 0;
  override async gapsWrittenSince(from: number) {
    this.logReads++;
    return super.gapsWrittenSince(from);
  }
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
  override async idleSpendByJob(team: string, day: string) {
    this.reads++;
    return super.idleSpendByJob(team, day);
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
    await cached.noteSubmission('alice', T0);
    await cached.noteSubmission('alice', T0 - MIN);
    const spend = (job: string, usd: number) => ({ team: 'vision', day: '2026-03-02', job, usd });
    await cached.addGap([], gap('j2', T0 - 2 * MIN), spend('j2', 2));
    await cached.addGap([], gap('j1', T0 - 3 * MIN), spend('j1', 1.5)); // counted once

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

describe("a scope's samples as one array while they are unchanged (the learner's memo keys on it)", () => {
  it('answers the same array until a sample comes, through its own writes and the log', async () => {
    const { store, cached, advance } = setup();
    await store.addGap(['matchKey:k', 'team:t'], gap('j1', T0 - 3 * MIN));
    const first = await cached.recentGaps('matchKey:k', 100);
    expect(await cached.recentGaps('matchKey:k', 100)).toBe(first);
    await cached.addGap(['matchKey:k'], gap('j2', T0 - 2 * MIN));
    const second = await cached.recentGaps('matchKey:k', 100);
    expect(second).not.toBe(first);
    expect(second.map((g) => g.job)).toEqual(['j2', 'j1']);
    // Stale, brought up to date from a log that holds nothing of this scope: still the same array.
    await store.addGap(['team:t'], gap('elsewhere', T0));
    advance(5 * MIN);
    expect(await cached.recentGaps('matchKey:k', 100)).toBe(second);
    await store.addGap(['matchKey:k'], gap('j3', T0));
    advance(5 * MIN);
    expect((await cached.recentGaps('matchKey:k', 100)).map((g) => g.job)).toEqual(['j3', 'j2', 'j1']);
    // Fewer asked than it holds: the newest of them.
    expect((await cached.recentGaps('matchKey:k', 2)).map((g) => g.job)).toEqual(['j3', 'j2']);
  });
});

describe('learnt gaps brought up to date from the log', () => {
  const scopes = ['matchKey:k', 'owner:o', 'team:t'];
  const placeholder = (job: string, atMs: number): ObservedGap => ({
    job,
    atMs,
    gapSeconds: 30,
    reused: false,
    unresolved: true,
    scopeIds: scopes,
  });
  const all = (stats: UsageStats) => Promise.all(scopes.map((s) => stats.recentGaps(s, 3)));

  it('reads the log once for every stale scope, never a scope again, and answers as the store', async () => {
    const { store, cached, advance } = setup();
    for (let i = 0; i < 5; i++) await store.addGap(scopes, gap(`old${i}`, T0 - (10 - i) * MIN));
    await all(cached);
    const reads = store.reads;
    await store.addGap(scopes, gap('new', T0));
    await store.addGap(['team:t'], gap('teamOnly', T0 + 1));
    await store.addGap(scopes, gap('old4', T0 - 6 * MIN, 99)); // rewritten by another container
    advance(5 * MIN);
    const seen = await all(cached);
    expect(store.reads).toBe(reads);
    expect(store.logReads).toBe(1);
    expect(seen).toEqual(await all(store));
    // Fresh again: no read at all until the next period.
    advance(4 * MIN);
    await all(cached);
    expect(store.logReads).toBe(1);
  });

  it('counts a write once, whether it arrives as its own write, in the log, or twice in the log', async () => {
    const { store, cached, advance } = setup();
    await all(cached);
    await cached.addGap(scopes, gap('mine', T0));
    await store.addGap(scopes, gap('theirs', T0));
    await store.addGap(scopes, gap('theirs', T0));
    advance(5 * MIN);
    expect((await cached.recentGaps('owner:o', 3)).map((g) => g.job)).toEqual(['theirs', 'mine']);
    expect(await all(cached)).toEqual(await all(store));
  });

  it('resolves a placeholder another container wrote, whichever of the two it sees first', async () => {
    const { store, cached, advance } = setup();
    await store.addGap(scopes, placeholder('stopped', T0 - MIN));
    await all(cached);
    // Resolved by another container: the cache learns the exact gap at its next look.
    await store.addGap(scopes, gap('stopped', T0 - MIN, 400));
    advance(5 * MIN);
    expect(await all(cached)).toEqual(await all(store));
    expect((await cached.recentGaps('team:t', 1))[0]).toEqual(gap('stopped', T0 - MIN, 400));

    // Written and resolved elsewhere between two looks: the log hands over both, in order.
    await store.addGap(scopes, placeholder('stopped2', T0 + MIN));
    await store.addGap(scopes, gap('stopped2', T0 + MIN, 300));
    advance(5 * MIN);
    expect((await cached.recentGaps('matchKey:k', 1))[0]).toEqual(gap('stopped2', T0 + MIN, 300));
  });

  it('keeps its own resolution when the log hands the placeholder over again', async () => {
    let now = T0;
    const store = new MemoryUsageStats();
    const clock = { now: () => now };
    // A store whose log repeats everything since the start, as a margin for clock skew would.
    const overlapping: UsageStats = Object.assign(Object.create(store) as UsageStats, {
      gapsWrittenSince: async () => store.gapsWrittenSince(0),
    });
    const cached = new CachedUsageStats(overlapping, clock, 5 * MIN);
    const other = new CachedUsageStats(overlapping, clock, 5 * MIN);
    await cached.recentGaps('matchKey:k', 3);
    await other.addGap(scopes, placeholder('stopped', T0 - MIN));
    await cached.addGap(scopes, gap('stopped', T0 - MIN, 400));
    now += 5 * MIN;
    expect(await cached.recentGaps('matchKey:k', 3)).toEqual([gap('stopped', T0 - MIN, 400)]);
    now += 5 * MIN;
    expect(await cached.recentGaps('matchKey:k', 3)).toEqual([gap('stopped', T0 - MIN, 400)]);
  });

  it('reads a scope first seen after the log started, and applies only what came after it', async () => {
    const { store, cached, advance } = setup();
    await cached.recentGaps('matchKey:k', 3);
    await store.addGap(scopes, gap('a', T0));
    advance(5 * MIN);
    await cached.recentGaps('matchKey:k', 3); // the log now holds 'a'
    await store.addGap(scopes, gap('b', T0 + 5 * MIN));
    const before = store.reads;
    expect((await cached.recentGaps('owner:o', 3)).map((g) => g.job)).toEqual(['b', 'a']);
    expect(store.reads).toBe(before + 1);
    await store.addGap(scopes, gap('c', T0 + 6 * MIN));
    advance(5 * MIN);
    expect(await all(cached)).toEqual(await all(store));
  });
});

describe("a team's idle spend brought up to date from the log", () => {
  const spend = (job: string, usd: number, day = '2026-03-02') => ({ team: 'vision', day, job, usd });
  const spendView = async (stats: UsageStats) => ({
    sum: await stats.idleSpend('vision', '2026-03-02'),
    byJob: await stats.idleSpendByJob('vision', '2026-03-02'),
  });

  it('reads a day of spend once; later the log read that serves the gaps serves it too', async () => {
    const { store, cached, advance } = setup();
    await store.addGap(['matchKey:k'], gap('j1', T0 - 3 * MIN), spend('j1', 1.5));
    await cached.recentGaps('matchKey:k', 3);
    await cached.idleSpend('vision', '2026-03-02');
    const reads = store.reads;
    // Another container's hops: one new, one written again, one of another day.
    await store.addGap(['matchKey:k'], gap('j2', T0), spend('j2', 2));
    await store.addGap(['matchKey:k'], gap('j1', T0 - 3 * MIN), spend('j1', 1.5));
    await store.addGap([], gap('j3', T0 + 1), spend('j3', 7, '2026-03-03'));
    advance(4 * MIN);
    expect(await cached.idleSpend('vision', '2026-03-02')).toBe(1.5); // fresh: what it read
    advance(MIN);
    // Asked together, as a sweep asks for what it reads.
    const [gaps, spent] = await Promise.all([cached.recentGaps('matchKey:k', 3), spendView(cached)]);
    expect(spent).toEqual(await spendView(store));
    expect(gaps).toEqual(await store.recentGaps('matchKey:k', 3));
    expect(store.reads - reads).toBe(3); // the store's own answers above, none through the cache
    expect(store.logReads).toBe(1);
  });

  it('reads the spend again when the log no longer reaches back to its last look', async () => {
    let now = T0;
    let spendReads = 0;
    const store = new MemoryUsageStats();
    const forgetful: UsageStats = Object.assign(Object.create(store) as UsageStats, {
      gapsWrittenSince: async () => undefined,
      idleSpendByJob: async (team: string, day: string) => {
        spendReads++;
        return store.idleSpendByJob(team, day);
      },
    });
    const cached = new CachedUsageStats(forgetful, { now: () => now }, 5 * MIN);
    expect(await cached.idleSpend('vision', '2026-03-02')).toBe(0);
    await store.addGap(['matchKey:k'], gap('j2', T0), spend('j2', 2));
    now += 5 * MIN;
    expect(await cached.idleSpend('vision', '2026-03-02')).toBe(2);
    expect(spendReads).toBe(2);
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

describe('writes the store would refuse or repeat as they stand are not sent', () => {
  const counted = () => {
    const store = new MemoryUsageStats();
    const sent = { submissions: 0, runs: 0 };
    const counting: UsageStats = Object.assign(Object.create(store) as UsageStats, {
      noteSubmission: async (owner: string, atMs: number) => {
        sent.submissions++;
        return store.noteSubmission(owner, atMs);
      },
      addRunDuration: async (key: string, run: { job: string; atMs: number; seconds: number }) => {
        sent.runs++;
        return store.addRunDuration(key, run);
      },
    });
    return { store, sent, cached: new CachedUsageStats(counting, { now: () => T0 }, 5 * MIN) };
  };

  it('sends no submission it knows the store holds as late already', async () => {
    const { store, sent, cached } = counted();
    await cached.noteSubmission('alice', T0);
    await cached.noteSubmission('alice', T0); // a duplicate start
    await cached.noteSubmission('alice', T0 - MIN); // a late one
    expect(sent.submissions).toBe(1);
    await cached.noteSubmission('alice', T0 + MIN);
    expect(sent.submissions).toBe(2);
    // What it read counts as known too; an owner it knows nothing of is written.
    await store.noteSubmission('bob', T0);
    expect(await cached.ownerLastSubmittedAt('bob')).toBe(T0);
    await cached.noteSubmission('bob', T0 - MIN);
    await cached.noteSubmission('carol', T0);
    expect(sent.submissions).toBe(3);
    expect(await store.ownerLastSubmittedAt('alice')).toBe(T0 + MIN);
    // Told with a gap: written with it unless known, and known from then on.
    await cached.addGap([], { job: 'g', atMs: T0, gapSeconds: 60, reused: true }, undefined, {
      owner: 'alice',
      atMs: T0 + 2 * MIN,
    });
    expect(await store.ownerLastSubmittedAt('alice')).toBe(T0 + 2 * MIN);
    expect(await cached.ownerLastSubmittedAt('alice')).toBe(T0 + 2 * MIN);
    expect(sent.submissions).toBe(4); // the memory store records it through noteSubmission
    await cached.noteSubmission('alice', T0 + 2 * MIN);
    await cached.addGap([], { job: 'h', atMs: T0, gapSeconds: 60, reused: true }, undefined, {
      owner: 'alice',
      atMs: T0 + MIN,
    });
    expect(sent.submissions).toBe(4);
  });

  it('writes a run sample again only when it says something else', async () => {
    const { store, sent, cached } = counted();
    const run = { job: 'j1', atMs: T0, seconds: 1200 };
    await cached.addRunDuration('k', run);
    await cached.addRunDuration('k', { ...run }); // a duplicate end
    expect(sent.runs).toBe(1);
    await cached.addRunDuration('k', { ...run, seconds: 1300 });
    await cached.addRunDuration('other', run);
    expect(sent.runs).toBe(3);
    expect(await store.recentRunDurations('k', 5)).toEqual([{ ...run, seconds: 1300 }]);
  });
});

describe('how long the cache answers as now', () => {
  it('says when the first thing it holds fresh goes stale: until then it answers as now', async () => {
    const { store, cached, advance } = setup();
    expect(cached.freshUntilMs()).toBe(Number.POSITIVE_INFINITY);
    await cached.recentGaps('matchKey:k', 10);
    advance(2 * MIN);
    await cached.ownerLastSubmittedAt('alice');
    // The gaps read at T0 go stale first.
    expect(cached.freshUntilMs()).toBe(T0 + 5 * MIN);
    // What another container writes meanwhile is not seen before then.
    await store.addGap(['matchKey:k'], gap('j2', T0 + MIN));
    advance(2 * MIN);
    expect(await cached.recentGaps('matchKey:k', 10)).toEqual([]);
    advance(MIN);
    // Stale from then: read again (from the log), and fresh for another 5 minutes; the owner is next.
    expect((await cached.recentGaps('matchKey:k', 10)).map((g) => g.job)).toEqual(['j2']);
    expect(cached.freshUntilMs()).toBe(T0 + 7 * MIN);
    advance(3 * MIN);
    expect(cached.freshUntilMs()).toBe(T0 + 10 * MIN);
    advance(2 * MIN);
    // Nothing fresh is left once all of it went stale (and was not read again).
    expect(cached.freshUntilMs()).toBe(Number.POSITIVE_INFINITY);
  });
});
