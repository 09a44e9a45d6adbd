import { describe, expect, it } from 'vitest';
import type { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import type { SweepReport } from '../../lib/app/sweep';
import { usageStatsReactor } from '../../lib/app/usageStatsReactor';
import { DEFAULT_END_WATCH, SUGGESTED_END_WATCH_USD_PER_HOUR } from '../../lib/domain/endWatch';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { MIN, RECONCILE_EVERY_MS, type SweepWorld, sampleJob } from '../support/sweepWorld';
import { sweepWorldsOnDynalite } from '../support/sweepWorldsOnDynalite';

/** Two ml.p4d.24xlarge instances (about $75 an hour idle), a 20-minute run. */
const expensiveJob = (name: string, keepAliveSeconds: number) => ({
  ...sampleJob(name, keepAliveSeconds, 30, 20 * 60),
  instanceType: 'ml.p4d.24xlarge',
  instanceCount: 2,
});

/**
 * An expensive job's end event is lost: the sweep watches the job around the end its match key
 * taught, and records the end within a minute or two rather than at the next reconcile.
 */
describe('end watch: an expensive job ends before its event does (emulator and dynalite)', () => {
  const worldOnDynalite = sweepWorldsOnDynalite();
  let world: SweepWorld;
  let ledger: DynamoLedger;

  /** Delivers held events as the event handler would, learning from them as the deployed one does. */
  const deliverLearning = async (lose: (status: string) => boolean = () => false) => {
    for (const event of world.events.splice(0)) {
      if (lose(event.detail.TrainingJobStatus)) continue;
      await processJobStateChange(event, {
        ...world.sweepDeps,
        describeConcurrency: 2,
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        telemetry: silentTelemetry,
        reactors: [usageStatsReactor(world.stats, DEFAULT_PRICES)],
      });
    }
  };

  /** One key's first job runs with all its events; the second loses its end event. Sweeps every minute. */
  const endOfWatchedJob = async (watching: boolean) => {
    ({ world, ledger } = await worldOnDynalite());
    const overrides = watching
      ? { endWatch: { ...DEFAULT_END_WATCH, minUsdPerHour: SUGGESTED_END_WATCH_USD_PER_HOUR } }
      : {};
    // No keep-alive: the second job starts cold, as long as the first.
    world.emulator.submit(expensiveJob('teacher', 0));
    world.advance(30 * MIN);
    await deliverLearning();
    expect((await ledger.getJob('teacher'))?.job?.status).toBe('Completed');
    expect(
      await world.stats.recentRunDurations((await ledger.getJob('teacher'))?.job?.matchKey ?? '', 10),
    ).toHaveLength(1);

    const reports: SweepReport[] = [];
    world.emulator.submit(expensiveJob('watched', 1800));
    let endedAtMs: number | undefined;
    for (let minute = 0; minute < (3 * RECONCILE_EVERY_MS) / MIN; minute++) {
      await deliverLearning((status) => status !== 'InProgress');
      reports.push(await world.sweep(overrides));
      if ((await ledger.getJob('watched'))?.job?.status === 'Completed') break;
      world.advance(MIN);
      endedAtMs ??= world.emulator.model.inspectJob('watched')?.endedAtMs;
    }
    return { reports, endedAtMs: endedAtMs ?? Number.NaN, recordedAtMs: world.clock.now() };
  };

  it('records the end within two minutes of it, through the reconciler path, at a few describes', async () => {
    const { reports, endedAtMs, recordedAtMs } = await endOfWatchedJob(true);
    const record = await ledger.getJob('watched');
    expect(record?.job?.status).toBe('Completed');
    expect(recordedAtMs - endedAtMs).toBeLessThanOrEqual(2 * MIN);
    // Recorded as the reconciler would have (adopted), with its pool known; not at a listing.
    const last = reports.at(-1);
    expect(last).toMatchObject({ adopted: 1, listed: false });
    expect(record?.pool?.status).toBe('Available');
    // The window is the learnt run less and plus the margin: a dozen describes at most.
    const describes = reports.reduce((n, r) => n + r.watched, 0);
    expect(describes).toBeGreaterThan(0);
    expect(describes).toBeLessThanOrEqual(Math.ceil((2 * DEFAULT_END_WATCH.marginSeconds) / 60) + 2);
  });

  it('without the watch the same end waits for the next reconcile', async () => {
    const { reports, endedAtMs, recordedAtMs } = await endOfWatchedJob(false);
    expect((await ledger.getJob('watched'))?.job?.status).toBe('Completed');
    expect(reports.at(-1)).toMatchObject({ listed: true, watched: 0 });
    expect(recordedAtMs - endedAtMs).toBeGreaterThan(2 * MIN);
  });
});
