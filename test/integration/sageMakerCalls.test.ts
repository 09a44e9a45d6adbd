import { describe, expect, it } from 'vitest';
import type { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { applyPoolAction } from '../../lib/app/applyPoolAction';
import { MIN, RECONCILE_EVERY_MS, STOP_AFTER_5M, type SweepWorld } from '../support/sweepWorld';
import { sweepWorldsOnDynalite } from '../support/sweepWorldsOnDynalite';

/**
 * What SageMaker is asked, counted at the emulator: the reconciler's guarantee must not turn into
 * polling. Counts, never timings.
 */
describe('SageMaker calls per job and per pool (emulator and dynalite)', () => {
  const worldOnDynalite = sweepWorldsOnDynalite();
  let world: SweepWorld;
  let ledger: DynamoLedger;

  const startWorld = async () => {
    ({ world, ledger } = await worldOnDynalite());
  };
  const calls = (operation: string) => world.emulator.callCounts()[operation]?.calls ?? 0;
  /** Sweeps every minute for `minutes`, delivering each minute's events first, as the deployment would. */
  const run = async (minutes: number) => {
    for (let minute = 0; minute < minutes; minute++) {
      await world.deliver();
      await world.sweep();
      world.advance(MIN);
    }
  };

  it('two chains of one key: one describe per job end, none at a warm start, one per pool that expired', async () => {
    await startWorld();
    // The first reconcile of an empty account: what it costs is not this test's subject.
    await world.sweep();
    world.emulator.api.resetCallCounts();
    // Two pools of the same key are Available at each warm start: SageMaker hands over the one
    // that expires sooner, and only that one is described.
    world.submit('spare', 1800);
    world.advance(MIN);
    world.submit('first', 1200);
    await run(12);
    world.submit('second', 1200);
    await run(12);
    world.submit('third', 600);
    // Long enough for the last pool and the spare to end, and for several reconcile periods.
    await run(90);

    expect(world.emulator.model.reuses().map((r) => [r.fromJob, r.toJob])).toEqual([
      ['first', 'second'],
      ['spare', 'third'],
    ]);
    expect((await ledger.getJob('first'))?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'second' });
    expect((await ledger.getJob('spare'))?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'third' });
    expect((await ledger.getJob('second'))?.pool).toMatchObject({ status: 'Terminated' });
    expect((await ledger.getJob('third'))?.pool).toMatchObject({ status: 'Terminated' });
    // Four ends (each described once) and the two pools that expired (each described once, at
    // its predicted end). The two warm starts presume the pool that expires sooner, which the
    // next reconcile's listing confirms (lib/domain/reusePresumption.ts): no describe. A job's end
    // does not describe a pool of its key that became Available after it started.
    expect(calls('DescribeTrainingJob')).toBe(4 + 2);
    // One listing a reconcile period, whatever happened in between.
    expect(calls('ListTrainingJobs')).toBeLessThanOrEqual(Math.ceil((115 * MIN) / RECONCILE_EVERY_MS));
    expect(calls('UpdateTrainingJob')).toBe(0);
  });

  it('a lost end event: the job recorded from its start is adopted with one describe, and no ListTags', async () => {
    await startWorld();
    await world.sweep();
    world.submit('lost-end', 3600);
    world.advance(MIN);
    await world.deliver();
    world.advance(10 * MIN);
    await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
    world.emulator.api.resetCallCounts();
    let report = await world.sweep();
    while (!report.listed) {
      world.advance(MIN);
      report = await world.sweep();
    }
    expect(report).toMatchObject({ adopted: 1 });
    expect((await ledger.getJob('lost-end'))?.pool).toMatchObject({ status: 'Available' });
    expect((await ledger.getJob('lost-end'))?.job).toMatchObject({ status: 'Completed', owner: 'alice' });
    expect(calls('DescribeTrainingJob')).toBe(1);
    expect(calls('ListTags')).toBe(0);
  });

  it('a pool someone else stopped: its end is read from the listing, not described', async () => {
    await startWorld();
    await world.sweep();
    world.submit('stopped-elsewhere', 3600);
    world.advance(10 * MIN);
    await run(2 * (RECONCILE_EVERY_MS / MIN));
    await world.sweepDeps.trainingJobs.setKeepAlive('stopped-elsewhere', 0);
    world.emulator.api.resetCallCounts();
    let report = await world.sweep();
    while (!report.listed) {
      world.advance(MIN);
      report = await world.sweep();
    }
    expect((await ledger.getJob('stopped-elsewhere'))?.pool).toMatchObject({
      status: 'Terminated',
      billableSeconds: expect.any(Number),
    });
    expect(calls('DescribeTrainingJob')).toBe(0);
  });

  it('a pool stopped as its end was recorded: the next sweep looks once and acts on it no more', async () => {
    await startWorld();
    world.submit('stopped-at-end', 3600);
    // Idle past the 5 minutes of STOP_AFTER_5M by the time it is stopped.
    world.advance(14 * MIN);
    await world.deliver();
    // This sweep claims the reconcile period, so that the next ones do not list.
    expect(await world.sweep()).toMatchObject({ listed: true });
    // The end's policy stops the pool at the instant of the end's describe, as the event handler
    // does in virtual time: the look before the stop is not a look past it.
    const head = await ledger.getJob('stopped-at-end');
    if (!head) throw new Error('the end event recorded no pool');
    const stopped = await applyPoolAction(world.sweepDeps, {
      head,
      action: 'stop',
      actor: 'policy:test',
      reason: 'idle',
      dryRun: false,
    });
    expect(stopped.decision.outcome).toBe('applied');
    expect(stopped.record.pool?.observedAtMs).toBe(stopped.record.pool?.expiresAtMs);
    world.emulator.api.resetCallCounts();
    // A policy that would stop it (idle past 5 minutes): SageMaker has released the pool, so an
    // update would be refused and cost a describe besides.
    const acting = { setup: { ...world.sweepDeps.setup, policy: STOP_AFTER_5M } };
    // A sweep at the very instant of the stop has nothing to look at yet, and nothing to decide.
    await world.sweep(acting);
    expect(calls('UpdateTrainingJob') + calls('DescribeTrainingJob')).toBe(0);
    for (let minute = 0; minute < 6; minute++) {
      world.advance(MIN);
      expect(await world.sweep(acting)).toMatchObject({ listed: false });
    }
    expect((await ledger.getJob('stopped-at-end'))?.pool).toMatchObject({
      status: 'Terminated',
      stoppedBy: 'policy:test',
      billableSeconds: expect.any(Number),
    });
    expect(calls('DescribeTrainingJob')).toBe(1);
    expect(calls('UpdateTrainingJob')).toBe(0);
    expect(world.decisions.all().map((d) => `${d.action}:${d.outcome}`)).toEqual(['stop:applied']);
  });
});
