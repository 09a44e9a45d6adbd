import { describe, expect, it } from 'vitest';
import { CachedUsageStats } from '../../lib/adapters/cachedUsageStats';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import { usageStatsReactor } from '../../lib/app/usageStatsReactor';
import {
  DEFAULT_END_WATCH,
  type EndWatchSettings,
  SUGGESTED_END_WATCH_USD_PER_HOUR,
} from '../../lib/domain/endWatch';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { matchKey } from '../../lib/domain/matchKey';
import { gapScopeId } from '../../lib/domain/policy/gapDistribution';
import { learnHierarchical } from '../../lib/domain/policy/gapLearner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import type { UsageStats } from '../../lib/ports/usageStats';
import { SAMPLE_CRITERIA, sampleSnapshot } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const MIN = 60_000;
const snapshot = (name: string, createdAtMs: number) =>
  sampleSnapshot(name, createdAtMs + 2 * MIN, { createdAtMs, owner: 'alice', team: 'vision' });
const keyScope = gapScopeId({ kind: 'matchKey', key: sampleSnapshot('x', T0).matchKey });

/** A pool poolwarden stopped at once when it became Available at T0. */
const stopped: JobRecord = {
  name: 'first',
  job: snapshot('first', T0 - 10 * MIN),
  pool: {
    status: 'Terminated',
    availableSinceMs: T0,
    billableSeconds: 0,
    observedAtMs: T0,
    stoppedBy: 'policy:defaults',
  },
};

describe('usage statistics: learning that cannot trap itself', () => {
  it('a pool stopped by poolwarden is unresolved, not a 0-second censored gap; the next cold start tells its gap', async () => {
    const stats = new MemoryUsageStats();
    const reactor = usageStatsReactor(stats, DEFAULT_PRICES);
    await reactor.react([{ kind: 'pool-ended', job: stopped }]);
    const before = await stats.recentGaps(keyScope, 10);
    expect(before).toMatchObject([{ job: 'first', unresolved: true }]);
    // Unresolved: what is known is that no job came for 7 minutes since the pool became
    // Available, a gap censored at 7 minutes (not at the 0 s the pool idled before the stop).
    const learned = learnHierarchical([{ kind: 'matchKey', key: 'k' }], () => before, T0 + 7 * MIN);
    // (Beside the built-in prior's own censored mass at the horizon.)
    expect(learned?.distribution.censoredGaps).toContain(420);
    expect(learned?.distribution.censoredGaps).not.toContain(0);

    const cold: JobRecord = { name: 'second', job: snapshot('second', T0 + 7 * MIN) };
    await reactor.react([{ kind: 'job-started', job: cold }]);
    await reactor.react([{ kind: 'job-started', job: cold }]);
    for (const scope of [
      keyScope,
      gapScopeId({ kind: 'owner', key: 'alice' }),
      gapScopeId({ kind: 'family', key: 'ml.g5' }),
    ]) {
      expect(await stats.recentGaps(scope, 10)).toEqual([
        { job: 'first', atMs: T0, gapSeconds: 420, reused: true },
      ]);
    }
  });

  it("keeps each gap's head start-up, through the resolution of a stopped pool's gap", async () => {
    const stats = new MemoryUsageStats();
    const reactor = usageStatsReactor(stats, DEFAULT_PRICES);
    // The head started warm: 21 s from its submission to its start.
    const warmHead = snapshot('first', T0 - 10 * MIN);
    const head: JobRecord = {
      ...stopped,
      job: { ...warmHead, startedAtMs: warmHead.createdAtMs + 21_000 },
    };
    await reactor.react([{ kind: 'pool-ended', job: head }]);
    expect(await stats.recentGaps(keyScope, 10)).toMatchObject([{ job: 'first', startupSeconds: 21 }]);
    await reactor.react([
      { kind: 'job-started', job: { name: 'second', job: snapshot('second', T0 + 7 * MIN) } },
    ]);
    expect(await stats.recentGaps(keyScope, 10)).toEqual([
      { job: 'first', atMs: T0, gapSeconds: 420, reused: true, startupSeconds: 21 },
    ]);
  });

  it('a warm start resolves nothing: the reuse found in the same handling makes it one', async () => {
    const stats = new MemoryUsageStats();
    const reactor = usageStatsReactor(stats, DEFAULT_PRICES);
    await reactor.react([{ kind: 'pool-ended', job: stopped }]);
    // Another pool of the key, Available since T0 + 1 min, taken by the next job at T0 + 7 min.
    const other: JobRecord = {
      name: 'other',
      job: snapshot('other', T0 - 9 * MIN),
      pool: {
        status: 'Reused',
        availableSinceMs: T0 + MIN,
        billableSeconds: 360,
        observedAtMs: T0 + 7 * MIN,
      },
    };
    const warm: JobRecord = { name: 'second', job: snapshot('second', T0 + 7 * MIN) };
    await reactor.react([
      { kind: 'job-started', job: warm },
      { kind: 'pool-reused', fromJob: other, toJob: 'second' },
    ]);
    expect(await stats.recentGaps(keyScope, 10)).toEqual(
      expect.arrayContaining([expect.objectContaining({ job: 'first', unresolved: true })]),
    );
  });

  it("writes a warm start's submission with the gap of the hop it took, once; alone when no gap is learnt", async () => {
    const store = new MemoryUsageStats();
    const calls: string[] = [];
    const counting: UsageStats = Object.assign(Object.create(store) as UsageStats, {
      noteSubmission: async (owner: string, atMs: number) => {
        calls.push('noteSubmission');
        return store.noteSubmission(owner, atMs);
      },
      addGap: async (...args: Parameters<UsageStats['addGap']>) => {
        calls.push(args[3] ? 'addGap+submission' : 'addGap');
        return store.addGap(...args);
      },
    });
    const reactor = usageStatsReactor(counting, DEFAULT_PRICES);
    const taken: JobRecord = {
      name: 'other',
      job: snapshot('other', T0 - 9 * MIN),
      pool: {
        status: 'Reused',
        availableSinceMs: T0 + MIN,
        billableSeconds: 360,
        observedAtMs: T0 + 7 * MIN,
      },
    };
    const warm: JobRecord = { name: 'second', job: snapshot('second', T0 + 7 * MIN) };
    const facts: LedgerFact[] = [
      { kind: 'job-started', job: warm },
      { kind: 'pool-reused', fromJob: taken, toJob: 'second' },
    ];
    await reactor.react(facts);
    expect(calls).toEqual(['addGap+submission']);
    expect(await store.ownerLastSubmittedAt('alice')).toBe(warm.job?.createdAtMs);
    // Told again (a retried event): the same writes, the same result.
    await reactor.react(facts);
    expect(await store.ownerLastSubmittedAt('alice')).toBe(warm.job?.createdAtMs);
    // The hop it took has no billable seconds yet: no gap, the submission on its own.
    calls.length = 0;
    const unbilled: JobRecord = { ...taken, pool: { status: 'Reused', observedAtMs: T0 + 8 * MIN } };
    const third: JobRecord = { name: 'third', job: snapshot('third', T0 + 8 * MIN) };
    await reactor.react([
      { kind: 'job-started', job: third },
      { kind: 'pool-reused', fromJob: unbilled, toJob: 'third' },
    ]);
    expect(calls).toEqual(['noteSubmission']);
    expect(await store.ownerLastSubmittedAt('alice')).toBe(third.job?.createdAtMs);
  });

  it("records a warm start's submission on the retry when the write carrying it failed", async () => {
    const store = new MemoryUsageStats();
    let failGaps = true;
    const failing: UsageStats = Object.assign(Object.create(store) as UsageStats, {
      addGap: async (...args: Parameters<UsageStats['addGap']>) => {
        if (failGaps) throw new Error('throttled');
        return store.addGap(...args);
      },
    });
    const reactor = usageStatsReactor(failing, DEFAULT_PRICES);
    const taken: JobRecord = {
      name: 'other',
      job: snapshot('other', T0 - 9 * MIN),
      pool: {
        status: 'Reused',
        availableSinceMs: T0 + MIN,
        billableSeconds: 360,
        observedAtMs: T0 + 7 * MIN,
      },
    };
    const warm: JobRecord = { name: 'second', job: snapshot('second', T0 + 7 * MIN) };
    await expect(
      reactor.react([
        { kind: 'job-started', job: warm },
        { kind: 'pool-reused', fromJob: taken, toJob: 'second' },
      ]),
    ).rejects.toThrow('throttled');
    expect(await store.ownerLastSubmittedAt('alice')).toBeUndefined();
    // Lambda retries the event; the reuse was linked by the first attempt, so the retry tells the
    // start alone (ingestJobEvent's stale path), and the submission is written on its own.
    failGaps = false;
    await reactor.react([{ kind: 'job-started', job: { ...warm, reusedPoolOf: 'other' } }]);
    expect(await store.ownerLastSubmittedAt('alice')).toBe(warm.job?.createdAtMs);
  });

  it('a cold start resolves the placeholder another container wrote moments ago, through its own cache', async () => {
    let now = T0 - MIN;
    const clock = { now: () => now };
    const store = new MemoryUsageStats();
    const handler = new CachedUsageStats(store, clock, 5 * MIN);
    const sweep = new CachedUsageStats(store, clock, 5 * MIN);
    // The handler's container read the key's gaps a minute ago: fresh for four more minutes.
    expect(await handler.recentGaps(keyScope, 100)).toEqual([]);
    now = T0 + 2 * MIN;
    await usageStatsReactor(sweep, DEFAULT_PRICES).react([{ kind: 'pool-ended', job: stopped }]);
    now = T0 + 3 * MIN;
    const cold: JobRecord = { name: 'second', job: snapshot('second', T0 + 3 * MIN) };
    await usageStatsReactor(handler, DEFAULT_PRICES).react([{ kind: 'job-started', job: cold }]);
    expect(await store.recentGaps(keyScope, 10)).toEqual([
      { job: 'first', atMs: T0, gapSeconds: 180, reused: true },
    ]);
  });
});

describe('usage statistics: how long a key runs', () => {
  it('learns a completed job’s run from creation to end under its match key, once; not a failed or stopped one', async () => {
    const stats = new MemoryUsageStats();
    const reactor = usageStatsReactor(stats, DEFAULT_PRICES);
    const key = sampleSnapshot('x', T0).matchKey;
    const ended = (name: string, status: 'Completed' | 'Failed' | 'Stopped', minutes: number): JobRecord => ({
      name,
      job: sampleSnapshot(name, T0, { status, createdAtMs: T0 - minutes * MIN, endedAtMs: T0 }),
    });
    await reactor.react([{ kind: 'job-ended', job: ended('done', 'Completed', 20) }]);
    await reactor.react([{ kind: 'job-ended', job: ended('done', 'Completed', 20) }]);
    await reactor.react([{ kind: 'job-ended', job: ended('failed', 'Failed', 2) }]);
    await reactor.react([{ kind: 'job-ended', job: ended('stopped', 'Stopped', 5) }]);
    expect(await stats.recentRunDurations(key, 10)).toEqual([{ job: 'done', atMs: T0, seconds: 1200 }]);
  });

  it('learns only the runs of keys the end watch would look at: none while it is off', async () => {
    const dearCriteria = { ...SAMPLE_CRITERIA, instanceType: 'ml.p4d.24xlarge', instanceCount: 2 };
    const dear: JobRecord = {
      name: 'dear',
      job: sampleSnapshot('dear', T0, {
        criteria: dearCriteria,
        matchKey: matchKey(dearCriteria),
        createdAtMs: T0 - 30 * MIN,
        endedAtMs: T0,
      }),
    };
    // ml.g5.2xlarge, one instance: $1.52 an hour idle.
    const cheap: JobRecord = {
      name: 'cheap',
      job: sampleSnapshot('cheap', T0, { createdAtMs: T0 - 20 * MIN, endedAtMs: T0 }),
    };
    const learnt = async (endWatch: EndWatchSettings) => {
      const stats = new MemoryUsageStats();
      const reactor = usageStatsReactor(stats, DEFAULT_PRICES, { endWatch });
      await reactor.react([
        { kind: 'job-ended', job: dear },
        { kind: 'job-ended', job: cheap },
      ]);
      const runs = [
        ...(await stats.recentRunDurations(matchKey(dearCriteria), 10)),
        ...(await stats.recentRunDurations(matchKey(SAMPLE_CRITERIA), 10)),
      ];
      return runs.map((r) => r.job);
    };
    expect(await learnt(DEFAULT_END_WATCH)).toEqual([]);
    expect(await learnt({ ...DEFAULT_END_WATCH, minUsdPerHour: SUGGESTED_END_WATCH_USD_PER_HOUR })).toEqual([
      'dear',
    ]);
    expect(await learnt({ ...DEFAULT_END_WATCH, minUsdPerHour: 0 })).toEqual(['dear', 'cheap']);
  });
});

describe('usage statistics: a presumed reuse proved wrong', () => {
  it('its sample is written over as withdrawn (the same job and instant) and its idle spend as 0; the cost metric is counted back', async () => {
    const stats = new MemoryUsageStats();
    const told: number[] = [];
    const reactor = usageStatsReactor(stats, DEFAULT_PRICES, { onIdleSpend: (usd) => void told.push(usd) });
    const markedPool = {
      status: 'Available' as const,
      availableSinceMs: T0,
      observedAtMs: T0,
      presumedTakenBy: 'taker',
      presumedAtMs: T0 + 5 * MIN,
    };
    const marked: JobRecord = { name: 'giver', job: snapshot('giver', T0 - 10 * MIN), pool: markedPool };
    // What the presumption told: the pool Reused by the taker after 300 s idle.
    const presumedPool = {
      ...markedPool,
      status: 'Reused' as const,
      reusedByJob: 'taker',
      billableSeconds: 300,
    };
    await reactor.react([
      { kind: 'pool-reused', fromJob: { ...marked, pool: presumedPool }, toJob: 'taker', presumed: true },
    ]);
    expect(await stats.recentGaps(keyScope, 10)).toMatchObject([
      { job: 'giver', gapSeconds: 300, reused: true },
    ]);

    await reactor.react([{ kind: 'reuse-withdrawn', fromJob: marked, toJob: 'taker' }]);
    const after = await stats.recentGaps(keyScope, 10);
    expect(after).toEqual([expect.objectContaining({ job: 'giver', atMs: T0 + 300_000, withdrawn: true })]);
    expect(await stats.idleSpend('vision', '2026-03-02')).toBe(0);
    expect(told).toHaveLength(2);
    expect((told[0] ?? 0) + (told[1] ?? 0)).toBeCloseTo(0, 12);
  });
});
