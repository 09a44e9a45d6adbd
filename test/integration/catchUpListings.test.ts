import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import {
  CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS,
  ListingPace,
  ON_TIME_ENDS_TO_SETTLE,
} from '../../lib/app/listingPace';
import { type SweepAccountsDeps, sweepAccounts } from '../../lib/app/sweepAccounts';
import { DEFAULT_CATCH_UP_EVERY_MS } from '../../lib/domain/catchUpEvery';
import type { Pause } from '../../lib/ports/pause';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';
import { MIN, STOP_AT_ONCE, SweepWorld, sampleJob } from '../support/sweepWorld';

/**
 * While end events run late, a sweep's invocation lists what changed every 10 s until
 * shortly before the next sweep (catchUpListings.ts). In virtual time: the pause moves the world's
 * clock and delivers the events due meanwhile, as the local stack's runner does; nothing sleeps.
 */
describe('the sweep catches up on late ends within its invocation (emulator and dynalite)', () => {
  let dynamo: LocalDynamo;
  let world: SweepWorld;
  let ledger: DynamoLedger;
  let pace: ListingPace;
  const held: TrainingJobStateChangeEvent[] = [];
  const waits: number[] = [];

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => dynamo.stop());
  afterEach(async () => world.stop());

  const isEnd = (event: TrainingJobStateChangeEvent) => event.detail.TrainingJobStatus === 'Completed';
  /** Delivers the events due, holding every end event back (they run late). */
  const deliverHoldingEnds = () =>
    world.deliver((event) => {
      if (!isEnd(event)) return false;
      held.push(event);
      return true;
    });
  const pause: Pause = {
    until: async (atMs) => {
      waits.push(atMs);
      world.advanceTo(atMs);
      await deliverHoldingEnds();
    },
  };
  const calls = (operation: string) => world.emulator.callCounts()[operation]?.calls ?? 0;
  const deps = (): SweepAccountsDeps => {
    const { reconciler } = world.sweepDeps;
    if (!reconciler) throw new Error('the world sweeps with a reconciler');
    return {
      ...world.sweepDeps,
      reconciler: { ...reconciler, pace },
      access: { check: async () => {} },
      catchUp: { pause, everyMs: DEFAULT_CATCH_UP_EVERY_MS },
    };
  };
  const startWorld = async () => {
    ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    world = await new SweepWorld({ ledger, policy: STOP_AT_ONCE }).start();
    pace = new ListingPace();
    held.length = 0;
    waits.length = 0;
  };
  /**
   * Sweeps every minute, end events held back, until a reconcile has found an end late; then one
   * more, which sees the first pool stopped (the ledger holds a pool stopped at adoption
   * Available until a sweep looks), so that what follows counts only the job under test.
   */
  const untilEndsRunLate = async () => {
    world.submit('first', 1800);
    while (!pace.soonerListing) {
      await deliverHoldingEnds();
      await sweepAccounts(deps());
      world.advance(MIN);
    }
    await sweepAccounts(deps());
    expect((await ledger.getJob('first'))?.pool).toMatchObject({ status: 'Terminated' });
  };

  it('a late end event: its pool is found and stopped within the catch-up interval, not at the next minute', async () => {
    await startWorld();
    await untilEndsRunLate();
    world.submit('late', 1800, 50, 600);
    while (world.emulator.model.inspectJob('late')?.startedAtMs === undefined) {
      await deliverHoldingEnds();
      world.advance(MIN);
    }
    const endsAtMs = (world.emulator.model.inspectJob('late')?.startedAtMs ?? 0) + 600_000;
    // An invocation that starts 15 s before the job ends: its own listing sees the job running.
    world.advanceTo(endsAtMs - 15_000);
    await deliverHoldingEnds();
    world.emulator.api.resetCallCounts();
    waits.length = 0;

    const report = await sweepAccounts(deps());
    expect(world.emulator.model.inspectJob('late')?.endedAtMs).toBe(endsAtMs);
    const stopped = world.decisions.all().find((d) => d.job === 'late');
    expect(stopped).toMatchObject({ action: 'stop', outcome: 'applied' });
    // Found by the first listing after the end has been left to its event, stopped then: idle
    // less than that allowance and one catch-up step, not until the next minute's sweep.
    const billable = world.emulator.model.inspectJob('late')?.billableSeconds ?? Number.POSITIVE_INFINITY;
    expect(billable).toBeLessThanOrEqual(
      (CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS + DEFAULT_CATCH_UP_EVERY_MS) / 1000,
    );
    expect(report.adopted).toBe(1);
    // Steps of 10 s from the invocation's start, the last one at least a step before the next sweep.
    const startMs = endsAtMs - 15_000;
    expect(waits).toEqual([10_000, 20_000, 30_000, 40_000, 50_000].map((s) => startMs + s));
    expect(report.catchUpListings).toBe(5);
    // The sweep's own listing and one a step; the end described once, when adopted.
    expect(calls('ListTrainingJobs')).toBe(6);
    expect(calls('DescribeTrainingJob')).toBe(1);
    // What the held end event says later changes nothing: the pool stays stopped, no second decision.
    for (const event of held.splice(0)) await world.deliverEvent(event);
    expect((await ledger.getJob('late'))?.pool).toMatchObject({ status: 'Terminated' });
    expect(world.decisions.all().filter((d) => d.job === 'late')).toHaveLength(1);
  });

  it('a pool dear enough idle is adopted at once, not left to its event: found within one step', async () => {
    await startWorld();
    await untilEndsRunLate();
    world.emulator.submit({
      ...sampleJob('dear', 1800, 50, 600),
      instanceType: 'ml.p4d.24xlarge',
      instanceCount: 4,
    });
    while (world.emulator.model.inspectJob('dear')?.startedAtMs === undefined) {
      await deliverHoldingEnds();
      world.advance(MIN);
    }
    const endsAtMs = (world.emulator.model.inspectJob('dear')?.startedAtMs ?? 0) + 600_000;
    world.advanceTo(endsAtMs - 15_000);
    await deliverHoldingEnds();
    const report = await sweepAccounts(deps());
    expect(report.adopted).toBe(1);
    expect(world.decisions.all().find((d) => d.job === 'dear')).toMatchObject({
      action: 'stop',
      outcome: 'applied',
    });
    // Found by the listing 5 s after its end ($2.51 a minute idle), not 20 s later.
    expect(world.emulator.model.inspectJob('dear')?.billableSeconds).toBeLessThanOrEqual(
      DEFAULT_CATCH_UP_EVERY_MS / 1000,
    );
  });

  it('end events on time: the sweep never waits and lists nothing more', async () => {
    await startWorld();
    world.submit('on-time', 1800);
    world.emulator.api.resetCallCounts();
    let listed = 0;
    for (let minute = 0; minute < 30; minute++) {
      await world.deliver();
      const report = await sweepAccounts(deps());
      expect(report.catchUpListings).toBe(0);
      if (report.listed) listed++;
      world.advance(MIN);
    }
    expect(waits).toEqual([]);
    expect(pace.soonerListing).toBe(false);
    expect(calls('ListTrainingJobs')).toBe(listed);
    expect(world.warmPoolStatus('on-time')).toBe('Terminated');
  });

  it('a job whose late event arrived while the sweep waited is not adopted again', async () => {
    await startWorld();
    await untilEndsRunLate();
    world.submit('arrives', 1800, 50, 600);
    while (world.emulator.model.inspectJob('arrives')?.startedAtMs === undefined) {
      await deliverHoldingEnds();
      world.advance(MIN);
    }
    const endsAtMs = (world.emulator.model.inspectJob('arrives')?.startedAtMs ?? 0) + 600_000;
    world.advanceTo(endsAtMs - 5_000);
    await deliverHoldingEnds();
    world.emulator.api.resetCallCounts();
    // This time the end event arrives 2 s after the end, before the next catch-up listing.
    const late: Pause = {
      until: async (atMs) => {
        if (world.clock.now() < endsAtMs + 2_000) {
          world.advanceTo(endsAtMs + 2_000);
          await world.deliver();
        }
        world.advanceTo(atMs);
      },
    };
    const report = await sweepAccounts({
      ...deps(),
      catchUp: { pause: late, everyMs: DEFAULT_CATCH_UP_EVERY_MS },
    });
    expect(report.catchUpListings).toBeGreaterThan(0);
    expect(report.adopted).toBe(0);
    expect((await ledger.getJob('arrives'))?.pool).toMatchObject({ status: 'Available' });
    // Described by its end event alone, not again by catching up; the next sweep decides for it.
    expect(calls('DescribeTrainingJob')).toBe(1);
    world.advanceTo(endsAtMs - 5_000 + MIN);
    await sweepAccounts(deps());
    expect(world.decisions.all().filter((d) => d.job === 'arrives')).toEqual([
      expect.objectContaining({ action: 'stop', outcome: 'applied' }),
    ]);
  });

  it('end events that recover to 15 s (on time by the grace) settle the pace while the sweep catches up', async () => {
    await startWorld();
    await untilEndsRunLate();
    // From now on every end event arrives 15 s after its end: later than a catch-up step.
    const delayed: { event: TrainingJobStateChangeEvent; atMs: number }[] = [];
    const deliverDelayed = async () => {
      await world.deliver((event) => {
        if (!isEnd(event)) return false;
        delayed.push({ event, atMs: Number(event.detail.TrainingEndTime) + 15_000 });
        return true;
      });
      const due = delayed.filter((d) => d.atMs <= world.clock.now());
      for (const d of due) {
        delayed.splice(delayed.indexOf(d), 1);
        await world.deliverEvent(d.event);
      }
    };
    const recovering: Pause = {
      until: async (atMs) => {
        // The held events come at their own instants within the wait, as the local stack's runner does.
        for (const d of [...delayed].sort((a, b) => a.atMs - b.atMs)) {
          if (d.atMs > atMs || d.atMs <= world.clock.now()) continue;
          world.advanceTo(d.atMs);
          await deliverDelayed();
        }
        world.advanceTo(atMs);
        await deliverDelayed();
      },
    };
    // 40 ends over 2 hours: a job every 3 minutes, the sweep every minute.
    for (let minute = 0; minute < 120; minute++) {
      if (minute % 3 === 0) world.submit(`recovering-${minute}`, 1800);
      await deliverDelayed();
      await sweepAccounts({ ...deps(), catchUp: { pause: recovering, everyMs: DEFAULT_CATCH_UP_EVERY_MS } });
      world.advance(MIN);
    }
    expect(pace.soonerListing).toBe(false);
  });

  it('an account whose every pool is dear settles in the same container once its end events recover', async () => {
    await startWorld();
    // Each end is adopted by a catch-up listing before its event can come (dear pools are not
    // left to their events): only the event's recorded arrival tells that it came on time.
    let delayMs = 3 * MIN;
    const delayed: { event: TrainingJobStateChangeEvent; atMs: number }[] = [];
    const deliverDue = async () => {
      await world.deliver((event) => {
        if (!isEnd(event)) return false;
        delayed.push({ event, atMs: Number(event.detail.TrainingEndTime) + delayMs });
        return true;
      });
      const due = delayed.filter((d) => d.atMs <= world.clock.now()).sort((a, b) => a.atMs - b.atMs);
      for (const d of due) {
        delayed.splice(delayed.indexOf(d), 1);
        await world.deliverEvent(d.event);
      }
    };
    const timely: Pause = {
      until: async (atMs) => {
        for (const d of [...delayed].sort((a, b) => a.atMs - b.atMs)) {
          if (d.atMs > atMs || d.atMs <= world.clock.now()) continue;
          world.advanceTo(d.atMs);
          await deliverDue();
        }
        world.advanceTo(atMs);
        await deliverDue();
      },
    };
    const submitDear = (name: string) =>
      world.emulator.submit({ ...sampleJob(name, 1800), instanceType: 'ml.p4d.24xlarge', instanceCount: 4 });
    const sweep = () =>
      sweepAccounts({ ...deps(), catchUp: { pause: timely, everyMs: DEFAULT_CATCH_UP_EVERY_MS } });
    const endedSince = (sinceMs: number) =>
      world.emulator.model
        .inspectJobs()
        .filter(
          (job) =>
            job.endedAtMs !== undefined && job.endedAtMs > sinceMs && job.endedAtMs <= world.clock.now(),
        ).length;

    // An hour of late end events, a dear job every 3 minutes: the sweep catches up.
    let minute = 0;
    for (; minute < 60; minute++) {
      if (minute % 3 === 0) submitDear(`dear-${minute}`);
      await deliverDue();
      await sweep();
      world.advance(MIN);
    }
    expect(pace.soonerListing).toBe(true);

    // The events recover to 15 s: the catch-up listings stop within a run of on-time ends.
    delayMs = 15_000;
    const recoveredAtMs = world.clock.now();
    let settledAfterEnds: number | undefined;
    let catchUpsAfterSettling = 0;
    for (; minute < 180; minute++) {
      if (minute % 3 === 0) submitDear(`dear-${minute}`);
      await deliverDue();
      const report = await sweep();
      if (settledAfterEnds !== undefined) catchUpsAfterSettling += report.catchUpListings;
      else if (!pace.soonerListing) settledAfterEnds = endedSince(recoveredAtMs);
      world.advance(MIN);
    }
    expect(settledAfterEnds).toBeDefined();
    // The ends whose events were still late when they recovered may restart the count once.
    expect(settledAfterEnds).toBeLessThanOrEqual(ON_TIME_ENDS_TO_SETTLE + 2);
    expect(catchUpsAfterSettling).toBe(0);
    expect(pace.soonerListing).toBe(false);
    // Caught up on before its event came, which was recorded when it came, 15 s after the end.
    const caughtUp = await ledger.getJob('dear-60');
    const endedAtMs = world.emulator.model.inspectJob('dear-60')?.endedAtMs ?? 0;
    expect(caughtUp?.pool?.observedAtMs).toBeLessThan(endedAtMs + 15_000);
    expect(caughtUp?.endEventAtMs).toBe(endedAtMs + 15_000);
  });
});
