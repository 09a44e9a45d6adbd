import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PoolChoiceRule } from '../../devtools/local/sagemaker/poolChoice';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';
import { LEAVE_ALONE, MIN, RECONCILE_EVERY_MS, SweepWorld } from '../support/sweepWorld';

/**
 * Which pool SageMaker hands a job when several match is poolwarden's assumption
 * (lib/domain/poolChoice.ts), not a documented fact. The emulator plays it by default; here it
 * also plays another rule, and the ledger must still end where SageMaker is: the presumption made
 * by the assumption withdrawn at the next reconcile, the pool really taken recorded Reused.
 * Against the SageMaker emulator on loopback, dynalite and the real handlers.
 */
describe('the pool choice assumption, played right and wrong by the emulator', () => {
  let dynamo: LocalDynamo;
  let world: SweepWorld;
  let ledger: DynamoLedger;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => dynamo.stop());
  afterEach(async () => world.stop());

  /**
   * `early` and then `late`, of one match key, both leave pools recorded Available; `taker` of
   * the same key starts warm on one of them, and its start event is delivered. Answers when the
   * last reconcile ran and the metrics counted from then on.
   */
  const twoPoolsThenTaker = async (poolChoice: PoolChoiceRule) => {
    ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    world = await new SweepWorld({ ledger, policy: LEAVE_ALONE, presumeReuse: true, poolChoice }).start();
    // Both start cold: `early` still runs when `late` is created.
    world.submit('early', 3600);
    world.advance(MIN);
    world.submit('late', 3600, 30, 600);
    while (world.warmPoolStatus('late') !== 'Available') world.advance(30_000);
    await world.deliver();
    await world.sweep();
    const reconciledAtMs = world.clock.now();
    expect((await ledger.getJob('early'))?.pool?.status).toBe('Available');
    expect((await ledger.getJob('late'))?.pool?.status).toBe('Available');

    world.submit('taker', 3600, 30, 3600);
    world.advance(30_000);
    await world.deliver();
    return reconciledAtMs;
  };

  const reconcile = async (fromMs: number, counted: string[]) => {
    const telemetry = { ...silentTelemetry, count: (metric: string) => void counted.push(metric) };
    while (world.clock.now() + MIN < fromMs + RECONCILE_EVERY_MS) {
      world.advance(MIN);
      await world.sweep({ telemetry });
    }
    world.advanceTo(fromMs + RECONCILE_EVERY_MS);
    const report = await world.sweep({ telemetry });
    expect(report.listed).toBe(true);
  };

  /** Every job's pool and reuse link as the ledger holds them, and as SageMaker shows them. */
  const ledgerAndTruth = async (names: readonly string[]) => {
    const ledgerView: unknown[] = [];
    const truth: unknown[] = [];
    for (const name of names) {
      const record = await ledger.getJob(name);
      const job = world.emulator.model.inspectJob(name);
      ledgerView.push({
        name,
        pool: record?.pool?.status,
        reusedByJob: record?.pool?.reusedByJob,
        reusedPoolOf: record?.reusedPoolOf,
        presumedTakenBy: record?.pool?.presumedTakenBy,
      });
      truth.push({
        name,
        pool: job?.warmPoolStatus,
        reusedByJob: job?.reusedByJob,
        reusedPoolOf: job?.reusedPoolOf,
        presumedTakenBy: undefined,
      });
    }
    return { ledgerView, truth };
  };

  it('under the assumed rule, the job takes the pool that expires soonest and the presumption is confirmed', async () => {
    const reconciledAtMs = await twoPoolsThenTaker('soonest-expiring');
    expect(world.emulator.model.inspectJob('taker')?.reusedPoolOf).toBe('early');
    expect((await ledger.getJob('early'))?.pool?.presumedTakenBy).toBe('taker');

    const counted: string[] = [];
    await reconcile(reconciledAtMs, counted);
    expect(counted).not.toContain('ReusesPresumedWrongly');
    const { ledgerView, truth } = await ledgerAndTruth(['early', 'late', 'taker']);
    expect(ledgerView).toEqual(truth);
  });

  it('under another rule, the wrong presumption is withdrawn at the next reconcile and the pool taken recorded Reused', async () => {
    const reconciledAtMs = await twoPoolsThenTaker('latest-available');
    // SageMaker (the emulator) handed over the pool that became Available last...
    expect(world.emulator.model.inspectJob('taker')?.reusedPoolOf).toBe('late');
    expect(world.warmPoolStatus('early')).toBe('Available');
    // ...while poolwarden presumed, by its assumption, the one that expires soonest.
    expect((await ledger.getJob('early'))?.pool?.presumedTakenBy).toBe('taker');
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('early');

    const counted: string[] = [];
    const toldBefore = world.told.length;
    await reconcile(reconciledAtMs, counted);
    expect(counted).toContain('ReusesPresumedWrongly');
    expect(world.told.slice(toldBefore)).toContainEqual(
      expect.objectContaining({ kind: 'reuse-withdrawn', toJob: 'taker' }),
    );
    expect((await ledger.getJob('late'))?.pool).toMatchObject({
      status: 'Reused',
      reusedByJob: 'taker',
      billableSeconds: world.emulator.model.inspectJob('late')?.billableSeconds,
    });
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('late');
    const early = await ledger.getJob('early');
    expect(early?.pool).toMatchObject({ status: 'Available' });
    expect(early?.pool?.presumedTakenBy).toBeUndefined();
    const { ledgerView, truth } = await ledgerAndTruth(['early', 'late', 'taker']);
    expect(ledgerView).toEqual(truth);

    // The taker ends on the pool it really took: the chain and the idle seconds stay SageMaker's.
    while (world.emulator.model.inspectJob('taker')?.status === 'InProgress') world.advance(5 * MIN);
    await world.deliver();
    // A reconcile period of sweeps, a minute apart: one of them lists.
    for (let minute = 0; minute <= RECONCILE_EVERY_MS / MIN; minute++) {
      world.advance(MIN);
      await world.sweep();
    }
    const after = await ledgerAndTruth(['early', 'late', 'taker']);
    expect(after.ledgerView).toEqual(after.truth);
  });
});
