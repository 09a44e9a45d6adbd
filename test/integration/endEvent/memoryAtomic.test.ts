import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../../lib/adapters/dynamo/dynamoLedger';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import { DEFAULT_OWNER_TAG_KEYS } from '../../../lib/domain/owner';
import type { JobSnapshot } from '../../../lib/domain/trainingJob';
import { parseJobStateChange } from '../../../lib/events/jobStateChange';
import type { Ledger } from '../../../lib/ports/ledger';
import { type JobEventOptions, jobEvent, T0 } from '../../support/jobEvents';
import { type LocalDynamo, startLocalDynamo } from '../../support/localDynamo';

const snapshot = (options: JobEventOptions): JobSnapshot => {
  const parsed = parseJobStateChange(jobEvent(options), DEFAULT_OWNER_TAG_KEYS);
  if (!parsed.ok) throw new Error(parsed.rejection.message);
  return parsed.snapshot;
};

let dynamo: LocalDynamo | undefined;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo?.stop());

const race = (name: string, make: () => Promise<Ledger>) =>
  it(`${name}: recordEnd racing a pool observation never moves the pool back`, async () => {
    const ledger = await make();
    const start = await ledger.recordSnapshot(
      snapshot({ name: 'r1', status: 'InProgress', lastModifiedMs: T0 + 1000 }),
    );
    const end = snapshot({ name: 'r1', status: 'Completed', lastModifiedMs: T0 + 2000 });
    await Promise.all([
      ledger.recordEnd(end, {
        kind: 'pool',
        pool: {
          status: 'Available',
          availableSinceMs: T0,
          expiresAtMs: T0 + 600_000,
          keepAliveSeconds: 600,
          observedAtMs: T0,
        },
      }),
      ledger.observePool(start.record, { status: 'Terminated', billableSeconds: 60, observedAtMs: T0 + 1 }),
    ]);
    expect((await ledger.getJob('r1'))?.pool?.status).toBe('Terminated');
  });

describe('the memory ledger keeps recordEnd atomic, as DynamoDB does', () => {
  race('DynamoDB', async () => {
    if (!dynamo) throw new Error('no dynalite');
    return new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
  });
  race('in-memory', async () => new MemoryLedger());
});
