import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDecisionLog } from '../../lib/adapters/dynamo/dynamoDecisionLog';
import { DynamoUsageStats } from '../../lib/adapters/dynamo/dynamoUsageStats';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import type { DecisionLog, DecisionRecord } from '../../lib/ports/decisionLog';
import type { UsageStats } from '../../lib/ports/usageStats';
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

const usageStatsContract = (name: string, make: () => Promise<UsageStats>) =>
  describe(`${name} usage statistics`, () => {
    it('keeps the latest submission per owner, whatever the order', async () => {
      const stats = await make();
      expect(await stats.noteSubmission('alice', T0 + 10)).toBe(true);
      expect(await stats.noteSubmission('alice', T0)).toBe(false);
      expect(await stats.noteSubmission('alice', T0 + 10)).toBe(false);
      expect(await stats.ownerLastSubmittedAt('alice')).toBe(T0 + 10);
      expect(await stats.ownerLastSubmittedAt('bob')).toBeUndefined();
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

    it('sums idle spend per team and day, counting each hop once', async () => {
      const stats = await make();
      expect(await stats.addIdleSpend('vision', '2026-03-02', 'j1', 1.5)).toBeUndefined();
      expect(await stats.addIdleSpend('vision', '2026-03-02', 'j1', 1.5)).toBe(1.5);
      await stats.addIdleSpend('vision', '2026-03-02', 'j2', 2);
      await stats.addIdleSpend('vision', '2026-03-03', 'j3', 7);
      expect(await stats.idleSpend('vision', '2026-03-02')).toBe(3.5);
      expect(await stats.idleSpend('nlp', '2026-03-02')).toBe(0);
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
  async () => new DynamoUsageStats(dynamo.client, await dynamo.createLedgerTable()),
);
usageStatsContract('in-memory', async () => new MemoryUsageStats());
