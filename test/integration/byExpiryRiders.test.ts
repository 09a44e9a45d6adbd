import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CachedUsageStats } from '../../lib/adapters/cachedUsageStats';
import {
  ByExpiryRiders,
  GAP_LOG_HEAD,
  riderIndexAttributes,
  SIGHTING_FRESH_MS,
} from '../../lib/adapters/dynamo/byExpiryRiders';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { DynamoReconcileSchedule } from '../../lib/adapters/dynamo/dynamoReconcileSchedule';
import { DynamoUsageStats } from '../../lib/adapters/dynamo/dynamoUsageStats';
import { AVAILABLE_PARTITION, GAP_LOG, INDEX } from '../../lib/adapters/dynamo/tableDesign';
import type { Clock } from '../../lib/ports/clock';
import type { ObservedGap } from '../../lib/ports/usageStats';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';

const T0 = Date.parse('2026-03-02T09:00:00Z');
const TTL_MS = 5 * 60_000;
const SCOPES = ['matchKey:k', 'owner:o'];

const gapAt = (job: string, atMs: number): ObservedGap => ({ job, atMs, gapSeconds: 60, reused: true });

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo.stop());

/** Two containers on one table and one clock the test moves: `mine` reads, `other` writes. */
const containers = async (trustGapLogHead = true) => {
  const table = await dynamo.createLedgerTable();
  let now = T0;
  const clock: Clock = { now: () => now };
  const riders = new ByExpiryRiders(clock, { trustGapLogHead });
  const ledger = new DynamoLedger(dynamo.client, table, undefined, riders);
  const mine = new CachedUsageStats(
    new DynamoUsageStats(dynamo.client, table, clock, undefined, riders),
    clock,
    TTL_MS,
  );
  // Another container of this version (it writes the head), and one of a version before riders.
  const other = new DynamoUsageStats(dynamo.client, table, clock, undefined, new ByExpiryRiders(clock));
  const headless = new DynamoUsageStats(dynamo.client, table, clock);
  /** A sweep's read of the Available pools: one Query, which also brings the riders. */
  const sweepRead = async () => (await ledger.availablePools(100)).items;
  const jobsOf = async (scope: string) => (await mine.recentGaps(scope, 50)).map((g) => g.job);
  return { table, clock, set: (ms: number) => (now = ms), ledger, mine, other, headless, sweepRead, jobsOf };
};

/** Counts the requests `run` sends. */
const requestsOf = async (run: () => Promise<unknown>): Promise<number> => {
  const send = vi.spyOn(dynamo.client, 'send');
  try {
    await run();
    return send.mock.calls.length;
  } finally {
    send.mockRestore();
  }
};

describe("the gap log's head rides in byExpiry", () => {
  it('is no pool: the Available pools read without it', async () => {
    const { other, sweepRead, ledger } = await containers();
    await other.addGap(SCOPES, gapAt('a', T0 - 60_000));
    expect(await sweepRead()).toEqual([]);
    expect(await ledger.availableByOwner('o')).toEqual([]);
  });

  it('spares the read of the log when the head, seen by the sweep, shows nothing written since the last', async () => {
    const { set, other, sweepRead, jobsOf } = await containers();
    await other.addGap(SCOPES, gapAt('a', T0 - 600_000));
    expect(await Promise.all(SCOPES.map(jobsOf))).toEqual([['a'], ['a']]);
    // Stale an hour on, nothing written meanwhile: the log is read once (no head seen yet).
    set(T0 + 3_600_000);
    expect(await requestsOf(() => Promise.all(SCOPES.map(jobsOf)))).toBe(1);
    // Stale again: the sweep's read of the pools brought the head, which tells the log is quiet.
    set(T0 + 2 * 3_600_000);
    expect(await requestsOf(sweepRead)).toBe(1);
    expect(await requestsOf(() => Promise.all(SCOPES.map(jobsOf)))).toBe(0);
    // As fresh as that sighting: not read again within the cache's time.
    set(T0 + 2 * 3_600_000 + TTL_MS - 1);
    expect(await requestsOf(() => Promise.all(SCOPES.map(jobsOf)))).toBe(0);
    expect(await jobsOf(SCOPES[1] as string)).toEqual(['a']);
    // A sighting some seconds old (a sweep that waited within its invocation) is not taken.
    set(T0 + 3 * 3_600_000);
    await sweepRead();
    set(T0 + 3 * 3_600_000 + SIGHTING_FRESH_MS + 1);
    expect(await requestsOf(() => jobsOf(SCOPES[0] as string))).toBe(1);
  });

  it('reads the log when a gap was written since, even one in flight that the head, set back, does not show', async () => {
    const { table, set, other, sweepRead, jobsOf } = await containers();
    const scope = SCOPES[0] as string;
    await other.addGap(SCOPES, gapAt('a', T0 - 600_000));
    const firstMs = T0 + 3_600_000;
    set(firstMs);
    expect(await jobsOf(scope)).toEqual(['a']);
    // Written after that read, then seen by the sweep: the log is read.
    set(firstMs + 100_000);
    await other.addGap(SCOPES, gapAt('b', firstMs + 90_000));
    const readMs = firstMs + TTL_MS + 60_000;
    set(readMs);
    await sweepRead();
    expect(await requestsOf(() => jobsOf(scope))).toBe(1);
    expect(await jobsOf(scope)).toEqual(['b', 'a']);
    // Stamped 90 s before that read and landing after it (in flight then), its head set back by
    // another put in flight to more than one skew margin before the read: still read.
    set(readMs - 90_000);
    await other.addGap(SCOPES, gapAt('c', readMs - 100_000));
    await dynamo.client.send(
      new PutCommand({
        TableName: table,
        Item: {
          ...GAP_LOG_HEAD.key,
          ...riderIndexAttributes(GAP_LOG_HEAD.sortValue),
          writtenAtMs: readMs - 90_000 - GAP_LOG.skewMs,
        },
      }),
    );
    set(readMs + TTL_MS + 60_000);
    await sweepRead();
    expect(await jobsOf(scope)).toEqual(['c', 'b', 'a']);
  });
});

describe("a reconcile schedule's item rides in byExpiry", () => {
  const EVERY_MS = 15 * 60_000;

  /** A sweep's container: its ledger's reads of byExpiry tell its schedule what they saw. */
  const sweepContainer = (table: string, now: () => number) => {
    const riders = new ByExpiryRiders({ now });
    return {
      ledger: new DynamoLedger(dynamo.client, table, undefined, riders),
      schedule: new DynamoReconcileSchedule(dynamo.client, table, undefined, riders),
    };
  };

  it('is no pool, and spares the claims the item it rides in shows refused', async () => {
    const table = await dynamo.createLedgerTable();
    let now = T0;
    const mine = sweepContainer(table, () => now);
    expect((await mine.schedule.claim(T0, EVERY_MS, 'granted')).claimed).toBe(true);
    await mine.schedule.done(T0, { fullList: false, nextDueAtMs: T0 + 4 * EVERY_MS, surprise: false });
    // Every sweep reads the pools; the item comes with them, so no claim is sent before it is due
    // (without it, one would be sent a base period after each the container learnt the item).
    for (let minute = 1; minute < 60; minute++) {
      now = T0 + minute * 60_000;
      const sent = await requestsOf(async () => {
        expect((await mine.ledger.availablePools(100)).items).toEqual([]);
        expect((await mine.schedule.claim(now, EVERY_MS, 'granted')).claimed).toBe(false);
      });
      expect(sent).toBe(1);
    }
    now = T0 + 60 * 60_000;
    await mine.ledger.availablePools(100);
    expect(await requestsOf(() => mine.schedule.claim(now, EVERY_MS, 'granted'))).toBe(1);
  });

  it("claims when another container's claim made the reconcile due sooner, as the item shows", async () => {
    const table = await dynamo.createLedgerTable();
    let now = T0;
    const mine = sweepContainer(table, () => now);
    const other = sweepContainer(table, () => now);
    expect((await mine.schedule.claim(T0, EVERY_MS, 'granted')).claimed).toBe(true);
    await mine.schedule.done(T0, { fullList: false, nextDueAtMs: T0 + 4 * EVERY_MS, surprise: false });
    // Another container sees the end events run late and claims on the base rule; it dies there,
    // leaving the next reconcile due a base period on.
    now = T0 + EVERY_MS;
    expect((await other.schedule.claim(now, EVERY_MS, 'base')).claimed).toBe(true);
    // Before that is due, the item read with the pools refuses the claim: none is sent.
    now = T0 + 2 * EVERY_MS - 60_000;
    await mine.ledger.availablePools(100);
    expect(await requestsOf(() => mine.schedule.claim(now, EVERY_MS, 'granted'))).toBe(0);
    // Due: the claim is sent, within the period granted before, and wins.
    now = T0 + 2 * EVERY_MS;
    await mine.ledger.availablePools(100);
    expect(await mine.schedule.claim(now, EVERY_MS, 'granted')).toMatchObject({
      claimed: true,
      previousStartMs: T0 + EVERY_MS,
      lastListedMs: T0,
    });
    // Another container's forced claim, not seen yet: the write decides and is refused; once the
    // item is seen again, the claim waits a base period from that claim.
    now = T0 + 2 * EVERY_MS + 60_000;
    expect((await other.schedule.claim(now, EVERY_MS, 'forced')).claimed).toBe(true);
    now = T0 + 3 * EVERY_MS;
    expect((await mine.schedule.claim(now, EVERY_MS, 'base')).claimed).toBe(false);
    now = T0 + 3 * EVERY_MS + 60_000;
    await mine.ledger.availablePools(100);
    expect((await mine.schedule.claim(now, EVERY_MS, 'base')).claimed).toBe(true);
  });
});

describe('a rollout beside containers of a version without riders (POOLWARDEN_LEDGER_RIDERS)', () => {
  /** byExpiry's partition as a version without riders reads it: every item a pool. */
  const byExpiryItems = async (table: string) =>
    (
      await dynamo.client.send(
        new QueryCommand({
          TableName: table,
          IndexName: INDEX.byExpiry.name,
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: { '#p': INDEX.byExpiry.partition },
          ExpressionAttributeValues: { ':p': AVAILABLE_PARTITION },
        }),
      )
    ).Items ?? [];

  it('off: writes no rider, so an older version reads no item that is not a pool', async () => {
    const table = await dynamo.createLedgerTable();
    await new DynamoUsageStats(dynamo.client, table, { now: () => T0 }).addGap(SCOPES, gapAt('a', T0));
    await new DynamoReconcileSchedule(dynamo.client, table).claim(T0, 15 * 60_000, 'granted');
    expect(await byExpiryItems(table)).toEqual([]);
  });

  it('write: writes the head but reads the log all the same, as a writer without it may still run', async () => {
    const { table, set, other, headless, sweepRead, jobsOf } = await containers(false);
    set(T0 - 600_000);
    await other.addGap(SCOPES, gapAt('a', T0 - 600_000));
    set(T0);
    expect((await byExpiryItems(table)).map((i) => i.pk)).toEqual(['GAPLOG#HEAD']);
    expect(await jobsOf(SCOPES[0] as string)).toEqual(['a']);
    set(T0 + 3_600_000);
    // A writer of the version before: only the log tells its gap, the head does not move.
    await headless.addGap(SCOPES, gapAt('b', T0 + 3_500_000));
    await sweepRead();
    expect(await requestsOf(() => jobsOf(SCOPES[0] as string))).toBe(1);
    expect(await jobsOf(SCOPES[0] as string)).toEqual(['b', 'a']);
  });
});
