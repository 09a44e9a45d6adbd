import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { FROM_EVENT, ingestJobEvent } from '../../lib/app/ingestJobEvent';
import { observeDescription } from '../../lib/app/observeDescription';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { isTerminal } from '../../lib/domain/trainingJob';
import { parseJobStateChange } from '../../lib/events/jobStateChange';
import type { Ledger } from '../../lib/ports/ledger';
import { T0 } from '../support/jobEvents';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';
import { NO_QUOTA_TYPE, ScriptedWorld, type WorldJobSpec } from '../support/scriptedWorld';

/**
 * Whatever EventBridge does to the events (duplicates, delays, reordering), the ledger ends
 * where the in-order history leaves it, once the sweep's reconciliation has looked at the
 * pools still believed Available (no event tells of an expiry). Near misses depend on what
 * was Available when a job was seen, so they are left out of the comparison.
 */
const MIN = 60_000;

const jobSpecs = fc
  .array(
    fc.record({
      submitAfterMin: fc.integer({ min: 0, max: 180 }),
      durationMin: fc.integer({ min: 1, max: 40 }),
      volumeSizeInGB: fc.constantFrom(30, 30, 50),
      keepAliveSeconds: fc.constantFrom(0, 600, 1800, 1800),
      instanceType: fc.constantFrom('ml.g5.xlarge', 'ml.g5.xlarge', 'ml.g5.xlarge', NO_QUOTA_TYPE),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((rows): WorldJobSpec[] =>
    rows.map((r, i) => ({
      name: `job-${i}`,
      submitAtMs: T0 + r.submitAfterMin * MIN,
      durationMs: r.durationMin * MIN,
      volumeSizeInGB: r.volumeSizeInGB,
      keepAliveSeconds: r.keepAliveSeconds,
      instanceType: r.instanceType,
    })),
  );

/** For each event: how many copies arrive, and how late each one is. */
const chaosPlan = fc.array(fc.array(fc.integer({ min: 0, max: 150 * MIN }), { minLength: 1, maxLength: 3 }), {
  minLength: 16,
  maxLength: 16,
});

type Delivery = { atMs: number; event: unknown };

const replay = async (ledger: Ledger, world: ScriptedWorld, deliveries: Delivery[]): Promise<unknown[]> => {
  const deps = {
    ledger,
    trainingJobs: world,
    clock: { now: () => world.nowMs },
    limits: DEFAULT_KEEP_ALIVE_LIMITS,
    describeConcurrency: 3,
  };
  const firstEndArrival = new Map<string, number>();
  for (const delivery of [...deliveries].sort((a, b) => a.atMs - b.atMs)) {
    world.nowMs = delivery.atMs;
    const parsed = parseJobStateChange(delivery.event, DEFAULT_OWNER_TAG_KEYS);
    if (!parsed.ok) throw new Error(parsed.rejection.message);
    const { name, status } = parsed.snapshot;
    if (isTerminal(status) && !firstEndArrival.has(name)) firstEndArrival.set(name, delivery.atMs);
    await ingestJobEvent(deps, parsed.snapshot, FROM_EVENT);
  }
  // The sweep's reconciliation, long after everything happened.
  world.nowMs = T0 + 2 * 24 * 60 * MIN;
  let page = await ledger.availablePools(100);
  for (const record of page.items) {
    const description = await world.describe(record.name);
    if (description) await observeDescription(deps, record, description);
  }
  page = await ledger.availablePools(100);
  expect(page.items).toEqual([]);
  const records = await Promise.all(world.jobs.map((j) => ledger.getJob(j.name)));
  // When an end event came depends on the delivery, not on the history: the first copy's arrival is kept.
  for (const record of records)
    if (record) expect(record.endEventAtMs).toBe(firstEndArrival.get(record.name));
  return records.map((r) => normalise(r));
};

const normalise = (record: JobRecord | undefined) => {
  if (!record) return record;
  const { nearMiss: _nearMiss, endEventAtMs: _arrived, pool, ...rest } = record;
  if (!pool) return rest;
  const { observedAtMs: _observed, ...stablePool } = pool;
  return { ...rest, pool: stablePool };
};

const inOrder = (world: ScriptedWorld): Delivery[] =>
  world.events().map((e) => ({ atMs: e.atMs, event: e.event }));

const chaotic = (world: ScriptedWorld, plan: number[][]): Delivery[] =>
  world
    .events()
    .flatMap((e, i) =>
      (plan[i % plan.length] ?? [0]).map((delay) => ({ atMs: e.atMs + delay, event: e.event })),
    );

describe('ledger under duplicates and reordering (property)', () => {
  it('in memory: any duplication and delay gives the in-order ledger', async () => {
    await fc.assert(
      fc.asyncProperty(jobSpecs, chaosPlan, async (specs, plan) => {
        const calm = await replay(
          new MemoryLedger(),
          new ScriptedWorld(specs),
          inOrder(new ScriptedWorld(specs)),
        );
        const world = new ScriptedWorld(specs);
        const storm = await replay(new MemoryLedger(), world, chaotic(world, plan));
        expect(storm).toEqual(calm);
      }),
      { numRuns: 300 },
    );
  });

  describe('against dynalite', () => {
    let dynamo: LocalDynamo;
    beforeAll(async () => {
      dynamo = await startLocalDynamo();
    });
    afterAll(async () => dynamo.stop());

    it('any duplication and delay gives the in-order ledger, through the real DynamoDB client', async () => {
      await fc.assert(
        fc.asyncProperty(jobSpecs, chaosPlan, async (specs, plan) => {
          const calmWorld = new ScriptedWorld(specs);
          const calm = await replay(
            new DynamoLedger(dynamo.client, await dynamo.createLedgerTable()),
            calmWorld,
            inOrder(calmWorld),
          );
          const world = new ScriptedWorld(specs);
          const storm = await replay(
            new DynamoLedger(dynamo.client, await dynamo.createLedgerTable()),
            world,
            chaotic(world, plan),
          );
          expect(storm).toEqual(calm);
          // And the memory ledger, the benchmarks' stand-in, agrees with DynamoDB.
          const memoryWorld = new ScriptedWorld(specs);
          expect(await replay(new MemoryLedger(), memoryWorld, chaotic(memoryWorld, plan))).toEqual(calm);
        }),
        // The in-memory property above runs 300 histories; through dynalite a few suffice to show
        // the two ledgers agree. No wall-clock bound: a loaded machine only makes it slower.
        { numRuns: 15 },
      );
    }, 300_000);
  });
});
