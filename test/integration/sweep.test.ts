import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devtools/local/runtime/virtualClock';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { SageMakerEmulator } from '../../devtools/local/sagemaker/sageMakerEmulator';
import { DynamoLedger } from '../../lib/adapters/dynamo/dynamoLedger';
import { MemoryDecisionLog } from '../../lib/adapters/memory/memoryDecisionLog';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryUsageStats } from '../../lib/adapters/memory/memoryUsageStats';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { AcceptedStops } from '../../lib/app/acceptedStops';
import { ContainerLearnerMemo } from '../../lib/app/containerLearnerMemo';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import { type SweepDeps, sweep } from '../../lib/app/sweep';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { Policy } from '../../lib/domain/policy/policy';
import { DEFAULT_PRICES } from '../../lib/domain/prices';
import { notificationReactor } from '../../lib/notify/notificationReactor';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { type LocalDynamo, startLocalDynamo } from '../support/localDynamo';
import { recordingTelemetry } from '../support/recordingTelemetry';
import {
  EXTEND_WHILE_ACTIVE,
  LEAVE_ALONE,
  MIN,
  MONDAY_NOON,
  STOP_AFTER_5M,
  SweepWorld,
} from '../support/sweepWorld';
import { throttledNotifier } from '../support/throttledNotifier';

const job = (name: string, keepAliveSeconds: number, volumeSizeInGB = 30) => ({
  name,
  roleArn: 'arn:aws:iam::123456789012:role/vision-training',
  instanceType: 'ml.g5.xlarge',
  instanceCount: 1,
  volumeSizeInGB,
  keepAliveSeconds,
  durationSeconds: 300,
  outcome: 'Completed' as const,
  tags: { owner: 'alice', team: 'vision' },
});

describe('the sweep against the SageMaker emulator', () => {
  let dynamo: LocalDynamo;
  let emulator: SageMakerEmulator;
  let clock: VirtualClock;
  let events: TrainingJobStateChangeEvent[];
  let deps: SweepDeps;
  let decisions: MemoryDecisionLog;
  let stats: MemoryUsageStats;
  let throttleUpdates = false;

  const deliver = async () => {
    for (const event of events.splice(0)) {
      await processJobStateChange(event, {
        ...deps,
        describeConcurrency: 2,
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        telemetry: silentTelemetry,
        reactors: [],
      });
    }
  };
  /** Moves virtual time, letting the emulator act; events are delivered only when asked. */
  const advanceTo = (ms: number) => {
    clock.advanceTo(ms);
    emulator.advanceTo(ms);
  };
  const runSweep = (policy: Policy) => sweep({ ...deps, setup: { ...deps.setup, policy } });
  const poolStatus = (name: string) => emulator.model.inspectJob(name)?.warmPoolStatus;

  beforeEach(async () => {
    throttleUpdates = false;
    dynamo = await startLocalDynamo();
    clock = new VirtualClock(MONDAY_NOON);
    events = [];
    emulator = new SageMakerEmulator({
      clock,
      onEvent: (e) => events.push(e),
      throttle: { hook: (operation) => throttleUpdates && operation === 'UpdateTrainingJob' },
    });
    const endpoint = await emulator.start();
    const client = new SageMakerClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
    });
    decisions = new MemoryDecisionLog();
    stats = new MemoryUsageStats();
    deps = {
      ledger: new DynamoLedger(dynamo.client, await dynamo.createLedgerTable()),
      trainingJobs: new SageMakerTrainingJobs(client),
      decisions,
      clock,
      limits: DEFAULT_KEEP_ALIVE_LIMITS,
      setup: {
        policy: STOP_AFTER_5M,
        limits: DEFAULT_KEEP_ALIVE_LIMITS,
        killSwitch: false,
        prices: DEFAULT_PRICES,
      },
      stats,
      learnerMemo: new ContainerLearnerMemo(),
      telemetry: silentTelemetry,
      reactors: [],
      pageSize: 2,
      concurrency: 2,
      reconcileEveryMs: 15 * MIN,
      remainingMs: () => 30_000,
      safetyMarginMs: 1_000,
      scheduleEveryMs: 60_000,
      lookAheadMs: 300_000,
    };
  });

  afterEach(async () => {
    await emulator.stop();
    await dynamo.stop();
  });

  /** A job that ran and left an Available pool, recorded in the ledger. */
  const poolFrom = async (name: string, keepAliveSeconds: number, volumeSizeInGB = 30) => {
    emulator.submit(job(name, keepAliveSeconds, volumeSizeInGB));
    advanceTo(clock.now() + 10 * MIN);
    await deliver();
    expect(poolStatus(name)).toBe('Available');
    expect((await deps.ledger.getJob(name))?.pool?.status).toBe('Available');
  };

  it('stops an idle pool: the emulator terminates it and the next sweep records the stop', async () => {
    await poolFrom('idle-a', 3600);
    advanceTo(clock.now() + 6 * MIN);
    await runSweep(STOP_AFTER_5M);
    expect(poolStatus('idle-a')).toBe('Terminated');
    expect(decisions.all()).toEqual([
      expect.objectContaining({
        job: 'idle-a',
        action: 'stop',
        outcome: 'applied',
        actor: 'policy:defaults',
        keepAliveSeconds: 0,
      }),
    ]);
    advanceTo(clock.now() + MIN);
    await runSweep(STOP_AFTER_5M);
    const record = await deps.ledger.getJob('idle-a');
    expect(record?.pool).toMatchObject({ status: 'Terminated', stoppedBy: 'policy:defaults' });
    expect(record?.pool?.billableSeconds).toBeGreaterThan(0);
    expect(await deps.ledger.availablePools(10)).toEqual({ items: [] });
  });

  it("counts a pool's end for the dashboard once, when its reactors took it", async () => {
    const { telemetry, counts } = recordingTelemetry();
    let failNext = true;
    const flaky = {
      name: 'flaky',
      react: async () => {
        if (failNext) {
          failNext = false;
          throw new Error('the notification log is throttled');
        }
      },
    };
    deps = { ...deps, telemetry, reactors: [flaky] };
    await poolFrom('idle-a', 3600);
    advanceTo(clock.now() + 6 * MIN);
    await runSweep(STOP_AFTER_5M);
    expect(poolStatus('idle-a')).toBe('Terminated');
    // The stop's end is told at the pool's next look; its reactor fails there, so it stays to be told again.
    advanceTo(clock.now() + MIN);
    await runSweep(STOP_AFTER_5M);
    expect(counts.get('PoolsEnded') ?? 0).toBe(0);
    advanceTo(clock.now() + MIN);
    await runSweep(STOP_AFTER_5M);
    expect(counts.get('PoolsEnded')).toBe(1);
    advanceTo(clock.now() + MIN);
    await runSweep(STOP_AFTER_5M);
    expect(counts.get('PoolsEnded')).toBe(1);
    expect((await deps.ledger.getJob('idle-a'))?.pool?.status).toBe('Terminated');
  });

  it('a pool stopped at this instant and not looked at yet still counts toward when the next sweep could act', async () => {
    await poolFrom('stopping', 3600);
    // Past the reconcile period: the sweep looks at the pool, then stops it, at one instant.
    advanceTo(clock.now() + 16 * MIN);
    const stoppedAtMs = clock.now();
    await runSweep(STOP_AFTER_5M);
    expect((await deps.ledger.getJob('stopping'))?.pool).toMatchObject({
      status: 'Available',
      stoppedBy: 'policy:defaults',
    });
    // A second sweep at the stop's own instant leaves the stopping pool alone, changes nothing,
    // and must still say that the first sweep after the stop has a pool to look at.
    const again = await runSweep(STOP_AFTER_5M);
    expect(again).toMatchObject({ reached: 1, reconciled: 0, actions: {} });
    expect(again.nextChangeAtMs).toBe(stoppedAtMs + MIN);
    advanceTo(stoppedAtMs + MIN);
    const next = await runSweep(STOP_AFTER_5M);
    expect(next.reconciled).toBe(1);
    expect((await deps.ledger.getJob('stopping'))?.pool).toMatchObject({ status: 'Terminated' });
  });

  describe('the end of a stop SageMaker accepted (acceptedStop.ts)', () => {
    /** The sweep's SageMaker, counting its describes. */
    const counted = () => {
      const calls = { describes: 0 };
      const trainingJobs: SweepDeps['trainingJobs'] = {
        describe: (name, signal) => {
          calls.describes++;
          return deps.trainingJobs.describe(name, signal);
        },
        setKeepAlive: (name, seconds, signal) => deps.trainingJobs.setKeepAlive(name, seconds, signal),
      };
      return { calls, trainingJobs };
    };

    it('is recorded from the answer at the next look, without a describe, billed as SageMaker billed it', async () => {
      await poolFrom('own-stop', 3600);
      const { calls, trainingJobs } = counted();
      const container = { ...deps, trainingJobs, acceptedStops: new AcceptedStops() };
      advanceTo(clock.now() + 6 * MIN + 123);
      await sweep(container);
      expect(poolStatus('own-stop')).toBe('Terminated');
      expect((await deps.ledger.getJob('own-stop'))?.pool).toMatchObject({ status: 'Available' });
      advanceTo(clock.now() + MIN);
      const next = await sweep(container);
      expect(next.reconciled).toBe(1);
      expect(calls.describes).toBe(0);
      const billed = emulator.model.inspectJob('own-stop')?.billableSeconds;
      expect(billed).toBeGreaterThan(6 * 60);
      expect((await deps.ledger.getJob('own-stop'))?.pool).toMatchObject({
        status: 'Terminated',
        stoppedBy: 'policy:defaults',
        billableSeconds: billed,
      });
      expect(await deps.ledger.availablePools(10)).toEqual({ items: [] });
    });

    it('is described when SageMaker answered the stop only after the SDK retried (throttled): it released the pool then, not when asked', async () => {
      await poolFrom('late-stop', 3600);
      const { calls, trainingJobs } = counted();
      const retried: SweepDeps['trainingJobs'] = {
        ...trainingJobs,
        // Two throttled attempts and the SDK's backoff: 20 s pass before SageMaker takes the update.
        setKeepAlive: async (name, seconds, signal) => {
          advanceTo(clock.now() + 20_000);
          return trainingJobs.setKeepAlive(name, seconds, signal);
        },
      };
      const container = { ...deps, trainingJobs: retried, acceptedStops: new AcceptedStops() };
      advanceTo(clock.now() + 6 * MIN);
      await sweep(container);
      expect(poolStatus('late-stop')).toBe('Terminated');
      advanceTo(clock.now() + MIN);
      await sweep(container);
      expect(calls.describes).toBe(1);
      expect((await deps.ledger.getJob('late-stop'))?.pool).toMatchObject({
        status: 'Terminated',
        billableSeconds: emulator.model.inspectJob('late-stop')?.billableSeconds,
      });
    });

    it('is described when this container did not see the stop accepted (another container, a click)', async () => {
      await poolFrom('their-stop', 3600);
      advanceTo(clock.now() + 6 * MIN);
      await sweep(deps);
      expect(poolStatus('their-stop')).toBe('Terminated');
      const { calls, trainingJobs } = counted();
      advanceTo(clock.now() + MIN);
      await sweep({ ...deps, trainingJobs, acceptedStops: new AcceptedStops() });
      expect(calls.describes).toBe(1);
      expect((await deps.ledger.getJob('their-stop'))?.pool).toMatchObject({
        status: 'Terminated',
        billableSeconds: emulator.model.inspectJob('their-stop')?.billableSeconds,
      });
    });
  });

  it('extends a pool in use by an active owner, and the extension really keeps it alive', async () => {
    await poolFrom('busy-a', 600);
    await stats.noteSubmission('alice', clock.now());
    const expiry = (await deps.ledger.getJob('busy-a'))?.pool?.expiresAtMs ?? 0;
    advanceTo(expiry - 5 * MIN);
    const report = await runSweep(EXTEND_WHILE_ACTIVE);
    expect(report.actions).toEqual({ 'extend:applied': 1 });
    const extended = (await deps.ledger.getJob('busy-a'))?.pool;
    expect(extended?.expiresAtMs).toBe(clock.now() + 30 * MIN);
    // Past the job's own keep-alive, SageMaker still holds the pool.
    advanceTo(expiry + 10 * MIN);
    expect(poolStatus('busy-a')).toBe('Available');
    advanceTo(clock.now() + 30 * MIN);
    expect(poolStatus('busy-a')).toBe('Terminated');
  });

  it('records a pool reused between two sweeps as reused, and does not stop it', async () => {
    await poolFrom('first', 3600);
    // A matching job takes the pool; its events are not delivered yet.
    advanceTo(clock.now() + 5 * MIN);
    emulator.submit(job('second', 0));
    advanceTo(clock.now() + MIN);
    expect(poolStatus('first')).toBe('Reused');
    await runSweep(STOP_AFTER_5M);
    expect(emulator.model.inspectJob('second')?.warmStart).toBe(true);
    expect(emulator.model.inspectJob('second')?.status).toBe('InProgress');
    const first = await deps.ledger.getJob('first');
    expect(first?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'second' });
    expect((await deps.ledger.getJob('second'))?.reusedPoolOf).toBe('first');
    expect(decisions.all().filter((d) => d.outcome === 'applied')).toEqual([]);
  });

  it('loses no decision when SageMaker throttles mid-sweep, and acts on the next sweep', async () => {
    await poolFrom('throttled-a', 3600);
    await poolFrom('throttled-b', 3600, 50);
    advanceTo(clock.now() + 6 * MIN);
    throttleUpdates = true;
    const first = await runSweep(STOP_AFTER_5M);
    expect(first.failures).toBe(2);
    expect(decisions.all().map((d) => [d.job, d.action, d.outcome])).toEqual(
      expect.arrayContaining([
        ['throttled-a', 'stop', 'failed'],
        ['throttled-b', 'stop', 'failed'],
      ]),
    );
    expect(decisions.all().every((d) => d.error?.includes('Throttling'))).toBe(true);
    expect(poolStatus('throttled-a')).toBe('Available');
    throttleUpdates = false;
    advanceTo(clock.now() + MIN);
    await runSweep(STOP_AFTER_5M);
    expect(poolStatus('throttled-a')).toBe('Terminated');
    expect(poolStatus('throttled-b')).toBe('Terminated');
  });

  it('never acts under the kill switch, but records what it would have done, once', async () => {
    await poolFrom('guarded', 3600);
    advanceTo(clock.now() + 6 * MIN);
    const guarded = { ...deps, setup: { ...deps.setup, killSwitch: true } };
    await sweep(guarded);
    advanceTo(clock.now() + MIN);
    await sweep(guarded);
    expect(poolStatus('guarded')).toBe('Available');
    expect(decisions.all()).toEqual([
      expect.objectContaining({ job: 'guarded', action: 'stop', outcome: 'dry-run', dryRun: true }),
    ]);
  });
});

// A pool the sweep adopted (its end event lost) whose "pool available" notice could not be
// claimed (DynamoDB throttled the notification log) is told again at the container's next sweep.
describe('a notice the sweep could not claim', () => {
  let world: SweepWorld;
  afterEach(async () => world?.stop());

  it('an adopted pool\'s "pool available" notice is sent once the notification log answers again', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    // Both claims of the adopting sweep throttled: the one before the adoption's write, and the one after.
    const { notifier, sent } = throttledNotifier(world.clock, 2);
    const reactors = [
      notificationReactor({ notifier, clock: world.clock, expiryWarningLead: 0, concurrency: 2 }),
    ];

    world.submit('lost-end', 3600);
    world.advance(10 * MIN);
    await world.deliver((event) => event.detail.TrainingJobStatus === 'Completed');
    world.advance(2 * MIN);
    const first = await world.sweep({ reactors });
    expect(first).toMatchObject({ adopted: 1 });
    expect(sent).toHaveLength(0); // the claim was throttled: nothing sent, rightly
    // The log answers again; the sweeps go on for a quarter of an hour (a reconcile period).
    for (let i = 0; i < 16; i++) {
      world.advance(MIN);
      await world.sweep({ reactors });
    }
    expect(world.warmPoolStatus('lost-end')).toBe('Available');
    expect(sent).toHaveLength(1);
  });

  it('sends again, at each sweep, the notices of actions its container could not send', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    let sends = 0;
    const sendOwedNotices = async () => {
      sends++;
    };
    await world.sweep({ sendOwedNotices });
    world.advance(MIN);
    await world.sweep({ sendOwedNotices });
    expect(sends).toBe(2);
    // A notifier that fails does not fail the sweep.
    const report = await world.sweep({ sendOwedNotices: () => Promise.reject(new Error('throttled')) });
    expect(report.failures).toBe(0);
  });
});
