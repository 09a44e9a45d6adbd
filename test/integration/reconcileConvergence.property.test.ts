import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { AcceptedStops } from '../../lib/app/acceptedStops';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { isTerminal } from '../../lib/domain/trainingJob';
import { crashable } from '../support/crashableLedger';
import {
  LEAVE_ALONE,
  MIN,
  MONDAY_NOON,
  RECONCILE_EVERY_MS,
  STOP_AFTER_5M,
  SweepWorld,
} from '../support/sweepWorld';

/**
 * Whatever happens to the events (lost, duplicated, late, handled by an invocation that dies
 * after its first write and is retried), the sweep's reconciler brings the ledger to
 * SageMaker's truth within two reconcile periods of the last event: every job's status, every
 * reuse, every pool's state and the idle time billed. The period adapts (reconcilePeriod.ts):
 * the first reconcile after the events may come as late as the longest period that quiet
 * reconciles before it stretched to, and whatever it finds brings the base period back, so two
 * periods are at most the longest plus the base. With a fixed period that is the old bound. A
 * reconcile that dies after its claim changes none of that, whether the events still came or
 * the period had stretched in the quiet after them: the next lists from the last listing done,
 * not from the claim, and comes a base period later. The policy leaves the pools alone or stops
 * them once idle 5 minutes, the sweep's container remembering the stops SageMaker accepted from it.
 * Beyond status, reuse, pool state and billing: every pool under its chain's id, no pool left
 * marked presumed taken, and no action begun left unfinished; and so already at the first reconcile after every job ended, while some
 * pools are still Available (and then SageMaker's Available pools are Available in the ledger,
 * predicted to end no later than SageMaker will end them).
 */
const LONGEST_EVERY_MS = 4 * RECONCILE_EVERY_MS;
/**
 * Or, while no running job's pool is dear idle (these jobs' are not), on up to this
 * (stretchLimitMs): the longest period is then this one.
 */
const IDLE_LONGEST_EVERY_MS = 8 * RECONCILE_EVERY_MS;
/**
 * Jobs of one key, or (`mixed`) closer together, some keeping their pool the hour, some spot, some
 * with a rival of the same key created in the same minute, which takes the pool the other may be
 * presumed to take: chains that reach a short lifetime cap, and wrong presumptions on purpose.
 * Unmixed, the fields are constants that draw nothing, so a recorded seed and path replay as before.
 */
const jobsOf = (mixed: boolean) =>
  fc.array(
    fc.record({
      submitAfterMin: fc.integer({ min: 0, max: mixed ? 40 : 90 }),
      durationMin: fc.integer({ min: 1, max: 20 }),
      volumeSizeInGB: fc.constantFrom(30, 30, 50),
      keepAliveSeconds: mixed ? fc.constantFrom(0, 600, 1200, 3600) : fc.constantFrom(0, 600, 1200),
      spot: mixed ? fc.constantFrom(false, false, false, true) : fc.constant(false),
      /** The rival's duration in minutes. */
      rival: mixed
        ? fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined, freq: 3 })
        : fc.constant(undefined),
    }),
    { minLength: 1, maxLength: 6 },
  );

/** Per event: lost, or delivered in 1-3 copies each up to 30 minutes late, each maybe crashing once. */
const fates = fc.array(
  fc.record({
    lost: fc.boolean(),
    copies: fc.array(fc.record({ delayMin: fc.integer({ min: 0, max: 30 }), crash: fc.boolean() }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  { minLength: 12, maxLength: 12 },
);

/**
 * Maybe a reconcile dies after its claim: the first due from this minute of the submissions on,
 * up to four hours after the last, when the quiet may have stretched the period to the longest.
 */
const dies = fc.option(fc.integer({ min: 0, max: 330 }), { nil: undefined });

/** SageMaker's lifetime cap: the 28 days, or (`mixed`) short enough that chains of these jobs reach it. */
const lifetimesOf = (mixed: boolean) =>
  mixed
    ? fc.constantFrom(DEFAULT_KEEP_ALIVE_LIMITS.lifetimeCapSeconds, 20 * 60, 40 * 60)
    : fc.constant(DEFAULT_KEEP_ALIVE_LIMITS.lifetimeCapSeconds);

/**
 * Where the ledger's pools differ from SageMaker's just after a reconcile: a pool still marked
 * presumed taken (the listing settles every presumption, right or wrong), a pool recorded under
 * another chain's id, SageMaker's Available pool not Available in the ledger, or predicted to end
 * later than SageMaker ends it (a chain's birth learnt late brings its lifetime cap with it).
 */
const poolsUnlikeSageMaker = async (world: SweepWorld): Promise<unknown[]> => {
  const found: unknown[] = [];
  for (const job of world.emulator.model.inspectJobs()) {
    const pool = (await world.ledger.getJob(job.name))?.pool;
    if (pool?.presumedTakenBy !== undefined)
      found.push({ job: job.name, presumedTakenBy: pool.presumedTakenBy, sageMaker: job.warmPoolStatus });
    if (pool !== undefined && pool.poolId !== job.poolId)
      found.push({ job: job.name, poolId: pool.poolId, sageMaker: job.poolId });
    if (job.warmPoolStatus === 'Available' && pool?.status !== 'Available')
      found.push({ job: job.name, status: pool?.status, sageMaker: job.warmPoolStatus });
    const truth = job.poolId === undefined ? undefined : world.emulator.model.inspectPool(job.poolId);
    if (
      job.warmPoolStatus === 'Available' &&
      pool?.expiresAtMs !== undefined &&
      truth?.expiresAtMs !== undefined &&
      pool.expiresAtMs > truth.expiresAtMs
    )
      found.push({ job: job.name, expiresAtMs: pool.expiresAtMs, sageMaker: truth.expiresAtMs });
  }
  return found;
};

interface Delivery {
  readonly atMs: number;
  readonly event: TrainingJobStateChangeEvent;
  readonly crash: boolean;
  readonly attempt: number;
}

/**
 * The property, for sweeps that live (`sweepsDie` false) or that each die after their first
 * ledger write for as long as events still come (a Lambda timing out on a bad day).
 */
const converges = (sweepsDie: boolean, parameters: fc.Parameters<unknown[]>, mixed = true) =>
  fc.assert(
    // Jobs from the start, or after two hours of quiet reconciles that stretched the period to the
    // longest; the period stretching past it while no dear job runs, or not.
    fc.asyncProperty(
      jobsOf(mixed),
      fates,
      fc.constantFrom(0, 120),
      dies,
      fc.constantFrom(undefined, IDLE_LONGEST_EVERY_MS),
      fc.constantFrom(LEAVE_ALONE, STOP_AFTER_5M),
      lifetimesOf(mixed),
      async (specs, plan, quietLeadMin, dieAfterMin, idleLongestEveryMs, policy, lifetimeCapSeconds) => {
        const { ledger, state } = crashable(new MemoryLedger());
        const container = { acceptedStops: new AcceptedStops() };
        const world = await new SweepWorld({
          ledger,
          policy,
          longestReconcileEveryMs: LONGEST_EVERY_MS,
          limits: { ...DEFAULT_KEEP_ALIVE_LIMITS, lifetimeCapSeconds },
          ...(idleLongestEveryMs !== undefined ? { idleLongestReconcileEveryMs: idleLongestEveryMs } : {}),
        }).start();
        const longestMs = idleLongestEveryMs ?? LONGEST_EVERY_MS;
        try {
          const submissions = specs
            .flatMap((spec, i) => {
              const job = {
                ...spec,
                name: `job-${i}`,
                atMs: MONDAY_NOON + (quietLeadMin + spec.submitAfterMin) * MIN,
              };
              return spec.rival === undefined
                ? [job]
                : [job, { ...job, name: `rival-${i}`, spot: false, durationMin: spec.rival }];
            })
            .sort((a, b) => a.atMs - b.atMs);
          const queue: Delivery[] = [];
          let published = 0;
          const take = () => {
            for (const event of world.events.splice(0)) {
              const fate = plan[published++ % plan.length];
              if (!fate || fate.lost) continue;
              for (const copy of fate.copies) {
                queue.push({
                  atMs: world.clock.now() + copy.delayMin * MIN,
                  event,
                  crash: copy.crash,
                  attempt: 0,
                });
              }
            }
          };
          let dieAtMs =
            dieAfterMin === undefined ? undefined : MONDAY_NOON + (quietLeadMin + dieAfterMin) * MIN;
          const schedule = world.sweepDeps.reconciler?.schedule;
          let quietSince: number | undefined;
          let poolsChecked = false;
          for (let at = MONDAY_NOON; ; at += MIN) {
            world.advanceTo(at);
            while (submissions[0] && submissions[0].atMs <= at) {
              const job = submissions.shift();
              if (job)
                world.submit(
                  job.name,
                  job.keepAliveSeconds,
                  job.volumeSizeInGB,
                  job.durationMin * 60,
                  job.spot,
                );
            }
            take();
            queue.sort((a, b) => a.atMs - b.atMs);
            while (queue[0] && queue[0].atMs <= at) {
              const delivery = queue.shift() as Delivery;
              state.dying = delivery.crash && delivery.attempt === 0;
              state.wrote = false;
              try {
                await world.deliverEvent(delivery.event);
              } catch {
                // Lambda retries a failed invocation about a minute later.
                queue.push({ ...delivery, atMs: at + MIN, attempt: delivery.attempt + 1 });
              } finally {
                state.dying = false;
              }
            }
            // The sweep due to reconcile dies once it claimed; one not due runs as ever.
            const died =
              dieAtMs !== undefined &&
              dieAtMs <= at &&
              (await schedule?.claim(at, RECONCILE_EVERY_MS, 'granted'))?.claimed === true;
            const eventsStillCome = submissions.length > 0 || queue.length > 0;
            if (died) dieAtMs = undefined;
            else if (sweepsDie && eventsStillCome) {
              state.dying = true;
              state.wrote = false;
              await world.sweep(container).catch(() => undefined);
              state.dying = false;
            } else {
              const report = await world.sweep(container);
              // The first reconcile once every job has ended and every event was handled (lost or
              // not): pools still live, so what it settled about them is compared now.
              const settled =
                !eventsStillCome &&
                world.events.length === 0 &&
                world.emulator.model.inspectJobs().every((j) => isTerminal(j.status));
              if (settled && !poolsChecked && report.nextReconcileAtMs !== undefined) {
                poolsChecked = true;
                expect(await poolsUnlikeSageMaker(world)).toEqual([]);
              }
            }
            // A reconcile that dies in the quiet is within the bound: the quiet does not start again.
            const quiet =
              submissions.length === 0 && queue.length === 0 && world.emulator.nextDueAt() === undefined;
            quietSince = quiet ? (quietSince ?? at) : undefined;
            if (quietSince !== undefined && at - quietSince >= longestMs + RECONCILE_EVERY_MS) break;
          }
          const truth = world.emulator.model.inspectJobs();
          const records = new Map(
            (await Promise.all(truth.map((j) => ledger.getJob(j.name)))).flatMap((r) =>
              r ? [[r.name, r]] : [],
            ),
          );
          for (const job of truth) {
            const record = records.get(job.name);
            const pool = record?.pool;
            expect({
              job: job.name,
              status: record?.job?.status,
              reusedPoolOf: record?.reusedPoolOf,
              pool: pool?.status,
              // Every presumption is settled by then: one still marked is a pool left unmanaged.
              presumedTakenBy: pool?.presumedTakenBy,
              poolId: pool?.poolId,
              // Every action begun is finished: one left would be missing from the audit.
              pendingAction: record?.pendingAction?.action,
            }).toEqual({
              job: job.name,
              status: job.status,
              reusedPoolOf: job.reusedPoolOf,
              pool: job.warmPoolStatus === 'InUse' ? undefined : job.warmPoolStatus,
              presumedTakenBy: undefined,
              poolId: pool === undefined ? undefined : job.poolId,
              pendingAction: undefined,
            });
          }
          const billed = (rs: Iterable<{ pool?: { billableSeconds?: number } }>) =>
            [...rs].reduce((sum, r) => sum + (r.pool?.billableSeconds ?? 0), 0);
          expect(billed(records.values())).toBe(
            world.emulator.model.inspectPools().reduce((sum, p) => sum + p.idleBillableSeconds, 0),
          );
        } finally {
          await world.stop();
        }
      },
    ),
    parameters,
  );

describe('reconciliation converges to SageMaker (property)', () => {
  it('ledger = emulator within two reconcile periods (the longest, then the base) after the last event, whatever befell the events', async () => {
    await converges(false, { numRuns: 25 });
  }, 300_000);

  it('and so when every sweep dies after its first ledger write while events still come', async () => {
    await converges(true, { numRuns: 100 });
  }, 300_000);

  it("and so for a history whose stop outcome died, then a late copy of the job's end found the pool ended: the stop is finished, not stranded", async () => {
    // A dying sweep's stop: SageMaker took it, the ledger's write of its outcome died; a copy of the
    // job's end 6 minutes late described the pool Terminated and recorded the end over the intent.
    await converges(true, {
      seed: -606543340,
      path: '1:0:0:0:2:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:2:5:3:4:2:2:2:3:4:4:2:2:2:2:2:4:3:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1',
      endOnFailure: true,
    });
  }, 300_000);

  it('and so for a history that left a lost end InUse: its adoption died between the snapshot and the pool', async () => {
    // Four quick jobs, one end event lost, the sweeps dying until the chain of listings broke:
    // the full listing that followed did not list the pool (Terminated by then).
    await converges(
      true,
      {
        seed: 1981337847,
        path: '106:3:2:4:4:4:4:8:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:13:14:14:13:13:13:13:13:13:13:13:13:13:13:17:14:18',
        endOnFailure: true,
      },
      false,
    );
  }, 300_000);

  it("and so for a history whose reconcile learnt a chain's birth late: the next pool's predicted end is capped by it", async () => {
    // Two pairs of same-minute jobs and a 20-minute lifetime cap; one pair's giver's end came late,
    // after its taker's end recorded the pool as its own: the late link carried the birth down.
    await converges(false, {
      seed: -1615071448,
      path: '60:6:2:12:4:10:14:15:16:17:17:17:17:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:15:16:16:17:16:16:16:14:14:14:16:16:16:14:14:14:14:14:14:14:14:14',
      endOnFailure: true,
    });
  }, 300_000);

  it("and so for a history with a wrong presumption whose taker's end was lost: its own pool under its own id", async () => {
    // A rival's start presumed the pool its same-minute twin took; its end lost, the reconcile that
    // took the link back adopted it from the record read while linked (test/integration/settlePresumptionAdoption.test.ts).
    await converges(false, {
      seed: -1214046466,
      path: '4:2:5:5:13:21:24:4:1:9:13:13:1:12:20:4:13:13:1:12:23:4:12:15:15:14:19:17:17:20:18:18:19:19:19:19:19:20:19:4:1:18:13:13:15:15:15:15:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:17:17:17:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:16:1:1:1:1:11:11:11:12:11:11:11:12:12:12',
      endOnFailure: true,
    });
  }, 300_000);

  it("and so for a history whose wrong presumption's twins were born alike: the chain's id reaches the job after", async () => {
    // Two same-minute twins keep their pools; the next pair took them, one presumed taking the
    // other's; the job after took that one's pool. The link that set the pair right carried the
    // birth down, but no id, as the births were alike: the job after kept the twin's chain id.
    await converges(false, {
      seed: -1142874132,
      path: '14:3:2:5:5:15:15:17:15:15:16:22:4:17:3:19:19:19:19:26:30:10:14:4:17:3:18:15:19:6:13:3:14:21:5:12:21:25:5:19:17:26:24:24:27:4:4:17:21:21:21:21:21:22:7:4:4:14:14:15:4:16:17:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:18:19:18:15:7:8:10:4:6:13:4:9:15:7:8:13:4:6:11:4:10:15:7:6:8:8:4:9:14:10:12:12:12:11:11:11:11:11:11:11:11:11:11:11:11:11:11',
      endOnFailure: true,
    });
  }, 300_000);
});
