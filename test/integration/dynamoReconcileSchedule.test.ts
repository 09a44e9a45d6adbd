import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoReconcileSchedule } from '../../lib/adapters/dynamo/dynamoReconcileSchedule';
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

    expect(await home.claim(T0, EVERY_MS)).toEqual({ claimed: true });
    expect((await home.claim(T0 + 60_000, EVERY_MS)).claimed).toBe(false);
    // Another account and region has its own period, and its own record of the last full listing.
    expect(await research.claim(T0 + 60_000, EVERY_MS)).toEqual({ claimed: true });
    await research.fullListDone(T0 + 60_000);
    expect((await researchAgain.claim(T0 + 120_000, EVERY_MS)).claimed).toBe(false);
    expect(await home.claim(T0 + EVERY_MS, EVERY_MS)).toEqual({ claimed: true, previousStartMs: T0 });
    expect(await researchAgain.claim(T0 + 60_000 + EVERY_MS, EVERY_MS)).toEqual({
      claimed: true,
      previousStartMs: T0 + 60_000,
      lastFullListMs: T0 + 60_000,
    });
  });

  it('sends nothing between its own claims: the period it claimed cannot be claimed again', async () => {
    const table = await dynamo.createLedgerTable();
    const send = vi.spyOn(dynamo.client, 'send');
    try {
      const mine = new DynamoReconcileSchedule(dynamo.client, table);
      const other = new DynamoReconcileSchedule(dynamo.client, table);
      expect((await mine.claim(T0, EVERY_MS)).claimed).toBe(true);
      expect(send).toHaveBeenCalledTimes(1);
      for (let minute = 1; minute < 15; minute++)
        expect((await mine.claim(T0 + minute * 60_000, EVERY_MS)).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(1);
      // Another container knows nothing of it: the conditional write still decides.
      expect((await other.claim(T0 + 60_000, EVERY_MS)).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(2);
      // Due again: the write is sent, and the other container, which claimed first, wins.
      expect((await other.claim(T0 + EVERY_MS, EVERY_MS)).claimed).toBe(true);
      expect((await mine.claim(T0 + EVERY_MS + 60_000, EVERY_MS)).claimed).toBe(false);
      expect(send).toHaveBeenCalledTimes(4);
      // Forced (period 0): always asked.
      expect((await other.claim(T0 + EVERY_MS + 120_000, 0)).claimed).toBe(true);
    } finally {
      send.mockRestore();
    }
  });
});
