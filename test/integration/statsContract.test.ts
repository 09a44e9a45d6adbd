import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachedUsageStats } from '../../lib/adapters/cachedUsageStats';
import { DynamoDecisionLog } from '../../lib/adapters/dynamo/dynamoDecisionLog';
import { DynamoUsageStats } from '../../lib/adapters/dynamo/dynamoUsageStats';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { Clock } from '../../lib/ports/clock';
import type { DecisionLog, DecisionRecord } from '../../lib/ports/decisionLog';
import type { ObservedGap, UsageStats } from '../../lib/ports/usageStats';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';

const T0 = Date.parse('2026-03-02T09:00:00Z');

const decision = (job: string, atMs: number, dedupeKey: string): DecisionRecord => ({
  job,
  poolId: job,
  atMs,
  action: 'stop',
  actor: 'policy:defaults',
  rule: 'defaults',
  reason: 'idle 2h',
  dryRun: false,
  outcome: 'applied',
  keepAliveSeconds: 0,
  dedupeKey,
});

const decisionLogContract = (name: string, make: () => Promise<DecisionLog>) =>
  describe(`${name} decision log`, () => {
    it('records a decision once per key, lists it by job and by day', async () => {
      const log = await make();
      expect(await log.record(decision('a', T0, 'stop#1'))).toBe(true);
      expect(await log.record(decision('a', T0 + 5, 'stop#1'))).toBe(false);
      expect(await log.record(decision('a', T0 + 60_000, 'stop#2'))).toBe(true);
      expect(await log.record(decision('b', T0 + 86_400_000, 'stop#1'))).toBe(true);
      expect((await log.decisionsOf('a')).map((d) => d.dedupeKey)).toEqual(['stop#1', 'stop#2']);
      expect(await log.decisionsOf('a')).toEqual([
        decision('a', T0, 'stop#1'),
        decision('a', T0 + 60_000, 'stop#2'),
      ]);
      const day = await log.decisionsOn('2026-03-02', 10);
      expect(day.items.map((d) => d.job)).toEqual(['a', 'a']);
      expect((await log.decisionsOn('2026-03-03', 10)).items.map((d) => d.job)).toEqual(['b']);
    });
  });

/** A clock the test moves; the store stamps its log with it. */
const testClock = (startMs = T0) => {
  let now = startMs;
  return { clock: { now: () => now } satisfies Clock, set: (ms: number) => (now = ms) };
};

const gapAt = (job: string, atMs: number, gapSeconds = 60): ObservedGap => ({
  job,
  atMs,
  gapSeconds,
  reused: true,
});

const usageStatsContract = (name: string, make: (clock?: Clock) => Promise<UsageStats>) =>
  describe(`${name} usage statistics`, () => {
    it('keeps the latest submission per owner, whatever the order', async () => {
      const stats = await make();
      await stats.noteSubmission('alice', T0 + 10);
      await stats.noteSubmission('alice', T0);
      await stats.noteSubmission('alice', T0 + 10);
      expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 10);
      expect(await stats.ownerLastSubmittedAt('bob')).toBeUndefined();
      await stats.noteSubmission('alice', T0 + 20);
      expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 20);
    });

    it("records a submission told with a hop's gap as noteSubmission does", async () => {
      const stats = await make();
      await stats.noteSubmission('alice', T0 + 10);
      await stats.addGap(['matchKey:k'], gapAt('j1', T0), undefined, { owner: 'alice', atMs: T0 + 5 });
      expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 10);
      await stats.addGap([], gapAt('j2', T0), undefined, { owner: 'alice', atMs: T0 + 30 });
      expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 30);
      await stats.addGap(['matchKey:k'], gapAt('j3', T0), undefined, { owner: 'bob', atMs: T0 });
      expect(await stats.ownerLastSubmittedAt('bob')).toBe(T0);
      expect((await stats.recentGaps('matchKey:k', 10)).map((g) => g.job)).toEqual(['j3', 'j1']);
    });

    it('keeps each gap once, newest first', async () => {
      const stats = await make();
      const gap = (job: string, atMs: number) => ({ job, atMs, gapSeconds: 60, reused: true });
      await stats.addGap(['matchKey:k'], gap('j1', T0));
      await stats.addGap(['matchKey:k'], gap('j2', T0 + 1000));
      await stats.addGap(['matchKey:k'], gap('j2', T0 + 1000));
      await stats.addGap(['matchKey:k'], gap('j3', T0 + 1000));
      // At one instant, by job name descending: the order the cache keeps them in too.
      expect((await stats.recentGaps('matchKey:k', 10)).map((g) => g.job)).toEqual(['j3', 'j2', 'j1']);
      expect((await stats.recentGaps('matchKey:k', 1)).map((g) => g.job)).toEqual(['j3']);
      // One gap under several scopes at once (a hop's key, owner, team and family), each kept once.
      const scopes = Array.from({ length: 30 }, (_, i) => `owner:o${i}`);
      await stats.addGap([...scopes, 'matchKey:k'], gap('j4', T0 + 2000));
      await stats.addGap([], gap('j5', T0 + 3000));
      for (const scope of scopes)
        expect((await stats.recentGaps(scope, 10)).map((g) => g.job)).toEqual(['j4']);
      expect((await stats.recentGaps('matchKey:k', 10)).map((g) => g.job)).toEqual(['j4', 'j3', 'j2', 'j1']);
    });

    it("keeps a gap's head start-up, and reads a gap written without one", async () => {
      const { clock } = testClock();
      const stats = await make(clock);
      const start = stats.gapLogPosition();
      const timed: ObservedGap = { ...gapAt('warm', T0), startupSeconds: 21 };
      await stats.addGap(['matchKey:k'], timed);
      await stats.addGap(['matchKey:k'], gapAt('old', T0 - 1000));
      expect(await stats.recentGaps('matchKey:k', 10)).toEqual([timed, gapAt('old', T0 - 1000)]);
      expect((await stats.recentGaps('matchKey:k', 10))[1]).not.toHaveProperty('startupSeconds');
      // Written at one instant: the log's order among them is the store's own.
      const logged = (await stats.gapsWrittenSince(start))?.written.map((w) => w.gap) ?? [];
      expect(logged.sort((a, b) => a.atMs - b.atMs)).toEqual([gapAt('old', T0 - 1000), timed]);
    });

    it('logs every gap write with its scopes, after the position asked from', async () => {
      const { clock, set } = testClock();
      const stats = await make(clock);
      const start = stats.gapLogPosition();
      await stats.addGap(['matchKey:k', 'team:t', 'matchKey:k'], gapAt('j1', T0 - 60_000));
      set(T0 + 1000);
      await stats.addGap(['matchKey:k'], gapAt('j1', T0 - 60_000, 90)); // the same sample rewritten
      await stats.addGap([], gapAt('nowhere', T0));
      const first = await stats.gapsWrittenSince(start);
      expect(first?.written).toEqual([
        { scopeIds: ['matchKey:k', 'team:t'], gap: gapAt('j1', T0 - 60_000) },
        { scopeIds: ['matchKey:k'], gap: gapAt('j1', T0 - 60_000, 90) },
      ]);
      set(T0 + 5 * 60_000);
      const placeholder: ObservedGap = {
        job: 'j2',
        atMs: T0,
        gapSeconds: 30,
        reused: false,
        unresolved: true,
        scopeIds: ['matchKey:k', 'owner:o'],
      };
      await stats.addGap(['matchKey:k', 'owner:o'], placeholder);
      // Anything from before the position may come again (a store's margin); what came after must.
      const second = await stats.gapsWrittenSince(first?.next ?? start);
      expect(second?.written.at(-1)).toEqual({ scopeIds: ['matchKey:k', 'owner:o'], gap: placeholder });
      set(T0 + 15 * 60_000);
      const third = await stats.gapsWrittenSince(stats.gapLogPosition());
      expect(third?.written.filter((w) => w.gap.job === 'j2')).toEqual([]);
    });

    it('reads the gap log across midnight (UTC)', async () => {
      const midnight = Date.parse('2026-03-03T00:00:00Z');
      const { clock, set } = testClock(midnight - 30_000);
      const stats = await make(clock);
      const start = stats.gapLogPosition();
      await stats.addGap(['matchKey:k'], gapAt('late', midnight - 40_000));
      set(midnight + 30_000);
      await stats.addGap(['matchKey:k'], gapAt('early', midnight + 20_000));
      expect((await stats.gapsWrittenSince(start))?.written.map((w) => w.gap.job)).toEqual(['late', 'early']);
    });

    it('keeps each run duration of a match key once, newest first, apart from other keys', async () => {
      const stats = await make();
      const run = (job: string, atMs: number, seconds: number) => ({ job, atMs, seconds });
      await stats.addRunDuration('k', run('j1', T0, 1200));
      await stats.addRunDuration('k', run('j2', T0 + 1000, 1500));
      await stats.addRunDuration('k', run('j2', T0 + 1000, 1500));
      await stats.addRunDuration('other', run('j3', T0 + 2000, 60));
      expect(await stats.recentRunDurations('k', 10)).toEqual([
        run('j2', T0 + 1000, 1500),
        run('j1', T0, 1200),
      ]);
      expect((await stats.recentRunDurations('k', 1)).map((r) => r.job)).toEqual(['j2']);
      expect(await stats.recentRunDurations('none', 10)).toEqual([]);
    });

    it('sums idle spend per team and day, counting each hop once, written with its gap', async () => {
      const stats = await make();
      const spend = (job: string, day: string, usd: number) => ({ team: 'vision', day, job, usd });
      await stats.addGap(['matchKey:k'], gapAt('j1', T0), spend('j1', '2026-03-02', 1.5));
      await stats.addGap(['matchKey:k'], gapAt('j1', T0), spend('j1', '2026-03-02', 1.5));
      await stats.addGap(['matchKey:k'], gapAt('j2', T0 + 1000), spend('j2', '2026-03-02', 2));
      // A hop with no scope to learn under still counts its spend.
      await stats.addGap([], gapAt('j3', T0 + 2000), spend('j3', '2026-03-03', 7));
      expect(await stats.idleSpend('vision', '2026-03-02')).toBe(3.5);
      expect(await stats.idleSpendByJob('vision', '2026-03-02')).toEqual(
        new Map([
          ['j1', 1.5],
          ['j2', 2],
        ]),
      );
      expect(await stats.idleSpend('vision', '2026-03-03')).toBe(7);
      expect(await stats.idleSpend('nlp', '2026-03-02')).toBe(0);
      expect((await stats.recentGaps('matchKey:k', 10)).map((g) => g.job)).toEqual(['j2', 'j1']);
    });
  });

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.stop());

decisionLogContract(
  'DynamoDB (dynalite)',
  async () => new DynamoDecisionLog(dynamo.client, await dynamo.createLedgerTable()),
);
decisionLogContract('in-memory', async () => new MemoryDecisionLog());

describe('DynamoDB decision log in one container', () => {
  it('sends a decision it has seen recorded no more: the same warning at every sweep is one write', async () => {
    const table = await dynamo.createLedgerTable();
    const mine = new DynamoDecisionLog(dynamo.client, table);
    const other = new DynamoDecisionLog(dynamo.client, table);
    const send = vi.spyOn(dynamo.client, 'send');
    try {
      expect(await other.record(decision('a', T0, 'warn#1'))).toBe(true);
      expect(await mine.record(decision('a', T0 + 60_000, 'warn#1'))).toBe(false);
      expect(send).toHaveBeenCalledTimes(2);
      for (let minute = 2; minute < 10; minute++)
        expect(await mine.record(decision('a', T0 + minute * 60_000, 'warn#1'))).toBe(false);
      expect(send).toHaveBeenCalledTimes(2);
      // Another key, or the same key of another job, is asked.
      expect(await mine.record(decision('a', T0, 'warn#2'))).toBe(true);
      expect(await mine.record(decision('b', T0, 'warn#1'))).toBe(true);
      expect(send).toHaveBeenCalledTimes(4);
    } finally {
      send.mockRestore();
    }
  });
});
usageStatsContract(
  'DynamoDB (dynalite)',
  async (clock) => new DynamoUsageStats(dynamo.client, await dynamo.createLedgerTable(), clock),
);
usageStatsContract('in-memory', async () => new MemoryUsageStats());

describe('DynamoDB: a hop that ended', () => {
  it('writes its gap under every scope, the log item and its spend in one request', async () => {
    const stats = new DynamoUsageStats(dynamo.client, await dynamo.createLedgerTable(), { now: () => T0 });
    const send = vi.spyOn(dynamo.client, 'send');
    try {
      await stats.addGap(['matchKey:k', 'owner:o', 'team:vision'], gapAt('j1', T0), {
        team: 'vision',
        day: '2026-03-02',
        job: 'j1',
        usd: 1.5,
      });
      expect(send).toHaveBeenCalledTimes(1);
    } finally {
      send.mockRestore();
    }
    expect(await stats.idleSpend('vision', '2026-03-02')).toBe(1.5);
  });

  it("writes a warm start's submission in the same request as the gap of the hop it reused", async () => {
    const stats = new DynamoUsageStats(dynamo.client, await dynamo.createLedgerTable(), { now: () => T0 });
    const send = vi.spyOn(dynamo.client, 'send');
    try {
      await stats.addGap(['matchKey:k', 'owner:o'], gapAt('j1', T0), undefined, { owner: 'o', atMs: T0 + 5 });
      expect(send).toHaveBeenCalledTimes(1);
    } finally {
      send.mockRestore();
    }
    expect(await stats.ownerLastSubmittedAt('o')).toBe(T0 + 5);
  });
});

describe('DynamoDB: owner activity an earlier version wrote', () => {
  it('reads the single ACTIVITY item beside the submission items, the later instant winning', async () => {
    const table = await dynamo.createLedgerTable();
    const stats = new DynamoUsageStats(dynamo.client, table, { now: () => T0 });
    // As the earlier version wrote it: one item per owner, moved forward by a conditional update.
    const writeOld = (owner: string, atMs: number) =>
      dynamo.client.send(
        new UpdateCommand({
          TableName: table,
          Key: { pk: `OWNER#${owner}`, sk: 'ACTIVITY' },
          UpdateExpression: 'SET lastSubmittedAtMs = :at',
          ConditionExpression: 'attribute_not_exists(lastSubmittedAtMs) OR lastSubmittedAtMs < :at',
          ExpressionAttributeValues: { ':at': atMs },
        }),
      );
    await writeOld('alice', T0 + 100);
    expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 100);
    // Older submissions after the upgrade (late events) do not hide it; a newer one wins.
    await stats.noteSubmission('alice', T0);
    await stats.noteSubmission('alice', T0 + 50);
    expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 100);
    await stats.addGap(['matchKey:k'], gapAt('j1', T0), undefined, { owner: 'alice', atMs: T0 + 200 });
    expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 200);
    // An old item newer than every submission item still counts.
    await writeOld('bob', T0 + 300);
    await stats.noteSubmission('bob', T0 + 10);
    await stats.noteSubmission('bob', T0 + 20);
    expect(await stats.ownerLastSubmittedAt('bob')).toBe(T0 + 300);
  });
});

describe('DynamoDB learnt gaps in two containers', () => {
  it('brings a stale scope up to date from the log: what the scope read again would say, in one small read', async () => {
    const table = await dynamo.createLedgerTable();
    const { clock, set } = testClock(Date.parse('2026-03-02T23:52:00Z'));
    const store = new DynamoUsageStats(dynamo.client, table, clock);
    const mine = new CachedUsageStats(new DynamoUsageStats(dynamo.client, table, clock), clock, 5 * 60_000);
    const other = new CachedUsageStats(new DynamoUsageStats(dynamo.client, table, clock), clock, 5 * 60_000);
    const scopes = ['matchKey:k', 'owner:o', 'team:t', 'family:p4d', 'all'];
    for (let i = 0; i < 30; i++) await store.addGap(scopes, gapAt(`old${i}`, T0 + i * 1000));
    for (const scope of scopes) await mine.recentGaps(scope, 100);
    const placeholder: ObservedGap = {
      job: 'stopped',
      atMs: Date.parse('2026-03-02T23:50:00Z'),
      gapSeconds: 30,
      reused: false,
      unresolved: true,
      scopeIds: scopes,
    };
    await other.addGap(scopes, placeholder);
    // Past midnight, the other container resolves it and learns a new gap under some scopes.
    set(Date.parse('2026-03-03T00:01:00Z'));
    await other.addGap(scopes, { job: 'stopped', atMs: placeholder.atMs, gapSeconds: 400, reused: true });
    await other.addGap(['matchKey:k', 'all'], gapAt('new', Date.parse('2026-03-03T00:00:30Z')));
    set(Date.parse('2026-03-03T00:02:00Z'));
    const send = vi.spyOn(dynamo.client, 'send');
    try {
      const views = await Promise.all(scopes.map((scope) => mine.recentGaps(scope, 100)));
      // One Query per UTC day of the log since the last look, none of the scopes' partitions.
      expect(send).toHaveBeenCalledTimes(2);
      expect(views).toEqual(await Promise.all(scopes.map((scope) => store.recentGaps(scope, 100))));
      expect(views[0]?.slice(0, 2).map((g) => [g.job, g.gapSeconds, g.unresolved])).toEqual([
        ['new', 60, undefined],
        ['stopped', 400, undefined],
      ]);
    } finally {
      send.mockRestore();
    }
  });

  it('reads its scopes again after more than a day without a look', async () => {
    const table = await dynamo.createLedgerTable();
    const { clock, set } = testClock();
    const store = new DynamoUsageStats(dynamo.client, table, clock);
    const mine = new CachedUsageStats(new DynamoUsageStats(dynamo.client, table, clock), clock, 5 * 60_000);
    await store.addGap(['matchKey:k'], gapAt('a', T0 - 1000));
    await mine.recentGaps('matchKey:k', 100);
    set(T0 + 2 * 86_400_000);
    await store.addGap(['matchKey:k'], gapAt('b', T0 + 86_400_000));
    expect((await mine.recentGaps('matchKey:k', 100)).map((g) => g.job)).toEqual(['b', 'a']);
  });
});
