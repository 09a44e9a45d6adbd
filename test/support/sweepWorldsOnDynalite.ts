import { afterAll, afterEach, beforeAll } from 'vitest';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { type LocalDynamo, startLocalDynamo } from './localDynamo';
import { LEAVE_ALONE, SweepWorld } from './sweepWorld';

export interface WorldOnDynalite {
  readonly world: SweepWorld;
  readonly ledger: DynamoLedger;
}

/**
 * For the calling describe block: dynalite for the whole suite (starting it is the slow part), and
 * per test a fresh ledger table with a SweepWorld on it, started by the function returned and
 * stopped after the test.
 */
export const sweepWorldsOnDynalite = (): (() => Promise<WorldOnDynalite>) => {
  let dynamo: LocalDynamo | undefined;
  let running: SweepWorld | undefined;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => dynamo?.stop());
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  return async () => {
    if (!dynamo) throw new Error('dynalite starts before the suite: start a world inside a test');
    const ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    running = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    return { world: running, ledger };
  };
};
