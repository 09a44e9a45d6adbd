import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoReconcileSchedule } from '../../lib/adapters/dynamo/dynamoReconcileSchedule';
import { MemoryReconcileSchedule } from '../../lib/adapters/memory/memoryReconcileSchedule';
import type { ReconcileSchedule } from '../../lib/ports/reconcileSchedule';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';

const EVERY_MS = 15 * 60_000;
const T0 = Date.parse('2026-03-02T12:00:00Z');

describe('DynamoReconcileSchedule', () => {
  let dynamo: LocalDynamo;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('lets one claim through per period, and keeps each account and region apart from home', async () => {
    const table = await dynamo.createLedgerTable();
    const home = new DynamoReconcileSchedule(dynamo.client, table);
    const research = new DynamoReconcileSchedule(dynamo.client, table, '111122223333/eu-west-1');
    const researchAgain = new DynamoReconcileSchedule(dynamo.client, table, '111122223333/eu-west-1');

    expect(await home.claim(T0, EVERY_MS, 'granted')).toEqual({ claimed: true });
    expect((await home.claim(T0 + 60_000, EVERY_MS, 'granted')).claimed).toBe(false);
    // Another account and region has its own period, and its own record of the last full listing.
    expect(await research.claim(T0 + 60_000, EVERY_MS, 'granted')).toEqual({ claimed: true });
    await research.done(T0 + 60_000, {
      fullList: true,
      nextDueAtMs: T0 + 60_000 + EVERY_MS,
      surprise: false,
    });
    expect((await researchAgain.claim(T0 + 120_000, EVERY_MS, 'granted')).claimed).toBe(false);
    expect(await home.claim(T0 + EVERY_MS, EVERY_MS, 'granted')).toEqual({
      claimed: true,
      previousStartMs: T0,
      grantedMs: EVERY_MS,
    });
    expect(await researchAgain.claim(T0 + 60_000 + EVERY_MS, EVERY_MS, 'granted')).toEqual({
      claimed: true,
      previousStartMs: T0 + 60_000,
      lastListedMs: T0 + 60_000,
      grantedMs: EVERY_MS,
      lastFullListMs: T0 + 60_000,
    });
  });

  it('sends nothing between its own claims: the period it claimed cannot be claimed again', async () => {
    const table = await dynamo.createLedgerTable();
    const send = vi.spyOn(dynamo.client, 'send');
    try {
      const mine = new DynamoReconcileSchedule(dynamo.client, table);
      const other = new DynamoReconcileSchedule(dynamo.client, table);
      expect((await mine.claim(T0, EVERY_MS, 'granted')).claimed).toBe(true);
      expect(send).toHaveBeenCalledTimes(1);
      for (let minute = 1; minute < 15; minute++)
        expect((await mine.claim(T0 + minute * 60_000, EVERY_MS, 'granted')).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(1);
      // Another container knows nothing of it: the conditional write still decides.
      expect((await other.claim(T0 + 60_000, EVERY_MS, 'granted')).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(2);
      // Due again: the write is sent, and the other container, which claimed first, wins.
      expect((await other.claim(T0 + EVERY_MS, EVERY_MS, 'granted')).claimed).toBe(true);
      expect((await mine.claim(T0 + EVERY_MS + 60_000, EVERY_MS, 'granted')).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(4);
      // A reconcile done records that its listing was done, whatever it found: one write.
      await other.done(T0 + EVERY_MS, { fullList: false, nextDueAtMs: T0 + 2 * EVERY_MS, surprise: false });
      expect(send).toHaveBeenCalledTimes(5);
      // Forced: always asked.
      expect((await other.claim(T0 + EVERY_MS + 120_000, EVERY_MS, 'forced')).claimed).toBe(true);
    } finally {
      send.mockRestore();
    }
  });

  it('keeps the longer period a quiet reconcile granted, across containers, unless the events run late', async () => {
    const table = await dynamo.createLedgerTable();
    // In process, as DynamoDB answers: a refused claim comes back with the item.
    const client = dynamo.inProcessClient;
    const send = vi.spyOn(client, 'send');
    try {
      const mine = new DynamoReconcileSchedule(client, table);
      const other = new DynamoReconcileSchedule(client, table);
      expect((await mine.claim(T0, EVERY_MS, 'granted')).claimed).toBe(true);
      await mine.done(T0, { fullList: false, nextDueAtMs: T0 + 4 * EVERY_MS, surprise: false });
      expect(send).toHaveBeenCalledTimes(2);
      // Its own container knows the due time, but trusts it for a base period only: it asks once
      // a base period after it last learnt the item (minutes 15, 30 and 45), and learns it again.
      for (let minute = 15; minute < 60; minute += 5)
        expect((await mine.claim(T0 + minute * 60_000, EVERY_MS, 'granted')).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(5);
      // A new container learns it from the item: the condition refuses it.
      expect((await other.claim(T0 + 2 * EVERY_MS, EVERY_MS, 'granted')).claimed).toBe(false);
      // The events run late: the base period holds, and the claim tells what had been granted.
      expect(await other.claim(T0 + 3 * EVERY_MS, EVERY_MS, 'base')).toEqual({
        claimed: true,
        previousStartMs: T0,
        lastListedMs: T0,
        grantedMs: 4 * EVERY_MS,
      });
      // A reconcile done for a claim overtaken since records nothing of its due time, nor moves
      // the last listing done back; the claim since, never done, vouches for nothing.
      await mine.done(T0, { fullList: false, nextDueAtMs: T0 + 8 * EVERY_MS, surprise: false });
      expect(await mine.claim(T0 + 4 * EVERY_MS, EVERY_MS, 'granted')).toEqual({
        claimed: true,
        previousStartMs: T0 + 3 * EVERY_MS,
        lastListedMs: T0,
        grantedMs: EVERY_MS,
      });
    } finally {
      send.mockRestore();
    }
  });

  it('trusts a due time it learnt for a base period only: another container may have made it sooner', async () => {
    const table = await dynamo.createLedgerTable();
    const mine = new DynamoReconcileSchedule(dynamo.inProcessClient, table);
    const other = new DynamoReconcileSchedule(dynamo.inProcessClient, table);
    expect((await mine.claim(T0, EVERY_MS, 'granted')).claimed).toBe(true);
    await mine.done(T0, { fullList: false, nextDueAtMs: T0 + 4 * EVERY_MS, surprise: false });
    // Another container sees the end events run late and claims on the base rule; it dies there,
    // leaving the next reconcile due a base period on.
    expect((await other.claim(T0 + EVERY_MS, EVERY_MS, 'base')).claimed).toBe(true);
    expect(await mine.claim(T0 + 2 * EVERY_MS, EVERY_MS, 'granted')).toMatchObject({
      claimed: true,
      previousStartMs: T0 + EVERY_MS,
      lastListedMs: T0,
    });
  });

  it('never moves the last listing, full listing or surprise back when a reconcile overtaken since is done last', async () => {
    const table = await dynamo.createLedgerTable();
    const first = new DynamoReconcileSchedule(dynamo.client, table);
    const forced = new DynamoReconcileSchedule(dynamo.client, table);
    expect((await first.claim(T0, EVERY_MS, 'granted')).claimed).toBe(true);
    expect((await forced.claim(T0 + 60_000, EVERY_MS, 'forced')).claimed).toBe(true);
    await forced.done(T0 + 60_000, { fullList: true, nextDueAtMs: T0 + 60_000 + EVERY_MS, surprise: true });
    await first.done(T0, { fullList: true, nextDueAtMs: T0 + 4 * EVERY_MS, surprise: true });
    expect(await first.claim(T0 + 60_000 + EVERY_MS, EVERY_MS, 'granted')).toMatchObject({
      claimed: true,
      lastListedMs: T0 + 60_000,
      lastFullListMs: T0 + 60_000,
      lastSurpriseAtMs: T0 + 60_000,
    });
  });

  it('records the last surprise on the item, and tells it to the next claim in any container', async () => {
    const table = await dynamo.createLedgerTable();
    const first = new DynamoReconcileSchedule(dynamo.client, table);
    expect((await first.claim(T0, EVERY_MS, 'granted')).lastSurpriseAtMs).toBeUndefined();
    await first.done(T0, { fullList: false, nextDueAtMs: T0 + EVERY_MS, surprise: true });
    const other = new DynamoReconcileSchedule(dynamo.client, table);
    const claim = await other.claim(T0 + EVERY_MS, EVERY_MS, 'granted');
    expect(claim).toMatchObject({ claimed: true, lastSurpriseAtMs: T0 });
    // A quiet reconcile leaves the last surprise as it was.
    await other.done(T0 + EVERY_MS, { fullList: false, nextDueAtMs: T0 + 3 * EVERY_MS, surprise: false });
    expect(await first.claim(T0 + 3 * EVERY_MS, EVERY_MS, 'granted')).toMatchObject({ lastSurpriseAtMs: T0 });
  });

  it('has a memory twin that keeps the same rule', async () => {
    const table = await dynamo.createLedgerTable();
    const run = async (schedule: ReconcileSchedule) => {
      const seen: unknown[] = [];
      seen.push(await schedule.claim(T0, EVERY_MS, 'granted'));
      await schedule.done(T0, { fullList: true, nextDueAtMs: T0 + 2 * EVERY_MS, surprise: false });
      for (const [at, rule] of [
        [T0 + EVERY_MS, 'granted'],
        [T0 + 2 * EVERY_MS, 'granted'],
        [T0 + 2 * EVERY_MS + 60_000, 'forced'],
        [T0 + 3 * EVERY_MS, 'base'],
        [T0 + 4 * EVERY_MS + 60_000, 'base'],
      ] as const)
        seen.push(await schedule.claim(at, EVERY_MS, rule));
      // A surprise is recorded as of its reconcile's start, also once another claim came since,
      // but never moves back: the later reconcile, done first, keeps its own.
      await schedule.done(T0 + 4 * EVERY_MS + 60_000, {
        fullList: false,
        nextDueAtMs: T0 + 5 * EVERY_MS,
        surprise: true,
      });
      await schedule.done(T0 + 3 * EVERY_MS, {
        fullList: false,
        nextDueAtMs: T0 + 4 * EVERY_MS,
        surprise: true,
      });
      seen.push(await schedule.claim(T0 + 6 * EVERY_MS, EVERY_MS, 'granted'));
      // A claim that dies leaves the last listing done as it was.
      seen.push(await schedule.claim(T0 + 8 * EVERY_MS, EVERY_MS, 'granted'));
      return seen;
    };
    const twin = await run(new MemoryReconcileSchedule());
    expect(await run(new DynamoReconcileSchedule(dynamo.inProcessClient, table))).toEqual(twin);
    expect(twin[6]).toMatchObject({
      lastSurpriseAtMs: T0 + 4 * EVERY_MS + 60_000,
      lastListedMs: T0 + 4 * EVERY_MS + 60_000,
      lastFullListMs: T0,
    });
  });

  it('tells a refused claim the reconcile in force, from the item in a container that did not claim it (the memory twin alike)', async () => {
    const table = await dynamo.createLedgerTable();
    const run = async (mine: ReconcileSchedule, other: () => ReconcileSchedule) => {
      const seen: unknown[] = [];
      seen.push(await mine.claim(T0, EVERY_MS, 'granted'));
      // Refused before that reconcile is done: its claim made the next due a base period on.
      seen.push(await other().claim(T0 + 60_000, EVERY_MS, 'granted'));
      // Done, stretched to four hours: a new container learns the stretch from the item, and the
      // container that knows it tells it without asking.
      await mine.done(T0, { fullList: true, nextDueAtMs: T0 + 16 * EVERY_MS, surprise: false });
      seen.push(await other().claim(T0 + 2 * EVERY_MS, EVERY_MS, 'granted'));
      seen.push(await mine.claim(T0 + 2 * EVERY_MS, EVERY_MS, 'granted'));
      seen.push(await mine.claim(T0 + 2 * EVERY_MS + 60_000, EVERY_MS, 'granted'));
      return seen;
    };
    const memory = new MemoryReconcileSchedule();
    const twin = await run(memory, () => memory);
    const client = dynamo.inProcessClient;
    expect(
      await run(new DynamoReconcileSchedule(client, table), () => new DynamoReconcileSchedule(client, table)),
    ).toEqual(twin);
    expect(twin).toEqual([
      { claimed: true },
      { claimed: false, inForce: { startedAtMs: T0, dueAtMs: T0 + EVERY_MS } },
      { claimed: false, inForce: { startedAtMs: T0, dueAtMs: T0 + 16 * EVERY_MS } },
      { claimed: false, inForce: { startedAtMs: T0, dueAtMs: T0 + 16 * EVERY_MS } },
      { claimed: false, inForce: { startedAtMs: T0, dueAtMs: T0 + 16 * EVERY_MS } },
    ]);
  });

  it('keeps a full listing under way on the item until its last part: done as of its first part', async () => {
    const table = await dynamo.createLedgerTable();
    const run = async (schedule: ReconcileSchedule) => {
      const seen: unknown[] = [];
      // The first part stops for time; the next reconcile is told where to go on.
      seen.push(await schedule.claim(T0, EVERY_MS, 'granted'));
      await schedule.done(T0, {
        fullList: false,
        fullListResume: { fromMs: T0 - 20 * 86_400_000, startedMs: T0 },
        nextDueAtMs: T0 + EVERY_MS,
        surprise: true,
      });
      seen.push(await schedule.claim(T0 + EVERY_MS, EVERY_MS, 'granted'));
      await schedule.done(T0 + EVERY_MS, {
        fullList: false,
        fullListResume: { fromMs: T0 - 10 * 86_400_000, startedMs: T0 },
        nextDueAtMs: T0 + 2 * EVERY_MS,
        surprise: false,
      });
      seen.push(await schedule.claim(T0 + 2 * EVERY_MS, EVERY_MS, 'granted'));
      // The last part: the whole window is covered, as of the first part's reconcile.
      await schedule.done(T0 + 2 * EVERY_MS, {
        fullList: true,
        fullListStartedMs: T0,
        nextDueAtMs: T0 + 3 * EVERY_MS,
        surprise: false,
      });
      seen.push(await schedule.claim(T0 + 3 * EVERY_MS, EVERY_MS, 'granted'));
      return seen;
    };
    const twin = await run(new MemoryReconcileSchedule());
    expect(await run(new DynamoReconcileSchedule(dynamo.inProcessClient, table))).toEqual(twin);
    expect(twin[0]).not.toHaveProperty('fullListResume');
    expect(twin[1]).toMatchObject({ fullListResume: { fromMs: T0 - 20 * 86_400_000, startedMs: T0 } });
    expect(twin[1]).not.toHaveProperty('lastFullListMs');
    expect(twin[2]).toMatchObject({ fullListResume: { fromMs: T0 - 10 * 86_400_000, startedMs: T0 } });
    expect(twin[3]).toMatchObject({ lastFullListMs: T0 });
    expect(twin[3]).not.toHaveProperty('fullListResume');
  });

  it('records a listing held back by ends left unadopted: its own write may move it back, a write apart only forward', async () => {
    const table = await dynamo.createLedgerTable();
    const run = async (schedule: ReconcileSchedule, overtaken: ReconcileSchedule) => {
      const seen: unknown[] = [];
      await schedule.claim(T0, EVERY_MS, 'granted');
      await schedule.done(T0, { fullList: true, nextDueAtMs: T0 + EVERY_MS, surprise: true });
      // Left a lost end that changed at T0 + 5 min unadopted: listed only up to that change.
      seen.push(await schedule.claim(T0 + EVERY_MS, EVERY_MS, 'granted'));
      await schedule.done(T0 + EVERY_MS, {
        fullList: false,
        nextDueAtMs: T0 + 2 * EVERY_MS,
        surprise: true,
        listedThroughMs: T0 + 5 * 60_000,
      });
      // The same end left unadopted again: held at the same mark.
      seen.push(await schedule.claim(T0 + 2 * EVERY_MS, EVERY_MS, 'granted'));
      await schedule.done(T0 + 2 * EVERY_MS, {
        fullList: false,
        nextDueAtMs: T0 + 3 * EVERY_MS,
        surprise: true,
        listedThroughMs: T0 + 5 * 60_000,
      });
      seen.push(await schedule.claim(T0 + 3 * EVERY_MS, EVERY_MS, 'granted'));
      // Overtaken by a forced claim that was done first: its held mark never moves the listing back.
      seen.push(await overtaken.claim(T0 + 3 * EVERY_MS + 60_000, EVERY_MS, 'forced'));
      await overtaken.done(T0 + 3 * EVERY_MS + 60_000, {
        fullList: false,
        nextDueAtMs: T0 + 4 * EVERY_MS,
        surprise: false,
      });
      await schedule.done(T0 + 3 * EVERY_MS, {
        fullList: false,
        nextDueAtMs: T0 + 4 * EVERY_MS,
        surprise: false,
        listedThroughMs: T0 + 2 * EVERY_MS,
      });
      seen.push(await schedule.claim(T0 + 5 * EVERY_MS, EVERY_MS, 'granted'));
      return seen;
    };
    const memory = new MemoryReconcileSchedule();
    const twin = await run(memory, memory);
    expect(
      await run(
        new DynamoReconcileSchedule(dynamo.client, table),
        new DynamoReconcileSchedule(dynamo.client, table),
      ),
    ).toEqual(twin);
    expect(twin.map((claim) => (claim as { lastListedMs?: number }).lastListedMs)).toEqual([
      T0,
      T0 + 5 * 60_000,
      T0 + 5 * 60_000,
      T0 + 5 * 60_000,
      T0 + 3 * EVERY_MS + 60_000,
    ]);
  });
});
