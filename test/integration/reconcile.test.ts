import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { DynamoReconcileSchedule } from '../../lib/adapters/dynamo/dynamoReconcileSchedule';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { applyPoolAction, PENDING_ACTION_LEASE_MS } from '../../lib/app/applyPoolAction';
import type { LedgerFact } from '../../lib/app/ledgerFacts';
import { MissingPools } from '../../lib/app/missingPools';
import { OwedFacts } from '../../lib/app/owedFacts';
import type { ReconcileDeps } from '../../lib/app/reconcilePlan';
import { RecordedEnds } from '../../lib/app/recordedEnds';
import { handleSlackClick } from '../../lib/app/slackClick/handleSlackClick';
import type { SlackClickDeps } from '../../lib/app/slackClick/slackClickDeps';
import { StretchGuard } from '../../lib/app/stretchGuard';
import { usageStatsReactor } from '../../lib/app/usageStatsReactor';
import { historyDay } from '../../lib/domain/historyDay';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { DEFAULT_PRICES, hourlyPrice, instanceCostUsd } from '../../lib/domain/prices';
import { POOL_ACTION_IDS } from '../../lib/events/poolActions';
import type { Ledger } from '../../lib/ports/ledger';
import type { ReconcileOutcome } from '../../lib/ports/reconcileSchedule';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { crashable } from '../support/crashableLedger';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';
import {
  EXTEND_WHILE_ACTIVE,
  LEAVE_ALONE,
  MIN,
  MONDAY_NOON,
  policyOf,
  RECONCILE_EVERY_MS,
  STOP_AFTER_5M,
  SweepWorld,
  sampleJob,
} from '../support/sweepWorld';

/** `inner`, whose write of an action's outcome dies (the process with it) while `dying` says so. */
const diesAtOutcome = (inner: Ledger, dying: () => boolean): Ledger =>
  Object.assign(Object.create(inner) as Ledger, {
    recordKeepAlive: async (...args: Parameters<Ledger['recordKeepAlive']>) => {
      if (dying()) throw new Error('the process died');
      return inner.recordKeepAlive(...args);
    },
  });

/** What the ledger cannot learn from events it never got, the sweep's reconciler learns from SageMaker. */
describe('reconciliation: SageMaker is the truth (emulator and dynalite)', () => {
  let dynamo: LocalDynamo;
  let world: SweepWorld;
  let ledger: DynamoLedger;
  let throttled: (operation: string) => boolean;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
  });
  afterAll(async () => dynamo.stop());

  const startWorld = async (
    policy = STOP_AFTER_5M,
    wrap: (ledger: Ledger) => Ledger = (l) => l,
    presumeReuse = true,
  ) => {
    ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    world = await new SweepWorld({
      ledger: wrap(ledger),
      policy,
      throttle: (op) => throttled(op),
      presumeReuse,
    }).start();
  };
  /** A world whose reconcile period may stretch up to an hour while reconciles find nothing. */
  const startStretchingWorld = async (policy: typeof STOP_AFTER_5M) => {
    ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    world = await new SweepWorld({ ledger, policy, longestReconcileEveryMs: 60 * MIN }).start();
  };
  beforeEach(() => {
    throttled = () => false;
  });
  afterEach(async () => world.stop());

  it('a full listing throttled at its first page loses nothing the listing of what changed found before it', async () => {
    await startWorld(LEAVE_ALONE);
    const { outcomes, spied } = recordingReconciler(world);
    await world.sweep({ reconciler: spied }); // the first reconcile: the chain of listings begins
    world.submit('lost-all', 3600);
    world.advance(10 * MIN);
    world.events.splice(0); // every event of it lost
    world.advance(2 * MIN);

    // A forced reconcile: its listing of what changed is read, the full listing's first page is
    // throttled past the retries.
    let lists = 0;
    throttled = (op) => op === 'ListTrainingJobs' && ++lists === 2;
    const errors: string[] = [];
    const report = await world.sweep({
      reconciler: spied,
      forceReconcile: true,
      telemetry: { ...silentTelemetry, error: (message) => errors.push(message) },
    });
    throttled = () => false;
    expect(lists).toBeGreaterThanOrEqual(2);
    expect(report.adopted).toBe(1);
    expect(report.failures).toBe(1);
    // No page was read, so there is no place to resume from: the operator is told so.
    expect(errors).toContain('the full listing failed at its first page; the next reconcile lists in full');
    expect((await ledger.getJob('lost-all'))?.pool?.status).toBe('Available');
    // Recorded done, the full listing not (no part of it either).
    expect(report.fullList).toBe(false);
    expect(outcomes).toHaveLength(2);
    expect(outcomes[1]).toMatchObject({ fullList: false });
    expect(outcomes[1]?.fullListResume).toBeUndefined();
  });

  it('a pool only the full listing found, whose adoption failed, is listed again at the next reconcile, not a full period later', async () => {
    await startWorld(LEAVE_ALONE);
    const { outcomes, spied } = recordingReconciler(world);
    const sweep = () => world.sweep({ reconciler: spied });
    await sweep(); // the first reconcile, in full, before the job
    world.submit('extended', 3600);
    world.advance(10 * MIN);
    world.events.splice(0); // every event of it lost
    // No sweep runs for hours (the schedule was off) while someone keeps extending its pool: its
    // job was last modified when it ended, now older than any listing of what changed reaches.
    for (let extended = 0; extended < 8; extended++) {
      world.emulator.model.updateKeepAlive('extended', 3600);
      world.advance(55 * MIN);
    }
    world.emulator.model.updateKeepAlive('extended', 3600);

    // The chain of listings broke: the reconcile lists in full, and finds it, but SageMaker
    // throttles its adoption.
    throttled = (op) => op === 'DescribeTrainingJob' || op === 'ListTags';
    const broken = await sweep();
    throttled = () => false;
    expect(broken.fullList).toBe(true);
    expect(broken.adopted).toBe(0);
    expect(await ledger.getJob('extended')).toBeUndefined();
    expect(outcomes.at(-1)).toMatchObject({ fullList: false, fullListResume: expect.any(Object) });

    // The next lists what changed, which does not reach its job, and goes on with the full listing from it.
    world.advance(RECONCILE_EVERY_MS);
    const next = await sweep();
    expect(world.warmPoolStatus('extended')).toBe('Available');
    expect(next.adopted).toBe(1);
    expect((await ledger.getJob('extended'))?.pool?.status).toBe('Available');
    expect(outcomes.at(-1)).toMatchObject({ fullList: true });
    expect(outcomes.at(-1)?.fullListResume).toBeUndefined();
  });

  it('adopts a pool whose end event was lost: recorded, told, and stopped by the policy', async () => {
    await startWorld();
    world.submit('lost-end', 3600);
    world.advance(10 * MIN);
    await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
    expect((await ledger.getJob('lost-end'))?.job?.status).toBe('InProgress');
    world.advance(6 * MIN);

    const report = await world.sweep();
    expect(report).toMatchObject({ listed: true, adopted: 1 });
    const adopted = await ledger.getJob('lost-end');
    expect(adopted?.job?.status).toBe('Completed');
    expect(adopted?.job?.owner).toBe('alice');
    expect(world.told.map((f) => f.kind)).toContain('pool-available');
    // Idle for more than 5 minutes by the time it is adopted: the policy stops it in the same sweep.
    expect(world.warmPoolStatus('lost-end')).toBe('Terminated');
    expect(world.decisions.all()).toEqual([
      expect.objectContaining({ job: 'lost-end', action: 'stop', outcome: 'applied' }),
    ]);
  });

  it('adopts a pool of a job none of whose events arrived, and records a reuse only SageMaker saw', async () => {
    await startWorld(LEAVE_ALONE);
    world.submit('unseen', 3600);
    world.advance(10 * MIN);
    await world.deliver(() => true);
    await world.sweep();
    expect((await ledger.getJob('unseen'))?.pool?.status).toBe('Available');
    // A matching job takes the pool; its events are lost too.
    world.submit('taker', 0);
    world.advance(RECONCILE_EVERY_MS);
    await world.deliver(() => true);
    await world.sweep();
    expect((await ledger.getJob('unseen'))?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'taker' });
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('unseen');
  });

  it('lists once per reconcile period, and describes a known pool at most once per period', async () => {
    await startWorld(LEAVE_ALONE);
    world.submit('known', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.emulator.api.resetCallCounts();
    for (let minute = 0; minute < 30; minute++) {
      await world.sweep();
      world.advance(MIN);
    }
    const calls = world.emulator.callCounts();
    // Two periods in 30 minutes: two listings; the pool is listed Available, so never described.
    expect(calls.ListTrainingJobs?.calls).toBeLessThanOrEqual(4);
    expect(calls.DescribeTrainingJob?.calls ?? 0).toBe(0);
    // Past its predicted end it is described once, not every minute.
    world.advance(30 * MIN);
    for (let minute = 0; minute < 5; minute++) {
      await world.sweep();
      world.advance(MIN);
    }
    expect(world.emulator.callCounts().DescribeTrainingJob?.calls ?? 0).toBe(1);
  });

  it('stretches the period while reconciles find nothing, and comes back to the base when a listing finds a lost end', async () => {
    await startStretchingWorld(LEAVE_ALONE);
    const start = world.clock.now();
    const reconciles: number[] = [];
    let found: Awaited<ReturnType<SweepWorld['sweep']>> | undefined;
    for (let minute = 0; minute <= 180; minute++) {
      if (minute === 110) world.submit('lost-end', 3600);
      await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
      const report = await world.sweep();
      if (report.listed) {
        reconciles.push(minute);
        expect(report.nextReconcileAtMs).toBeGreaterThan(world.clock.now());
      }
      if (report.adopted > 0) found = report;
      world.advance(MIN);
    }
    // 15, 30, then 60 minutes while nothing is found; the one that adopts the lost end brings the base back.
    expect(reconciles).toEqual([0, 15, 45, 105, 165, 180]);
    expect(found).toMatchObject({ listed: true, adopted: 1 });
    expect(found?.nextReconcileAtMs).toBe(start + 180 * MIN);
    expect((await ledger.getJob('lost-end'))?.job?.status).toBe('Completed');
  });

  it('lists from the last listing done, not from a reconcile that died after its claim, and comes back to the base', async () => {
    await startStretchingWorld(LEAVE_ALONE);
    const reconciler = world.sweepDeps.reconciler;
    if (!reconciler) throw new Error('the world reconciles');
    const reconciles: number[] = [];
    for (let minute = 0; minute <= 200; minute++) {
      // No pool: once its end is lost, only a listing of what changed can tell that it ended.
      if (minute === 110) world.submit('lost-end', 0);
      await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
      if (minute === 165) {
        // The reconcile due now claims, then its invocation dies before it lists anything.
        expect(
          (await reconciler.schedule.claim(world.clock.now(), RECONCILE_EVERY_MS, 'granted')).claimed,
        ).toBe(true);
      } else if ((await world.sweep()).listed) reconciles.push(minute);
      world.advance(MIN);
    }
    // The claim that died vouches for nothing: the next lists from the one at 105, and keeps the base.
    expect(reconciles).toEqual([0, 15, 45, 105, 180, 195]);
    expect((await ledger.getJob('lost-end'))?.job?.status).toBe('Completed');
  });

  it('after a stretch past the longest, a reconcile that died after its claim still leaves the next listing what changed since the last listing done', async () => {
    ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    world = await new SweepWorld({
      ledger,
      policy: LEAVE_ALONE,
      longestReconcileEveryMs: 60 * MIN,
      idleLongestReconcileEveryMs: 120 * MIN,
    }).start();
    const reconciler = world.sweepDeps.reconciler;
    if (!reconciler) throw new Error('the world reconciles');
    const reconciles: number[] = [];
    for (let minute = 0; minute <= 250; minute++) {
      // No pool: once its events are lost, only a listing of what changed can tell that it ran and ended.
      if (minute === 120) world.submit('lost-all', 0);
      await world.deliver(() => true);
      if (minute === 225) {
        // Due after two quiet hours; the reconcile claims, then its invocation dies before it lists anything.
        expect(
          (await reconciler.schedule.claim(world.clock.now(), RECONCILE_EVERY_MS, 'granted')).claimed,
        ).toBe(true);
      } else if ((await world.sweep()).listed) reconciles.push(minute);
      world.advance(MIN);
    }
    // The next reconcile reaches back to the one at 105, two hours and a quarter before it: still
    // within the chain, as the longest period granted was two hours.
    expect(reconciles).toEqual([0, 15, 45, 105, 240]);
    expect((await ledger.getJob('lost-all'))?.job?.status).toBe('Completed');
  });

  /**
   * A busy account's first 110 minutes: a job submitted each minute (`submit`), its events
   * delivered just after the sweep. The minutes the sweep reconciled, and what `count` summed
   * over the reports of those reconciles.
   */
  const busyAccount = async (
    submit: (minute: number) => void,
    count: (report: Awaited<ReturnType<SweepWorld['sweep']>>) => number,
  ): Promise<{ reconciles: number[]; counted: number }> => {
    await startStretchingWorld(LEAVE_ALONE);
    const reconciles: number[] = [];
    let counted = 0;
    for (let minute = 0; minute <= 110; minute++) {
      submit(minute);
      const report = await world.sweep();
      if (report.listed) {
        reconciles.push(minute);
        counted += count(report);
      }
      await world.deliver();
      world.advance(MIN);
    }
    return { reconciles, counted };
  };

  it('stretches in a busy account whose end events come on time, a few seconds behind the listing', async () => {
    // A job ends every minute, half of them leaving a pool none reuses.
    const { reconciles, counted: adopted } = await busyAccount(
      (minute) => world.submit(`busy-${minute}`, minute % 2 === 0 ? 600 : 0, 30 + minute),
      (report) => report.adopted,
    );
    // The sweep adopts the ends it lists before their events come, and is not surprised by them.
    expect(adopted).toBeGreaterThan(0);
    expect(reconciles).toEqual([0, 15, 45, 105]);
  });

  it('stretches in a busy account whose jobs reuse pools, the start events a few seconds behind the listing', async () => {
    // A job a minute, each taking the pool of one that ended.
    const { reconciles, counted: reconciled } = await busyAccount(
      (minute) => world.submit(`reusing-${minute}`, 600),
      (report) => report.reconciled,
    );
    // The reconciles find pools reused before the taker's start event told them, and are not surprised.
    expect(reconciled).toBeGreaterThan(0);
    expect(reconciles).toEqual([0, 15, 45, 105]);
  });

  it('stretches while a pool extended past the recent window stays Available, and not once it closes early', async () => {
    await startStretchingWorld(LEAVE_ALONE);
    world.submit('held', 3600);
    const reconciles: string[] = [];
    for (let minute = 0; minute <= 600; minute++) {
      await world.deliver();
      // Kept alive another hour every half hour, as a hold would, until minute 570; then stopped
      // outside poolwarden with no event to tell, well before its predicted end.
      if (minute >= 30 && minute % 30 === 0 && minute <= 570) {
        await world.sweepDeps.trainingJobs.setKeepAlive('held', 3600);
        await ledger.recordKeepAlive('held', {
          keepAliveSeconds: 3600,
          expiresAtMs: world.clock.now() + 60 * MIN,
        });
      }
      if (minute === 580) await world.sweepDeps.trainingJobs.setKeepAlive('held', 0);
      const report = await world.sweep();
      if (report.listed)
        reconciles.push(`${minute}${report.nextReconcileAtMs === world.clock.now() + 15 * MIN ? '' : '+'}`);
      world.advance(MIN);
    }
    // Past the recent window (about minute 380) it is described at each reconcile, found Available
    // as the ledger holds it: nothing closed early. Stopped before its predicted end, it is.
    expect(reconciles).toEqual([
      '0',
      '15+',
      '45+',
      '105+',
      '165+',
      '225+',
      '285+',
      '345+',
      '405+',
      '465+',
      '525+',
      '585',
      '600+',
    ]);
    expect(world.warmPoolStatus('held')).toBe('Terminated');
  });

  it('trusts nothing of an item the version before the recorded listings wrote: its claim is a surprise', async () => {
    const table = await dynamo.createLedgerTable();
    ledger = new DynamoLedger(dynamo.client, table);
    world = await new SweepWorld({ ledger, policy: LEAVE_ALONE, longestReconcileEveryMs: 60 * MIN }).start();
    const reconciler = world.sweepDeps.reconciler;
    if (!reconciler) throw new Error('the world reconciles');
    const now = world.clock.now();
    // As the fixed period wrote it (a start alone), and as the adaptive one did (a due time, no surprise).
    for (const item of [
      { startedAtMs: now - 20 * MIN },
      { startedAtMs: now - 20 * MIN, dueAtMs: now - 5 * MIN },
    ]) {
      await dynamo.client.send(
        new PutCommand({ TableName: table, Item: { pk: 'RECONCILE', sk: 'SWEEP', ...item } }),
      );
      const report = await world.sweep({
        reconciler: { ...reconciler, schedule: new DynamoReconcileSchedule(dynamo.client, table) },
      });
      // Listed in full, the base period next, and recorded as the account's last surprise.
      expect(report).toMatchObject({
        listed: true,
        fullList: true,
        nextReconcileAtMs: now + RECONCILE_EVERY_MS,
      });
      const { Item } = await dynamo.client.send(
        new GetCommand({ TableName: table, Key: { pk: 'RECONCILE', sk: 'SWEEP' } }),
      );
      expect(Item).toMatchObject({ startedAtMs: now, lastSurpriseAtMs: now, listedAtMs: now });
    }
  });

  it('keeps the base period while a job runs whose pool would be dear idle, and stretches once it ended', async () => {
    await startStretchingWorld(STOP_AFTER_5M);
    // Four ml.p4d.24xlarge: about $150 an hour idle; its lost end would cost $25 in 10 minutes.
    world.emulator.submit({
      ...sampleJob('dear', 3600, 30, 100 * 60),
      instanceType: 'ml.p4d.24xlarge',
      instanceCount: 4,
    });
    const reconciles: number[] = [];
    for (let minute = 0; minute <= 240; minute++) {
      await world.deliver();
      if ((await world.sweep()).listed) reconciles.push(minute);
      world.advance(MIN);
    }
    // Running until about minute 100, its pool stopped by the policy 5 minutes later.
    expect(reconciles.filter((m) => m <= 105)).toEqual([0, 15, 30, 45, 60, 75, 90, 105]);
    expect(reconciles.filter((m) => m > 105)).toEqual([135, 195]);
  });

  it('lets a dear running job bound the stretch only within a day of the last surprise', async () => {
    await startStretchingWorld(STOP_AFTER_5M);
    // The first reconcile is the last surprise on record: a day of quiet ones follows.
    const DAY_MIN = 24 * 60;
    const reconciles: number[] = [];
    for (let minute = 0; minute <= DAY_MIN + 180; minute++) {
      if (minute === DAY_MIN + 30)
        world.emulator.submit({
          ...sampleJob('dear-after-a-day', 3600, 30, 100 * 60),
          instanceType: 'ml.p4d.24xlarge',
          instanceCount: 4,
        });
      await world.deliver();
      if ((await world.sweep()).listed) reconciles.push(minute);
      world.advance(MIN);
    }
    // Trusted by then: the dear job, running from minute 1470 to about 1570, leaves the hourly pace.
    expect(reconciles.filter((m) => m >= DAY_MIN - 60)).toEqual([1425, 1485, 1545, 1605]);
  });

  /**
   * Minute by minute up to `lastMinute`, sweeping with `sweepAt`: four ml.p4d.24xlarge (about $150
   * an hour idle) started at minute 470, 5 minutes into a 4-hour stretch, their end event lost.
   */
  const dearJobDuringStretch = async (
    lastMinute: number,
    sweepAt: (minute: number) => Promise<{ listed: boolean; adopted: number }>,
  ) => {
    const reconciles: number[] = [];
    let adoptedAt: number | undefined;
    for (let minute = 0; minute <= lastMinute; minute++) {
      if (minute === 470)
        world.emulator.submit({
          ...sampleJob('dear', 3600, 30, 30 * 60),
          instanceType: 'ml.p4d.24xlarge',
          instanceCount: 4,
        });
      await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
      const report = await sweepAt(minute);
      if (report.listed) reconciles.push(minute);
      if (report.adopted > 0) adoptedAt ??= minute;
      world.advance(MIN);
    }
    return { reconciles, adoptedAt };
  };

  it('stretches past the longest while no dear job runs; a dear job started meanwhile brings the base pace back, and its lost end is found', async () => {
    ledger = new DynamoLedger(dynamo.client, await dynamo.createLedgerTable());
    world = await new SweepWorld({
      ledger,
      policy: LEAVE_ALONE,
      longestReconcileEveryMs: 60 * MIN,
      idleLongestReconcileEveryMs: 240 * MIN,
    }).start();
    const { reconciles, adoptedAt } = await dearJobDuringStretch(560, () => world.sweep());
    // Nothing runs: 15, 30, 60, then past the hour, 120 and 240 minutes. At the first hourly look at the
    // running jobs during the stretch (minute 525) the dear job holds it to the hour: the reconcile comes
    // then, not at minute 705, and adopts the lost end.
    expect(reconciles.filter((m) => m <= 525)).toEqual([0, 15, 45, 105, 225, 465, 525]);
    expect(adoptedAt).toBe(525);
    expect((await ledger.getJob('dear'))?.job?.status).toBe('Completed');
  });

  it('a new container watches a stretch past the longest that another granted: the dear job started meanwhile is found as soon as in the container that granted it', async () => {
    const table = await dynamo.createLedgerTable();
    ledger = new DynamoLedger(dynamo.client, table);
    world = await new SweepWorld({
      ledger,
      policy: STOP_AFTER_5M,
      longestReconcileEveryMs: 60 * MIN,
      idleLongestReconcileEveryMs: 240 * MIN,
    }).start();
    const base = world.sweepDeps.reconciler;
    if (!base) throw new Error('the world reconciles');
    // Each container has its own guard and its own knowledge of the schedule's item, shared in DynamoDB.
    const container = (): ReconcileDeps => ({
      ...base,
      schedule: new DynamoReconcileSchedule(dynamo.inProcessClient, table),
      stretch: { guard: new StretchGuard(), prices: DEFAULT_PRICES },
    });
    const granting = container();
    // Lambda gives the sweep a new execution environment a minute after the reconcile that granted 240 minutes.
    const recycled = container();
    const { reconciles, adoptedAt } = await dearJobDuringStretch(530, (minute) =>
      world.sweep({ reconciler: minute < 466 ? granting : recycled }),
    );
    // The new container reads the stretch off the item its first claim is refused with, and reads
    // the running jobs when the container that granted it would have (minute 525), not at minute 705.
    expect(reconciles).toEqual([0, 15, 45, 105, 225, 465, 525]);
    expect(adoptedAt).toBe(525);
    expect((await ledger.getJob('dear'))?.job?.status).toBe('Completed');
  });

  it('learns at the next reconcile, not at the daily full listing, that someone else stopped a known pool', async () => {
    await startWorld(LEAVE_ALONE);
    world.submit('stopped-elsewhere', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    // Two reconcile periods on, the job's end is older than what a changed-jobs listing looks back at.
    for (let minute = 0; minute < 2 * RECONCILE_EVERY_MS; minute += MIN) {
      await world.sweep();
      world.advance(MIN);
    }
    expect((await ledger.getJob('stopped-elsewhere'))?.pool?.status).toBe('Available');
    // An operator stops it from the console: no event tells, and its job's LastModifiedTime stays.
    await world.sweepDeps.trainingJobs.setKeepAlive('stopped-elsewhere', 0);
    expect(world.warmPoolStatus('stopped-elsewhere')).toBe('Terminated');
    let report = await world.sweep();
    while (!report.listed) {
      world.advance(MIN);
      report = await world.sweep();
    }
    expect(report).toMatchObject({ listed: true, fullList: false, listCalls: 1 });
    // Still well before its predicted end: only the listing can have told.
    expect(world.clock.now()).toBeLessThan(
      (await ledger.getJob('stopped-elsewhere'))?.pool?.expiresAtMs ?? 0,
    );
    expect((await ledger.getJob('stopped-elsewhere'))?.pool).toMatchObject({ status: 'Terminated' });
    expect(world.told.map((f) => f.kind)).toContain('pool-ended');
  });

  it('finds a lost end from what changed since the last reconcile, without reading the running jobs', async () => {
    let runningReads = 0;
    await startWorld(LEAVE_ALONE, (inner) =>
      Object.assign(Object.create(inner) as Ledger, {
        runningJobs: (...args: Parameters<Ledger['runningJobs']>) => {
          runningReads++;
          return inner.runningJobs(...args);
        },
      }),
    );
    // The first reconcile has no previous one to list changes since: it reads the running jobs.
    await world.sweep();
    expect(runningReads).toBe(1);
    world.submit('lost-later', 3600);
    world.advance(MIN);
    await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
    expect((await ledger.getJob('lost-later'))?.job?.status).toBe('InProgress');
    world.advance(10 * MIN);
    await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
    let report = await world.sweep();
    while (!report.listed) {
      world.advance(MIN);
      report = await world.sweep();
    }
    expect(report).toMatchObject({ listed: true, adopted: 1 });
    expect((await ledger.getJob('lost-later'))?.job?.status).toBe('Completed');
    // The listing of what changed named the ended job; the ledger was asked for it alone.
    expect(runningReads).toBe(1);
  });

  it('an end event whose handling died before its write leaves the job running, its pool InUse: the reconcile adopts it and links the reuse that followed', async () => {
    let dies = false;
    await startWorld(LEAVE_ALONE, (inner) =>
      Object.assign(Object.create(inner) as Ledger, {
        recordEnd: (...args: Parameters<Ledger['recordEnd']>) => {
          if (dies) throw new Error('the invocation died');
          return inner.recordEnd(...args);
        },
      }),
    );
    await world.sweep();
    world.submit('giver', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.submit('taker', 3600);
    world.advance(MIN);
    await world.deliver();
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('giver');
    world.advance(10 * MIN);
    // The taker's end: the job is described, then the invocation dies and its retries are lost.
    // Its end and its pool are one write: neither is recorded.
    dies = true;
    await expect(world.deliver()).rejects.toThrow('the invocation died');
    dies = false;
    expect(await ledger.getJob('taker')).toMatchObject({
      job: { status: 'InProgress' },
      pool: { status: 'InUse' },
    });
    // A third job takes the pool; none of its events arrive.
    world.submit('third', 3600);
    world.advance(MIN);
    await world.deliver(() => true);
    expect(world.emulator.model.reuses().map((r) => [r.fromJob, r.toJob])).toContainEqual(['taker', 'third']);

    let report = await world.sweep();
    while (!report.listed) {
      world.advance(MIN);
      report = await world.sweep();
    }
    expect(report).toMatchObject({ adopted: 1 });
    expect((await ledger.getJob('taker'))?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'third' });
    expect((await ledger.getJob('third'))?.reusedPoolOf).toBe('taker');
  });

  it('reads an ended job the listing names again at the next reconcile only once per container', async () => {
    const named: string[][] = [];
    await startWorld(LEAVE_ALONE, (inner) =>
      Object.assign(Object.create(inner) as Ledger, {
        getJobs: (names: readonly string[]) => {
          if (names.length > 0) named.push([...names]);
          return inner.getJobs(names);
        },
      }),
    );
    const recordedEnds = new RecordedEnds();
    const reconciler = world.sweepDeps.reconciler;
    if (!reconciler) throw new Error('the world sweeps with a reconciler');
    const sweepOnce = () => world.sweep({ reconciler: { ...reconciler, recordedEnds } });
    await sweepOnce();
    // Without a pool: the listing names it only as an ended job the ledger knows.
    world.submit('plain', 0);
    world.advance(10 * MIN);
    await world.deliver();
    expect((await ledger.getJob('plain'))?.job?.status).toBe('Completed');
    let reconciles = 0;
    for (let minute = 0; minute < 3 * RECONCILE_EVERY_MS; minute += MIN) {
      world.advance(MIN);
      if ((await sweepOnce()).listed) reconciles++;
    }
    expect(reconciles).toBeGreaterThanOrEqual(2);
    // Named by two listings of what changed (they overlap by a period), read once.
    expect(named.flat().filter((name) => name === 'plain')).toEqual(['plain']);
  });

  it('finishes an action whose invocation died between UpdateTrainingJob and the ledger write', async () => {
    let crash = true;
    await startWorld(STOP_AFTER_5M, (inner) => diesAtOutcome(inner, () => crash));
    world.submit('crashed', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(6 * MIN);
    await world.sweep();
    crash = false;
    expect(world.warmPoolStatus('crashed')).toBe('Terminated');
    expect((await ledger.getJob('crashed'))?.pendingAction).toMatchObject({
      action: 'stop',
      keepAliveSeconds: 0,
    });
    // The decision is written before the write that clears the intent: in the audit already, but nobody told.
    expect(world.decisions.all()).toEqual([expect.objectContaining({ action: 'stop', outcome: 'applied' })]);
    expect(world.actionsTold).toEqual([]);

    // The next sweeps leave the intent to its invocation until the lease runs out, then ask SageMaker.
    world.advance(PENDING_ACTION_LEASE_MS + MIN);
    const report = await world.sweep();
    expect(report.finished).toBe(1);
    expect(world.decisions.all()).toEqual([
      expect.objectContaining({
        job: 'crashed',
        action: 'stop',
        outcome: 'applied',
        actor: 'policy:defaults',
      }),
    ]);
    const record = await ledger.getJob('crashed');
    expect(record?.pendingAction).toBeUndefined();
    expect(record?.pool).toMatchObject({ status: 'Terminated', stoppedBy: 'policy:defaults' });
    expect(world.actionsTold.map((r) => r.decision.outcome)).toEqual(['applied']);
  });

  it('finishes a died action at once when a reconcile within its lease finds the pool gone: the stop is not lost with the pool', async () => {
    let throttle = false;
    await startWorld();
    const record = world.decisions.record.bind(world.decisions);
    world.decisions.record = async (decision) => {
      if (throttle) throw Object.assign(new Error('throughput exceeded'), { name: 'ThrottlingException' });
      return record(decision);
    };
    await world.sweep();
    world.submit('crashed', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(6 * MIN);
    // The policy's stop: SageMaker takes it, then the decision's write is throttled past the SDK's retries.
    throttle = true;
    await world.sweep();
    throttle = false;
    expect(world.warmPoolStatus('crashed')).toBe('Terminated');
    expect((await ledger.getJob('crashed'))?.pendingAction).toBeDefined();
    expect(world.decisions.all()).toEqual([]);
    // Within the lease, a reconcile's listing no longer shows the pool Available: the pool leaves
    // the index, and with it the only way back to its intent.
    world.advance(2 * MIN);
    await world.sweep({ forceReconcile: true });
    expect(world.decisions.all()).toEqual([
      expect.objectContaining({
        job: 'crashed',
        action: 'stop',
        outcome: 'applied',
        actor: 'policy:defaults',
      }),
    ]);
    expect(world.actionsTold.map((r) => r.decision.outcome)).toEqual(['applied']);
    const after = await ledger.getJob('crashed');
    expect(after?.pendingAction).toBeUndefined();
    expect(after?.pool).toMatchObject({ status: 'Terminated', stoppedBy: 'policy:defaults' });
  });

  it('finishes a died extend at once when a new job takes the pool within its lease: the start event finds it Reused', async () => {
    let crash = false;
    await startWorld(EXTEND_WHILE_ACTIVE, (inner) => diesAtOutcome(inner, () => crash));
    world.submit('extended', 600);
    world.advance(10 * MIN);
    await world.deliver();
    await world.stats.noteSubmission('alice', world.clock.now());
    const expiry = (await ledger.getJob('extended'))?.pool?.expiresAtMs ?? 0;
    world.advanceTo(expiry - 5 * MIN);
    // The policy's extend: SageMaker takes it, then the invocation dies before the ledger's write.
    crash = true;
    await world.sweep();
    crash = false;
    expect((await ledger.getJob('extended'))?.pendingAction).toMatchObject({ action: 'extend' });
    expect(world.actionsTold).toEqual([]);
    // Within the lease, the next job of the key takes the pool; its start event describes it Reused.
    world.submit('next', 0);
    world.advance(MIN);
    await world.deliver();
    expect(world.warmPoolStatus('extended')).toBe('Reused');
    const pool = await ledger.getJob('extended');
    expect(pool?.pendingAction).toBeUndefined();
    expect(pool?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'next' });
    expect(world.decisions.all()).toEqual([
      expect.objectContaining({ job: 'extended', action: 'extend', outcome: 'applied' }),
    ]);
    expect(world.actionsTold.map((r) => [r.decision.action, r.decision.outcome])).toEqual([
      ['extend', 'applied'],
    ]);
  });

  it('records "unknown" when SageMaker cannot be asked what happened, keeps the intent, and the next sweep finishes it: the policy decides afresh', async () => {
    await startWorld();
    world.submit('foggy', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(6 * MIN);
    throttled = (op) => op === 'UpdateTrainingJob' || op === 'DescribeTrainingJob';
    const first = await world.sweep();
    expect(first.failures).toBe(1);
    expect(world.decisions.all()).toEqual([
      expect.objectContaining({ job: 'foggy', action: 'stop', outcome: 'unknown' }),
    ]);
    const foggy = await ledger.getJob('foggy');
    expect(foggy?.pool?.status).toBe('Available');
    // The intent stays, marked: no other action takes the pool, and the next finder need not wait for its lease.
    expect(foggy?.pendingAction).toMatchObject({ action: 'stop', unknownSinceMs: world.clock.now() });
    const intentKey = foggy?.pendingAction?.dedupeKey;

    // SageMaker still cannot be asked: still unknown, counted again, recorded once.
    world.advance(MIN);
    const second = await world.sweep();
    expect(second.failures).toBe(1);
    expect(world.decisions.all()).toHaveLength(1);
    expect((await ledger.getJob('foggy'))?.pendingAction?.dedupeKey).toBe(intentKey);

    throttled = () => false;
    world.advance(MIN);
    world.emulator.api.resetCallCounts();
    const third = await world.sweep();
    expect(third.finished).toBe(1);
    expect(world.emulator.callCounts().UpdateTrainingJob?.calls).toBe(1);
    expect(world.warmPoolStatus('foggy')).toBe('Terminated');
    // SageMaker never took the policy's stop: it is closed under its own key, beside the "unknown"
    // it had, and the policy decides afresh from today's setup (here: stop again, under a new key).
    const decided = world.decisions.all();
    expect(decided.map((d) => [d.outcome, d.dedupeKey])).toEqual([
      ['unknown', `${intentKey}#unknown`],
      ['failed', intentKey],
      ['applied', decided[2]?.dedupeKey],
    ]);
    expect(decided[1]?.error).toMatch(/not carried out; the policy decides afresh/);
    expect(decided[2]).toMatchObject({ action: 'stop', actor: 'policy:defaults' });
    expect(world.actionsTold.map((r) => r.decision.outcome)).toContain('applied');
    expect((await ledger.getJob('foggy'))?.pendingAction).toBeUndefined();
    // Nothing is left to do: the next sweep records the end and stops nothing twice.
    world.advance(MIN);
    await world.sweep();
    expect((await ledger.getJob('foggy'))?.pool).toMatchObject({
      status: 'Terminated',
      stoppedBy: 'policy:defaults',
    });
    expect(world.decisions.all()).toHaveLength(3);
  });

  it('stops taking work at its deadline and keeps, pool by pool, what it learnt', async () => {
    await startWorld(LEAVE_ALONE);
    world.submit('early', 600);
    world.submit('late', 600, 50);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(20 * MIN);
    expect(world.warmPoolStatus('early')).toBe('Terminated');
    // Time for the listing and one pool, then the deadline.
    let left = 2;
    world.remainingMs = () => (left-- > 0 ? 30_000 : 0);
    const report = await world.sweep();
    expect(report.deferred).toBeGreaterThan(0);
    // The pools reached before the deadline are recorded as ended, and told.
    const ended = world.told.filter((f) => f.kind === 'pool-ended');
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.length).toBeLessThan(2);
    world.remainingMs = () => 30_000;
    await world.sweep();
    expect(world.told.filter((f) => f.kind === 'pool-ended')).toHaveLength(2);
  });

  it('a reactor that fails on a pool that ended leaves it Available; the next look tells it again, counted once', async () => {
    await startWorld(LEAVE_ALONE);
    world.submit('flaky', 600);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(15 * MIN);
    expect(world.warmPoolStatus('flaky')).toBe('Terminated');
    const stats = new MemoryUsageStats();
    let failNext = true;
    const reactors = [
      usageStatsReactor(stats, DEFAULT_PRICES),
      {
        name: 'flaky-notices',
        react: async (facts: readonly LedgerFact[]) => {
          if (failNext && facts.some((f) => f.kind === 'pool-ended')) {
            failNext = false;
            throw new Error('Slack is down');
          }
          world.told.push(...facts);
        },
      },
    ];
    const first = await world.sweep({ reactors });
    expect(first.failures).toBe(1);
    // Not written: the ledger still holds the pool Available, so the next sweep looks again.
    expect((await ledger.getJob('flaky'))?.pool?.status).toBe('Available');
    expect(world.told.filter((f) => f.kind === 'pool-ended')).toHaveLength(0);

    world.advance(MIN);
    const second = await world.sweep({ reactors });
    expect(second.failures).toBe(0);
    expect((await ledger.getJob('flaky'))?.pool?.status).toBe('Terminated');
    expect(world.told.filter((f) => f.kind === 'pool-ended')).toHaveLength(1);
    // The reactor that succeeded the first time ran again, and counted the idle spend once.
    const billable = (await ledger.getJob('flaky'))?.pool?.billableSeconds ?? 0;
    expect(billable).toBeGreaterThan(0);
    const usd = instanceCostUsd(billable, 1, hourlyPrice(DEFAULT_PRICES, 'ml.g5.xlarge') ?? 0);
    expect(usd).toBeGreaterThan(0);
    expect(await stats.idleSpend('vision', historyDay(world.clock.now()))).toBeCloseTo(usd, 6);
  });

  it('two copies of one click act once: the intent is a conditional claim', async () => {
    await startWorld(LEAVE_ALONE);
    world.submit('clicked', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    const head = await ledger.getJob('clicked');
    if (!head) throw new Error('no record');
    world.emulator.api.resetCallCounts();
    const request = {
      head,
      action: 'stop' as const,
      actor: 'slack:U1',
      reason: 'stop from Slack',
      dryRun: false,
      dedupeKey: 'slack#C1#1.0#stop',
    };
    const results = await Promise.all([
      applyPoolAction(world.sweepDeps, request),
      applyPoolAction(world.sweepDeps, request),
    ]);
    expect(world.emulator.callCounts().UpdateTrainingJob?.calls).toBe(1);
    expect(results.filter((r) => r.firstTime)).toHaveLength(1);
    expect(world.decisions.all()).toEqual([expect.objectContaining({ outcome: 'applied' })]);
  });

  it('a retried start event that went stale still records the reuse only it told', async () => {
    // Describing the candidate at the warm start (presumption off) is what fails here.
    await startWorld(LEAVE_ALONE, (l) => l, false);
    world.submit('giver', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.submit('taker', 0);
    world.advance(2 * MIN);
    const [first, later] = world.events.splice(0).filter((e) => e.detail.TrainingJobStatus === 'InProgress');
    if (!first || !later) throw new Error('expected two InProgress events of the taker');
    // The first start event is recorded, then SageMaker throttles its reuse lookup: Lambda will retry it.
    throttled = (op) => op === 'DescribeTrainingJob';
    await expect(world.deliverEvent(first)).rejects.toThrow();
    throttled = () => false;
    // A newer event of the same job lands first: not the job's first sight, so it looks for nothing.
    await world.deliverEvent(later);
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBeUndefined();
    // The retry is stale now; what only it says still counts.
    await world.deliverEvent(first);
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('giver');
    expect((await ledger.getJob('taker'))?.job?.lastModifiedMs).toBe(Number(later.detail.LastModifiedTime));
  });

  /** Idle limit 30 min; Extend asks for an hour more and holds auto-stop off until the new end. */
  const IDLE_30M = policyOf(`
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: 30m, outsideWorkingHours: 30m }
  extend: { step: 1h, when: { reusedWithin: off, ownerActiveWithin: off, predictedReuse: false } }
  keepAlive: { strategy: fixed }
  notify: { leadTime: off }
`);
  const extendClick = (responseUrl?: string) => {
    const deps: SlackClickDeps = {
      ...world.sweepDeps,
      setup: () => world.sweepDeps.setup,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      admins: new Set(['UADMIN']),
      snoozeSeconds: 3600,
      directory: { emailOf: async () => undefined },
      telemetry: silentTelemetry,
    };
    return handleSlackClick(deps, {
      actionId: POOL_ACTION_IDS.extend,
      value: { job: 'pool-a', hop: 'pool-a' },
      userId: 'UADMIN',
      actionTs: '1.1',
      messageTs: '1.0',
      channelId: 'D1',
      ...(responseUrl ? { responseUrl } : {}),
      message: { text: 'Warm pool available', blocks: [] },
    });
  };

  it('an Extend click SageMaker answered too late is finished by the sweep with its hold: the idle policy does not undo it', async () => {
    const run = async (slow: boolean) => {
      await startWorld(IDLE_30M);
      // Its own keep-alive 30 min, so Extend's 3600 s differs from it.
      world.submit('pool-a', 1800);
      world.advance(10 * MIN); // ran 5 min after its start-up, ended
      await world.deliver();
      const availableSinceMs = (await ledger.getJob('pool-a'))?.pool?.availableSinceMs ?? 0;
      await world.sweep();
      world.advanceTo(availableSinceMs + 25 * MIN); // idle 25 min: the owner clicks Extend
      throttled = () => slow; // SageMaker throttles during the click only
      const clicked = await extendClick('https://hooks.slack.com/actions/T/1/x');
      throttled = () => false;
      // The sweeps of the next 10 minutes (the first finishes a pending click).
      for (let i = 0; i < 10; i++) {
        world.advance(MIN);
        await world.sweep();
      }
      const decisions = world.decisions.all().map((d) => `${d.action}:${d.outcome}`);
      await world.stop();
      return { click: clicked.kind, pool: world.warmPoolStatus('pool-a'), decisions };
    };
    expect(await run(false)).toEqual({
      click: 'acted',
      pool: 'Available',
      decisions: ['extend:applied', 'hold:applied'],
    });
    expect(await run(true)).toEqual({
      click: 'pending',
      pool: 'Available',
      decisions: ['extend:unknown', 'extend:applied', 'hold:applied'],
    });
  });

  it('a policy stop left unknown is not carried out once the kill switch is on: closed, and decided afresh as a dry run', async () => {
    await startWorld();
    world.submit('pool-a', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(6 * MIN);
    // The policy decides to stop; SageMaker throttles the update and the describe.
    throttled = (op) => op === 'UpdateTrainingJob' || op === 'DescribeTrainingJob';
    await world.sweep();
    throttled = () => false;
    expect((await ledger.getJob('pool-a'))?.pendingAction?.unknownSinceMs).toBeDefined();
    // The operator flips the kill switch: within a minute every action is a dry run.
    const setup = { ...world.sweepDeps.setup, killSwitch: true };
    world.advance(MIN);
    await world.sweep({ setup });
    expect(world.warmPoolStatus('pool-a')).toBe('Available');
    expect(world.decisions.all().map((d) => `${d.action}:${d.outcome}:${d.actor}`)).toEqual([
      'stop:unknown:policy:defaults',
      'stop:failed:policy:defaults',
      'stop:dry-run:policy:defaults',
    ]);
    expect((await ledger.getJob('pool-a'))?.pendingAction).toBeUndefined();
  });

  it('a stop decided from a stale read is refused when an Extend and its hold landed between the read and the claim', async () => {
    let clickDuringSweep: (() => Promise<unknown>) | undefined;
    // The Slack click completes while the sweep works through its pools (notices, other pools).
    await startWorld(IDLE_30M, (inner) =>
      Object.assign(Object.create(inner) as Ledger, {
        beginAction: async (...args: Parameters<Ledger['beginAction']>) => {
          const click = clickDuringSweep;
          if (click && args[1].actor.startsWith('policy:')) {
            clickDuringSweep = undefined;
            await click();
          }
          return inner.beginAction(...args);
        },
      }),
    );
    world.submit('pool-a', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    const since = (await ledger.getJob('pool-a'))?.pool?.availableSinceMs ?? 0;
    world.advanceTo(since + 30 * MIN + 5_000); // just past the idle limit
    let clicked = '';
    clickDuringSweep = async () => {
      clicked = (await extendClick()).kind;
    };
    await world.sweep();
    expect(clicked).toBe('acted');
    // The person's Extend and hold stand; the stale stop is refused (and decided afresh next minute).
    expect(world.warmPoolStatus('pool-a')).toBe('Available');
    expect(world.decisions.all().map((d) => `${d.action}:${d.outcome}:${d.actor}`)).toEqual([
      'extend:applied:slack:UADMIN',
      'hold:applied:slack:UADMIN',
    ]);
    world.advance(MIN);
    await world.sweep();
    expect(world.warmPoolStatus('pool-a')).toBe('Available');
  });
});

/**
 * Review F1: the reconcile's listing runs before any pool is handled, is not bounded by the
 * invocation's time and is not isolated from the pool loop.
 */
describe('the reconcile listing vs. the sweep deadline (review F1)', () => {
  let world: SweepWorld;
  afterEach(async () => world?.stop());

  it('a ListTrainingJobs throttle during the reconcile is counted, and the pools still get their policy', async () => {
    let throttleList = false;
    world = await new SweepWorld({
      ledger: new MemoryLedger(),
      policy: STOP_AFTER_5M,
      throttle: (op) => throttleList && op === 'ListTrainingJobs',
    }).start();
    world.submit('idle-pool', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    expect((await world.ledger.getJob('idle-pool'))?.pool?.status).toBe('Available');
    world.advance(6 * MIN); // idle 6 min > 5 min: the policy stops it, and the first reconcile is due
    throttleList = true;
    let thrown: unknown;
    try {
      await world.sweep();
    } catch (error) {
      thrown = error;
    }
    // The listing's failure is counted, the pools are still handled (stopped).
    expect(thrown).toBeUndefined();
    expect(world.warmPoolStatus('idle-pool')).toBe('Terminated');
  });

  it('usage statistics that cannot be read are counted: the reconcile still lists, and no pool is decided on unknown statistics', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: STOP_AFTER_5M }).start();
    world.submit('idle-pool', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    world.advance(6 * MIN);
    let unreadable = true;
    const stats = new Proxy(world.stats, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (unreadable) return Promise.reject(new Error('ProvisionedThroughputExceededException'));
          return value.apply(target, args);
        };
      },
    });
    const report = await world.sweep({ stats });
    expect(report.failures).toBe(1);
    expect(report.listed).toBe(true);
    expect(world.warmPoolStatus('idle-pool')).toBe('Available');
    unreadable = false;
    world.advance(MIN);
    await world.sweep({ stats });
    expect(world.warmPoolStatus('idle-pool')).toBe('Terminated');
  });

  it('without its usage statistics the sweep still finishes a click left pending, deciding for no pool', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: STOP_AFTER_5M }).start();
    world.submit('clicked', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    const record = await world.ledger.getJob('clicked');
    const expiresAtMs = record?.pool?.expiresAtMs;
    if (expiresAtMs === undefined) throw new Error('the pool is recorded');
    // A Stop clicked while SageMaker did not answer: the intent stays, given up, with where the asker waits.
    const intent = {
      dedupeKey: 'slack#D1#1.0#pool_stop',
      action: 'stop' as const,
      keepAliveSeconds: 0,
      actor: 'slack:U1',
      reason: 'Stop clicked in Slack',
      atMs: world.clock.now(),
      replyTo: 'https://hooks.slack.com/actions/T0/1/abc',
    };
    expect(
      await world.ledger.beginAction('clicked', intent, world.clock.now() - PENDING_ACTION_LEASE_MS, {
        expiresAtMs,
      }),
    ).toBe(true);
    await world.ledger.markActionUnknown('clicked', intent.dedupeKey, world.clock.now());
    world.advance(MIN);
    const stats = new Proxy(world.stats, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function'
          ? () => Promise.reject(new Error('ProvisionedThroughputExceededException'))
          : value;
      },
    });
    const report = await world.sweep({ stats });
    expect(report.failures).toBe(1);
    expect(world.warmPoolStatus('clicked')).toBe('Terminated');
    expect((await world.ledger.getJob('clicked'))?.pendingAction).toBeUndefined();
    expect(world.decisions.all()).toContainEqual(
      expect.objectContaining({ job: 'clicked', action: 'stop', outcome: 'applied', actor: 'slack:U1' }),
    );
  });

  /**
   * An account with `history` short jobs without keep-alive in the last 27 days (30,000: about
   * 1,100 a day), which predate the deployment. 58 s of invocation, 0.25 s a ListTrainingJobs
   * page (100 jobs a page), Lambda kills the invocation at its timeout: modelled as the call
   * that finds no time left throwing. `newInvocation` starts the next invocation's time.
   */
  const bigAccount = async (
    history: number,
    options: { policy?: typeof STOP_AFTER_5M; atStart?: (world: SweepWorld) => void } = {},
  ) => {
    const PAGE_MS = 250;
    let spentMs = 0;
    let listCalls = 0;
    world = await new SweepWorld({
      ledger: new MemoryLedger(),
      policy: options.policy ?? STOP_AFTER_5M,
      throttle: (op) => {
        if (op !== 'ListTrainingJobs') return false;
        listCalls++;
        spentMs += PAGE_MS;
        if (spentMs > 58_000) throw new Error('Task timed out after 58.00 seconds');
        return false;
      },
    }).start();
    world.remainingMs = () => 58_000 - spentMs;
    const model = world.emulator;
    const start = world.clock.now();
    const step = Math.floor((27 * 24 * 60 * MIN) / history);
    options.atStart?.(world);
    for (let i = 0; i < history; i++) {
      world.clock.advanceTo(start + i * step);
      model.advanceTo(start + i * step);
      model.submit({ ...sampleNoPool(`h-${i}`) });
    }
    world.advanceTo(start + 27 * 24 * 60 * MIN + 10 * MIN);
    world.events.splice(0); // that history predates the deployment: its events are not replayed
    return {
      listCalls: () => listCalls,
      newInvocation: () => {
        spentMs = 0;
      },
    };
  };

  const lostEndWithHistory = async (history: number) => {
    const account = await bigAccount(history);
    // A job whose end event is lost: its pool idles with nobody managing it.
    world.submit('lost-end', 3600);
    world.advance(10 * MIN);
    await world.deliver((e) => e.detail.TrainingJobStatus === 'Completed');

    const outcomes: string[] = [];
    for (let period = 0; period < 3; period++) {
      account.newInvocation();
      try {
        const report = await world.sweep();
        outcomes.push(`listed=${report.listed} adopted=${report.adopted}`);
      } catch (error) {
        outcomes.push(`died: ${(error as Error).message}`);
      }
      world.advance(RECONCILE_EVERY_MS);
    }
    // 45 minutes later (within the pool's own 60-minute keep-alive). Expected: the lost end was
    // adopted by a reconcile and the idle pool stopped by the policy (5 minutes idle).
    expect(outcomes.every((o) => o.startsWith('listed=true'))).toBe(true);
    expect((await world.ledger.getJob('lost-end'))?.pool?.status).toBeDefined();
    expect(world.decisions.all()).toContainEqual(
      expect.objectContaining({ job: 'lost-end', action: 'stop' }),
    );
  };

  it(
    'control: 3,000 jobs in the window (30 pages): the lost end is adopted and stopped',
    () => lostEndWithHistory(3_000),
    120_000,
  );

  it(
    'a full listing longer than the invocation stops in time, and a lost end is adopted (30,000 jobs)',
    () => lostEndWithHistory(30_000),
    120_000,
  );

  it('a 30,000-job account: the full listing goes on across reconciles from where it stopped, done only once it covered the window; a lost end meanwhile is adopted by the listing of what changed', async () => {
    const account = await bigAccount(30_000);
    const { outcomes, spied } = recordingReconciler(world);
    const reconcile = async () => {
      account.newInvocation();
      const before = account.listCalls();
      const report = await world.sweep({ reconciler: spied });
      return { report, calls: account.listCalls() - before };
    };
    // The deployment's first reconcile: it lists as far as half its time allows, and says where it stopped.
    const first = await reconcile();
    expect(first.report.listed && first.report.fullList).toBe(true);
    expect(first.report.failures).toBe(0);
    expect(first.calls).toBeGreaterThan(50);
    expect(first.calls).toBeLessThan(300);
    expect(outcomes[0]).toMatchObject({ fullList: false, fullListResume: expect.any(Object) });
    expect(first.report.fullListUnfinished).toBe(true);

    // A job ends with its end event lost; the next reconcile is due a base period later (the listing is under way).
    world.submit('lost-end', 3600);
    world.advance(10 * MIN);
    await world.deliver((e) => e.detail.TrainingJobStatus === 'Completed');
    world.advance(RECONCILE_EVERY_MS - 10 * MIN);
    const second = await reconcile();
    // Adopted with the history's recent jobs, which the ledger never heard of either.
    expect(second.report.adopted).toBeGreaterThanOrEqual(1);
    expect((await world.ledger.getJob('lost-end'))?.pool?.status).toBeDefined();
    expect(world.decisions.all()).toContainEqual(
      expect.objectContaining({ job: 'lost-end', action: 'stop' }),
    );

    // Parts go on until the window is covered; no part lists from the start again.
    let total = first.calls + second.calls;
    for (let period = 0; outcomes.at(-1)?.fullList !== true && period < 5; period++) {
      world.advance(RECONCILE_EVERY_MS);
      total += (await reconcile()).calls;
    }
    const done = outcomes.at(-1);
    expect(done?.fullList).toBe(true);
    expect(done?.fullListResume).toBeUndefined();
    // Recorded as of the reconcile that listed its first part.
    expect(done?.fullListStartedMs).toBe(outcomes[0]?.fullListResume?.startedMs);
    expect(outcomes.filter((o) => o.fullList)).toHaveLength(1);
    // 300 pages for the window, a listing of what changed per reconcile after the first, and
    // each part's page of overlap: nowhere near a second pass.
    expect(total).toBeLessThan(300 + 2 * outcomes.length + 10);
    // With the window covered, the next reconcile lists what changed only: the recent window's
    // few pages (about 280 jobs in its 6 hours here), not the 300 of the whole window.
    world.advance(RECONCILE_EVERY_MS);
    const after = await reconcile();
    expect(after.report.fullList).toBe(false);
    expect(after.calls).toBeLessThanOrEqual(5);
  }, 120_000);

  it('the reconcile that lists the last part also sets the pools created before it against the recent window', async () => {
    // Created at the start of the window, it trains for 27 days: its pool is older than the last part.
    const account = await bigAccount(30_000, {
      policy: LEAVE_ALONE,
      atStart: (w) => {
        w.emulator.submit({
          ...sampleNoPool('long-run'),
          keepAliveSeconds: 3600,
          durationSeconds: 27 * 24 * 3600 + 12 * 60,
        });
      },
    });
    world.advance(5 * MIN);
    await world.deliver();
    expect((await world.ledger.getJob('long-run'))?.pool?.status).toBe('Available');
    const { outcomes, spied } = recordingReconciler(world);
    const reconcile = async () => {
      account.newInvocation();
      return world.sweep({ reconciler: spied });
    };
    await reconcile();
    const resumeFromMs = () => outcomes.at(-1)?.fullListResume?.fromMs;
    // Parts of about 10 days of jobs here: the part that starts within 9 days of now is the last.
    for (
      let part = 0;
      (resumeFromMs() ?? Number.POSITIVE_INFINITY) < world.clock.now() - 9 * 24 * 60 * MIN;
      part++
    ) {
      if (part > 5) throw new Error('the listing never came near its end');
      world.advance(RECONCILE_EVERY_MS);
      await reconcile();
    }
    expect(resumeFromMs()).toBeDefined();
    // Someone ends the pool outside poolwarden; no event says so.
    world.emulator.model.updateKeepAlive('long-run', 0);
    expect(world.warmPoolStatus('long-run')).toBe('Terminated');
    world.advance(RECONCILE_EVERY_MS);
    const last = await reconcile();
    expect(last.fullList && !last.fullListUnfinished).toBe(true);
    expect((await world.ledger.getJob('long-run'))?.pool?.status).toBe('Terminated');
  }, 120_000);
});

/** The world's reconciler, recording what each reconcile recorded as done. */
const recordingReconciler = (world: SweepWorld) => {
  const schedule = world.sweepDeps.reconciler?.schedule;
  if (!schedule) throw new Error('the world has a reconciler');
  const outcomes: ReconcileOutcome[] = [];
  const spied = {
    ...world.sweepDeps.reconciler,
    schedule: {
      claim: schedule.claim.bind(schedule),
      done: async (startMs: number, outcome: ReconcileOutcome) => {
        outcomes.push(outcome);
        await schedule.done(startMs, outcome);
      },
    },
  } as ReconcileDeps;
  return { outcomes, spied };
};

const sampleNoPool = (name: string) => ({
  name,
  roleArn: 'arn:aws:iam::123456789012:role/vision-training',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB: 30,
  keepAliveSeconds: 0,
  durationSeconds: 60,
  outcome: 'Completed' as const,
  tags: { owner: 'bob', team: 'vision' },
});

/** Review F12: a pool SageMaker does not know is described every minute, forever, and never leaves the index. */
describe('a ledger pool unknown to SageMaker (review F12)', () => {
  let world: SweepWorld;
  afterEach(async () => world?.stop());

  /** A world counting its describes, whose ledger holds `ghost` Available since `sinceMin` minutes ago until `endsInMin` from now; SageMaker knows no such job. */
  const ghostWorld = async (sinceMin: number, endsInMin: number) => {
    const ledger = new MemoryLedger();
    const counted = { describes: 0 };
    world = await new SweepWorld({
      ledger,
      policy: LEAVE_ALONE,
      throttle: (op) => {
        if (op === 'DescribeTrainingJob') counted.describes++;
        return false;
      },
    }).start();
    const now = world.clock.now();
    await ledger.observePool(
      { name: 'ghost' },
      {
        status: 'Available',
        availableSinceMs: now - sinceMin * MIN,
        expiresAtMs: now + endsInMin * MIN,
        keepAliveSeconds: 3600,
        bornAtMs: now - sinceMin * MIN,
        poolId: 'ghost',
        observedAtMs: now - sinceMin * MIN,
      },
    );
    return { ledger, counted };
  };

  it('is not described at every sweep once past its predicted end: once, then once per period', async () => {
    const { counted } = await ghostWorld(70, -10);
    for (let i = 0; i < 10; i++) {
      await world.sweep();
      world.advance(MIN);
    }
    expect(counted.describes).toBeLessThanOrEqual(2);
  });

  it('is recorded Terminated when a separate, later look hears NotFound again, and is a surprise once', async () => {
    // Before its predicted end: a pool gone early is a surprise, the first time.
    const { ledger, counted } = await ghostWorld(10, 50);
    const reconciler = { ...world.sweepDeps.reconciler, missingPools: new MissingPools() } as ReconcileDeps;
    const closedEarly: number[] = [];
    for (let i = 0; i <= 15; i++) {
      const report = await world.sweep({ reconciler });
      if (report.listed) closedEarly.push(report.closedEarly);
      world.advance(MIN);
    }
    // Two reconciles, each looking once: the first counts the surprise, the second records the end.
    expect(closedEarly).toEqual([1, 0]);
    expect(counted.describes).toBe(2);
    expect((await ledger.getJob('ghost'))?.pool?.status).toBe('Terminated');
    expect((await ledger.availablePools(10)).items).toHaveLength(0);
  });
});

/**
 * A reconcile that left a lost end it listed unadopted (its adoption failed, had no time, or its
 * sweep died after the snapshot write) records its listing done only up to that end's change, so
 * the next reconcile lists it again (issue 12 review, bugs 4 and 5).
 */
describe('a reconcile that left lost ends unadopted', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });
  const startWorld = async (ledger: Ledger) => {
    world = await new SweepWorld({
      ledger,
      policy: STOP_AFTER_5M,
      longestReconcileEveryMs: 60 * MIN,
    }).start();
    return world;
  };
  /**
   * The ledger's snapshot writes refused (DynamoDB throttling past the SDK's retries) while
   * `throttled` is set: every one, or only `onlyOf`'s terminal ones.
   */
  const throttlable = (inner: Ledger, onlyOf?: string) => {
    const state = { throttled: false };
    const ledger = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const snapshot = args[0] as { name?: string; status?: string };
          const named =
            onlyOf === undefined || (snapshot.name === onlyOf && snapshot.status !== 'InProgress');
          if (state.throttled && (property === 'recordSnapshot' || property === 'recordEnd') && named)
            throw Object.assign(new Error('Rate exceeded'), {
              name: 'ProvisionedThroughputExceededException',
            });
          return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        };
      },
    });
    return { ledger, state };
  };

  it('adopts at a later reconcile the lost ends one ran out of time for', async () => {
    const w = await startWorld(new MemoryLedger());
    const deferredAt: number[] = [];
    const fullListAt: number[] = [];
    for (let minute = 0; minute <= 400; minute++) {
      // An EventBridge outage: three jobs' end events lost.
      if (minute === 50) for (const n of ['a', 'b', 'c']) w.submit(`lost-${n}`, 0, 30, 60);
      await w.deliver((e) => e.detail.TrainingJobStatus === 'Completed');
      // The reconcile at minute 105 has time for its listing and one adoption only.
      let calls = 0;
      w.remainingMs = minute === 105 ? () => (++calls <= 2 ? 30_000 : 0) : () => 30_000;
      const report = await w.sweep();
      if (report.deferred > 0) deferredAt.push(minute);
      if (report.fullList) fullListAt.push(minute);
      w.advance(MIN);
    }
    expect(deferredAt).toEqual([105]);
    // Listed again from what changed, not in full: the listing held back reaches no further than before.
    expect(fullListAt).toEqual([0]);
    const statuses = await Promise.all(
      ['a', 'b', 'c'].map(async (n) => (await w.ledger.getJob(`lost-${n}`))?.job?.status),
    );
    expect(statuses).toEqual(['Completed', 'Completed', 'Completed']);
  });

  it('adopts at a later reconcile a lost end whose adoption failed (its ledger write throttled)', async () => {
    const { ledger, state } = throttlable(new MemoryLedger());
    const w = await startWorld(ledger);
    const failedAt: number[] = [];
    for (let minute = 0; minute <= 400; minute++) {
      if (minute === 50) w.submit('lost-end', 0, 30, 60);
      await w.deliver((e) => e.detail.TrainingJobStatus === 'Completed');
      // DynamoDB throttles the snapshot writes during the reconcile at minute 105, the first after the lost end.
      state.throttled = minute === 105;
      const report = await w.sweep();
      state.throttled = false;
      if (report.failures > 0) failedAt.push(minute);
      w.advance(MIN);
    }
    expect(failedAt).toEqual([105]);
    expect((await ledger.getJob('lost-end'))?.job?.status).toBe('Completed');
  });

  /** Two reconciles in a row whose adoption dies right after its first ledger write: the terminal snapshot. */
  const dyingAdoptions = async (scheduleDies: boolean, diesAt: readonly number[] = [15, 30]) => {
    const { ledger, state } = crashable(new MemoryLedger());
    const w = await startWorld(ledger);
    if (scheduleDies) {
      // The invocation itself dies: its reconcile is never recorded done.
      const schedule = w.sweepDeps.reconciler?.schedule;
      if (!schedule) throw new Error('the world has no reconciler');
      const done = schedule.done.bind(schedule);
      schedule.done = async (startMs, outcome) => {
        if (state.dying && state.wrote) throw new Error('the invocation died');
        return done(startMs, outcome);
      };
    }
    w.submit('lost-end', 1200, 30, 60);
    for (let minute = 0; minute <= 180; minute++) {
      await w.deliver((e) => e.detail.TrainingJobStatus === 'Completed');
      state.dying = diesAt.includes(minute);
      state.wrote = false;
      await w.sweep().catch(() => undefined);
      state.dying = false;
      w.advance(MIN);
    }
    const truth = w.emulator.model.inspectJob('lost-end');
    const record = await ledger.getJob('lost-end');
    expect(truth?.warmPoolStatus).toBe('Terminated');
    expect(record?.job?.status).toBe('Completed');
    expect(record?.pool?.status).toBe(truth?.warmPoolStatus);
    expect(record?.pool?.billableSeconds).toBe(truth?.billableSeconds);
  };

  it('records the pool of a lost end whose adoption died between its snapshot and pool writes, the sweep living on', async () => {
    await dyingAdoptions(false);
  });

  it('records it too when the whole invocation died: the next reconcile lists from the last listing done', async () => {
    await dyingAdoptions(true);
  });

  it('records it too when the invocations died until the chain of listings broke: the full listing lists no ended pool', async () => {
    // Reconciles die in a row past the reach of a listing of what changed (twice the longest
    // period, two hours), so the next lists in full: the pool, Terminated by then, is not listed,
    // and a job the ledger held as ended would not be described.
    await dyingAdoptions(true, [15, 30, 45, 60, 75, 90, 105, 120, 135]);
  });
  it('retries a lost end whose adoption keeps failing only while the chain of listings holds: no reconcile lists in full for it', async () => {
    const { ledger, state } = throttlable(new MemoryLedger(), 'poisoned');
    const w = await startWorld(ledger);
    // Twenty long jobs running all day, their start events recorded; one short job whose end event
    // is lost and whose adoption fails every time (its snapshot write refused for good).
    for (let i = 0; i < 20; i++) w.submit(`long-${i}`, 0, 30, 3 * 24 * 3600);
    w.submit('poisoned', 0, 30, 600);
    state.throttled = true;
    const fullAt: number[] = [];
    for (let minute = 0; minute <= 24 * 60; minute++) {
      await w.deliver((e) => e.detail.TrainingJobStatus === 'Completed');
      const report = await w.sweep();
      if (report.fullList) fullAt.push(minute);
      w.advance(MIN);
    }
    // The first reconcile lists in full (no chain yet), and the daily full listing of this world.
    expect(fullAt.length).toBeLessThanOrEqual(2);
    expect(fullAt[0]).toBe(0);
    expect((await w.ledger.getJob('poisoned'))?.job?.status).toBe('InProgress');
  });

  it('joins the chain of listings after a full reconcile that had no time for every running job', async () => {
    const w = await startWorld(new MemoryLedger());
    for (let i = 0; i < 20; i++) w.submit(`long-${i}`, 0, 30, 3 * 24 * 3600);
    const fullAt: number[] = [];
    const deferredAt: number[] = [];
    for (let minute = 0; minute <= 6 * 60; minute++) {
      await w.deliver();
      // A bad day for the first four hours: each reconcile has time for its listings and a few describes only.
      let calls = 0;
      w.remainingMs = minute < 240 ? () => (++calls <= 6 ? 30_000 : 0) : () => 30_000;
      const report = await w.sweep();
      if (report.fullList) fullAt.push(minute);
      if (report.deferred > 0) deferredAt.push(minute);
      w.advance(MIN);
    }
    expect(deferredAt[0]).toBe(0);
    // Only the first reconcile lists in full: the one after lists what changed since the floor.
    expect(fullAt).toEqual([0]);
  });
});

/**
 * A reconcile that adopts a pool the ledger never heard of tells its owner before the write that
 * records it: once that write is made, the pool is Available in the ledger and no later sweep
 * tells it as adopted, so an invocation that dies right after it (a Lambda timeout; the local
 * stack's --crash, where every DynamoDB call after the first write fails, the notification log's
 * included) would leave the owner untold (issue 12).
 */
describe('an adoption whose sweep died right after its write', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it.each([
    ['left alone', LEAVE_ALONE],
    ['stopped when idle', STOP_AFTER_5M],
  ])('has told the owner of the adopted pool that it is available all the same (%s)', async (_, policy) => {
    const { ledger, state } = crashable(new MemoryLedger());
    const w = await new SweepWorld({ ledger, policy }).start();
    world = w;
    // The notices go through a log in the same DynamoDB: dead with the invocation.
    const notices: LedgerFact[] = [];
    const notifications = {
      name: 'notifications',
      react: async (facts: readonly LedgerFact[]) => {
        if (state.dying && state.wrote) throw new Error('the invocation died');
        notices.push(...facts);
      },
    };
    // A 20-minute keep-alive after a one-minute job whose end event is lost.
    w.submit('lost-end', 1200, 30, 60);
    const diedAt: number[] = [];
    for (let minute = 0; minute <= 40; minute++) {
      await w.deliver((e) => e.detail.TrainingJobStatus === 'Completed');
      // The reconcile at minute 15 adopts the pool, and its invocation dies after the adoption's write.
      state.dying = minute === 15;
      state.wrote = false;
      // Each sweep in a container of its own: nothing owed is kept from one to the next.
      await w.sweep({ reactors: [notifications], owedFacts: new OwedFacts() }).catch(() => undefined);
      if (state.dying && state.wrote) diedAt.push(minute);
      state.dying = false;
      w.advance(MIN);
    }
    expect(diedAt).toEqual([15]);
    const record = await ledger.getJob('lost-end');
    expect(record?.job?.status).toBe('Completed');
    const told = notices.flatMap((f) =>
      f.kind === 'pool-available' && f.job.name === 'lost-end' ? [f] : [],
    );
    expect(told.length).toBeGreaterThan(0);
    // What the owner is told is the pool as adopted: Available, its predicted end ahead, as recorded.
    expect(told[0]?.job.job?.status).toBe('Completed');
    expect(told[0]?.job.pool?.status).toBe('Available');
    const endedAtMs = record?.job?.endedAtMs ?? 0;
    expect(told[0]?.job.pool?.availableSinceMs).toBe(endedAtMs);
    expect(told[0]?.job.pool?.expiresAtMs).toBe(endedAtMs + 1200_000);
    expect(endedAtMs + 1200_000).toBeGreaterThan(MONDAY_NOON + 15 * MIN);
  });
});
