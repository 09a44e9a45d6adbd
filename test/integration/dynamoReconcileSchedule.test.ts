import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
