import { describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import type { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { ListingPace, ON_TIME_ENDS_TO_SETTLE } from '../../lib/app/listingPace';
import type { SweepReport } from '../../lib/app/sweep';
import { MIN, RECONCILE_EVERY_MS, type SweepWorld } from '../support/sweepWorld';
import { sweepWorldsOnDynalite } from '../support/sweepWorldsOnDynalite';

/**
 * Events are hints; when they run late, the sweep asks SageMaker sooner (listingPace.ts). Calls
 * and outcomes, counted at the emulator; never time.
 */
describe('late end events: the sweep lists what changed every minute (emulator and dynalite)', () => {
  const worldOnDynalite = sweepWorldsOnDynalite();
  let world: SweepWorld;
  let ledger: DynamoLedger;
  let pace: ListingPace;

  const startWorld = async () => {
    ({ world, ledger } = await worldOnDynalite());
    pace = new ListingPace();
  };
  const calls = (operation: string) => world.emulator.callCounts()[operation]?.calls ?? 0;
  const sweep = () => {
    const deps = world.sweepDeps;
    if (!deps.reconciler) throw new Error('the world sweeps with a reconciler');
    return world.sweep({ reconciler: { ...deps.reconciler, pace } });
  };
  const isEnd = (event: TrainingJobStateChangeEvent) => event.detail.TrainingJobStatus === 'Completed';
  /** One scheduled minute: the events due are delivered (end events held back when `holdEnds`), then the sweep. */
  const minute = async (held: TrainingJobStateChangeEvent[] | undefined): Promise<SweepReport> => {
    await world.deliver((event) => {
      if (!held || !isEnd(event)) return false;
      held.push(event);
      return true;
    });
    const report = await sweep();
    world.advance(MIN);
    return report;
  };

  /** A world whose first job's end event is held back: the reconcile after its end finds it late. */
  const lateFirstEnd = async (held: TrainingJobStateChangeEvent[]): Promise<void> => {
    await startWorld();
    await sweep();
    world.submit('first', 1800);
    let report = await minute(held);
    while (!report.listed || report.adopted === 0) report = await minute(held);
    expect(pace.soonerListing).toBe(true);
  };

  it('events on time: never a listing between reconciles', async () => {
    await startWorld();
    await sweep();
    world.emulator.api.resetCallCounts();
    const reports: SweepReport[] = [];
    for (const name of ['a', 'b', 'c']) {
      world.submit(name, 1800, name === 'b' ? 50 : 30);
      for (let i = 0; i < 20; i++) reports.push(await minute(undefined));
    }
    expect(reports.some((r) => r.listedSooner)).toBe(false);
    expect(pace.soonerListing).toBe(false);
    // One listing a reconcile period (each a page), nothing more: 15, 30 and 45 minutes after the first.
    const reconciles = reports.filter((r) => r.listed).length;
    expect(reconciles).toBe((60 * MIN) / RECONCILE_EVERY_MS - 1);
    expect(calls('ListTrainingJobs')).toBe(reconciles);
    expect(reports.reduce((n, r) => n + r.adopted, 0)).toBe(0);
  });

  it('a late end found by a reconcile: the next late end is adopted by the sweep of the next minute, and its event later changes nothing', async () => {
    const held: TrainingJobStateChangeEvent[] = [];
    await lateFirstEnd(held);
    expect((await ledger.getJob('first'))?.pool).toMatchObject({ status: 'Available' });

    // Another key (no reuse of the first pool); its end event is held back too.
    world.submit('second', 1800, 50);
    const reports: SweepReport[] = [];
    do reports.push(await minute(held));
    while (world.emulator.model.inspectJob('second')?.endedAtMs === undefined);
    world.emulator.api.resetCallCounts();
    const report = await minute(held);
    // Its end is not past the grace yet: adopted all the same, by a listing between reconciles.
    expect(report).toMatchObject({ listed: false, listedSooner: true, adopted: 1, listCalls: 1 });
    expect(calls('ListTrainingJobs')).toBe(1);
    expect(calls('DescribeTrainingJob')).toBe(1);
    expect((await ledger.getJob('second'))?.job).toMatchObject({ status: 'Completed' });
    expect((await ledger.getJob('second'))?.pool).toMatchObject({ status: 'Available' });
    // Every sweep while the ends ran late listed once, and only what changed.
    expect(reports.every((r) => r.listed || r.listedSooner)).toBe(true);
    expect(reports.every((r) => r.listCalls === 1)).toBe(true);

    // The late events arrive at last: duplicates of what the ledger holds (but when it last looked).
    const { observedAtMs: _, ...before } = (await ledger.getJob('second'))?.pool ?? { observedAtMs: 0 };
    for (const event of held) await world.deliverEvent(event);
    expect((await ledger.getJob('second'))?.pool).toMatchObject(before);
    expect((await ledger.getJob('second'))?.job).toMatchObject({ status: 'Completed' });
    expect((await ledger.getJob('first'))?.pool).toMatchObject({ status: 'Available' });
  });

  it('late ends, then warm-pool ends whose events come on time: the sweep goes back to listing once a period', async () => {
    await lateFirstEnd([]);

    // Each on another key (no reuse), each keeping a pool, each end event delivered on time: the
    // ledger holds their pools Available when a listing names them.
    for (let i = 1; i <= ON_TIME_ENDS_TO_SETTLE; i++) world.submit(`on-time-${i}`, 1800, 30 + i);
    const ended = () =>
      Array.from({ length: ON_TIME_ENDS_TO_SETTLE }, (_, i) => `on-time-${i + 1}`).every(
        (name) => world.emulator.model.inspectJob(name)?.endedAtMs !== undefined,
      );
    while (!ended()) await minute(undefined);
    for (let i = 0; i < 3; i++) await minute(undefined);
    expect(pace.soonerListing).toBe(false);
    const after: SweepReport[] = [];
    for (let i = 0; i < 5; i++) after.push(await minute(undefined));
    expect(after.some((r) => r.listedSooner)).toBe(false);
  });
});
