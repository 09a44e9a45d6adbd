import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryReconcileSchedule } from '../../lib/adapters/memory/memoryReconcileSchedule';
import { LocatedCatalog } from '../../lib/adapters/sagemaker/locatedCatalog';
import { LocatedTrainingJobs } from '../../lib/adapters/sagemaker/locatedTrainingJobs';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import { type SweepAccountsDeps, sweepAccounts } from '../../lib/app/sweepAccounts';
import { type JobLocation, locationLabel } from '../../lib/domain/jobLocation';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { AccountAccess } from '../../lib/ports/accountAccess';
import type { ReconcileClaim } from '../../lib/ports/reconcileSchedule';
import { spokeSageMakerClient } from '../support/spokeClient';
import { LEAVE_ALONE, MIN, RECONCILE_EVERY_MS, SweepWorld, sampleJob } from '../support/sweepWorld';

const HOME: JobLocation = { account: '123456789012', region: 'us-east-1' };
const RESEARCH: JobLocation = { account: '111122223333', region: 'eu-west-1' };
const PRODUCTION: JobLocation = { account: '444455556666', region: 'us-east-1' };

/**
 * Configured member accounts and regions are reconciled whatever the ledger holds there: a pool,
 * or a job end, whose events were all lost in an account with no Available pool is found.
 */
describe('the sweep over accounts reconciles configured members that hold no pool', () => {
  let world: SweepWorld | undefined;
  const clients: SageMakerClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await world?.stop();
  });

  /** The world's SageMaker as each account and region's own client sees it. */
  const located = (w: SweepWorld) => {
    const jobs = new Map<string, SageMakerTrainingJobs>();
    const jobsIn = (location: JobLocation): SageMakerTrainingJobs => {
      const key = locationLabel(location);
      let found = jobs.get(key);
      if (!found) {
        const client = spokeSageMakerClient(w.emulator.endpoint, location);
        clients.push(client);
        found = new SageMakerTrainingJobs(client);
        jobs.set(key, found);
      }
      return found;
    };
    return { jobsIn, trainingJobs: new LocatedTrainingJobs(HOME, w.sweepDeps.trainingJobs, jobsIn) };
  };

  const depsOf = (
    w: SweepWorld,
    members: readonly JobLocation[],
    access: AccountAccess = { check: async () => {} },
  ): { deps: SweepAccountsDeps; schedules: Map<string, MemoryReconcileSchedule> } => {
    const homeReconciler = w.sweepDeps.reconciler;
    if (!homeReconciler) throw new Error('the world has a reconciler');
    const { jobsIn, trainingJobs } = located(w);
    const schedules = new Map<string, MemoryReconcileSchedule>();
    const scheduleOf = (location: JobLocation): MemoryReconcileSchedule => {
      const schedule = schedules.get(locationLabel(location)) ?? new MemoryReconcileSchedule();
      schedules.set(locationLabel(location), schedule);
      return schedule;
    };
    for (const member of members) scheduleOf(member);
    return {
      schedules,
      deps: {
        ...w.sweepDeps,
        trainingJobs,
        reconciler: { ...homeReconciler, home: HOME },
        home: HOME,
        access,
        members,
        reconcilerFor: (location) => ({
          ...homeReconciler,
          home: HOME,
          catalog: new LocatedCatalog(location, HOME, jobsIn(location)),
          schedule: scheduleOf(location),
        }),
      },
    };
  };

  const sageMakerCalls = (w: SweepWorld): number =>
    Object.values(w.emulator.callsByPlace())
      .flatMap((operations) => Object.values(operations))
      .reduce((n, c) => n + c, 0);

  it('adopts the only pool of a member whose events were all lost, at its next reconcile period', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const { deps } = depsOf(world, [RESEARCH]);
    // The member's period is claimed while it has nothing.
    const first = await sweepAccounts(deps);
    expect(first.listed).toBe(true);
    expect(first.adopted).toBe(0);

    world.emulator.submit(
      {
        ...sampleJob('train-lost', 3600),
        roleArn: `arn:aws:iam::${RESEARCH.account}:role/research-training`,
      },
      RESEARCH,
    );
    world.advance(10 * MIN);
    world.events.splice(0); // every event of it lost
    const listsBefore = world.emulator.callsByPlace()[locationLabel(RESEARCH)]?.ListTrainingJobs ?? 0;
    const within = await sweepAccounts(deps);
    expect(within.adopted).toBe(0);
    expect(world.emulator.callsByPlace()[locationLabel(RESEARCH)]?.ListTrainingJobs ?? 0).toBe(listsBefore);

    world.advance(RECONCILE_EVERY_MS);
    const next = await sweepAccounts(deps);
    expect(next.adopted).toBe(1);
    expect(next.accounts).toBe(0); // no member held an Available pool when the sweep began
    const adopted = await world.ledger.getJob(`${locationLabel(RESEARCH)}/train-lost`);
    expect(adopted?.pool?.status).toBe('Available');
    expect(adopted?.job?.location).toEqual(RESEARCH);
  });

  it("finds the end of a member's running job whose end event was lost, with no pool there", async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const { deps, schedules } = depsOf(world, [RESEARCH]);
    world.emulator.submit(
      { ...sampleJob('train-run', 0), roleArn: `arn:aws:iam::${RESEARCH.account}:role/research-training` },
      RESEARCH,
    );
    world.advance(MIN);
    for (const event of world.events.splice(0))
      await processJobStateChange(event, {
        ...world.sweepDeps,
        trainingJobs: deps.trainingJobs,
        describeConcurrency: 2,
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        home: HOME,
      });
    const ref = `${locationLabel(RESEARCH)}/train-run`;
    expect((await world.ledger.runningJobs(10)).items.map((j) => j.name)).toEqual([ref]);
    // A reconcile while it runs, so that the next one lists only what changed.
    await sweepAccounts(deps);
    expect((await world.ledger.getJob(ref))?.job?.status).toBe('InProgress');

    world.advance(RECONCILE_EVERY_MS);
    world.events.splice(0); // its end event lost
    await sweepAccounts(deps);
    expect((await world.ledger.getJob(ref))?.job?.status).toBe('Completed');
    expect((await world.ledger.runningJobs(10)).items).toEqual([]);
    expect(schedules.size).toBe(1);
  });

  it('costs nothing between periods: 50 accounts × 3 regions, nothing due, no SageMaker call nor role', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const members = Array.from({ length: 50 }, (_, i) =>
      ['us-east-1', 'eu-west-1', 'ap-southeast-2'].map((region) => ({
        account: String(200_000_000_000 + i),
        region,
      })),
    ).flat();
    const checked: string[] = [];
    const { deps, schedules } = depsOf(world, members, {
      check: async (location) => void checked.push(locationLabel(location)),
    });
    const now = world.clock.now();
    await deps.reconciler?.schedule.claim(now, RECONCILE_EVERY_MS, 'granted');
    for (const schedule of schedules.values()) await schedule.claim(now, RECONCILE_EVERY_MS, 'granted');

    world.advance(MIN);
    const report = await sweepAccounts(deps);
    expect(sageMakerCalls(world)).toBe(0);
    expect(checked).toEqual([]);
    expect(report).toMatchObject({ listed: false, listCalls: 0, accounts: 0, unreachable: [] });
  });

  it('reports an unreachable member and reconciles the others', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const { deps } = depsOf(world, [PRODUCTION, RESEARCH], {
      check: async (location) => {
        if (location.account === PRODUCTION.account) throw new Error('AccessDenied: not trusted');
      },
    });
    world.emulator.submit(
      {
        ...sampleJob('train-lost', 3600),
        roleArn: `arn:aws:iam::${RESEARCH.account}:role/research-training`,
      },
      RESEARCH,
    );
    world.advance(10 * MIN);
    world.events.splice(0);

    const report = await sweepAccounts(deps);
    expect(report.unreachable).toEqual([
      { ...PRODUCTION, availablePools: 0, error: 'AccessDenied: not trusted' },
    ]);
    expect(report.adopted).toBe(1);
    expect(world.emulator.callsByPlace()[locationLabel(PRODUCTION)]).toBeUndefined();
    expect((await world.ledger.getJob(`${locationLabel(RESEARCH)}/train-lost`))?.pool?.status).toBe(
      'Available',
    );
  });

  it("records a member's reconcile done at the instant its claim wrote, though its role check takes time", async () => {
    // The member's list pages throttled while `throttleFrom` is set, from that call of ListTrainingJobs on.
    const lists = { n: 0, throttleFrom: Number.POSITIVE_INFINITY };
    world = await new SweepWorld({
      ledger: new MemoryLedger(),
      policy: LEAVE_ALONE,
      longestReconcileEveryMs: 4 * RECONCILE_EVERY_MS,
      throttle: (op) => op === 'ListTrainingJobs' && ++lists.n >= lists.throttleFrom,
    }).start();
    const w = world;
    // Assuming the spoke role is an STS call: the clock moves between the claim and the member's sweep.
    const { deps } = depsOf(w, [RESEARCH], { check: async () => w.advance(50) });
    const claims: ReconcileClaim[] = [];
    const reconcilerFor = deps.reconcilerFor;
    const spied: SweepAccountsDeps = {
      ...deps,
      reconcilerFor: (location) => {
        const own = reconcilerFor?.(location);
        if (!own) return own;
        return {
          ...own,
          schedule: {
            claim: async (nowMs, baseMs, rule) => {
              const claim = await own.schedule.claim(nowMs, baseMs, rule);
              claims.push(claim);
              return claim;
            },
            done: own.schedule.done.bind(own.schedule),
          },
        };
      },
    };
    // Two pages of history in the member, jobs without pools whose events predate the deployment.
    const start = w.clock.now();
    for (let i = 0; i < 150; i++) {
      w.advanceTo(start + i * 10 * MIN);
      w.emulator.submit(
        {
          ...sampleJob(`h-${i}`, 0),
          roleArn: `arn:aws:iam::${RESEARCH.account}:role/research-training`,
        },
        RESEARCH,
      );
    }
    w.advance(60 * MIN);
    w.events.splice(0);

    // The first reconcile: the home lists its one page, the member's full listing its first page
    // only (the second is throttled past the retries): it goes on from there.
    lists.n = 0;
    lists.throttleFrom = 3;
    const first = await sweepAccounts(spied);
    lists.throttleFrom = Number.POSITIVE_INFINITY;
    expect(first.fullListUnfinished).toBe(true);
    expect(claims).toHaveLength(1);

    w.advance(RECONCILE_EVERY_MS);
    const second = await sweepAccounts(spied);
    expect(second.failures).toBe(0);
    expect(claims).toHaveLength(2);
    const claim = claims[1];
    // Its listing counts as done (not abandoned), and the full listing resumes where it stopped.
    expect(claim?.claimed).toBe(true);
    expect(claim?.lastListedMs).toBe(claim?.previousStartMs);
    expect(claim?.fullListResume).toBeDefined();

    // Quiet, with the full listing done: the next is due two base periods on, not one.
    w.advance(RECONCILE_EVERY_MS);
    await sweepAccounts(spied);
    expect(claims.at(-1)?.claimed).toBe(false);
    w.advance(RECONCILE_EVERY_MS);
    await sweepAccounts(spied);
    expect(claims.at(-1)?.claimed).toBe(true);
  });

  it('counts a member whose claim fails, and a home whose listing is throttled, and sweeps the others', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const { deps } = depsOf(world, [PRODUCTION, RESEARCH]);
    const reconcilerFor = deps.reconcilerFor;
    const failing = {
      ...deps,
      // The production member's reconcile schedule cannot be written.
      reconcilerFor: (location: JobLocation) => {
        const own = reconcilerFor?.(location);
        if (!own || location.account !== PRODUCTION.account) return own;
        return {
          ...own,
          schedule: {
            claim: async () => {
              throw new Error('ProvisionedThroughputExceededException');
            },
            done: own.schedule.done.bind(own.schedule),
          },
        };
      },
    };
    world.emulator.submit(
      {
        ...sampleJob('train-lost', 3600),
        roleArn: `arn:aws:iam::${RESEARCH.account}:role/research-training`,
      },
      RESEARCH,
    );
    world.advance(10 * MIN);
    world.events.splice(0);
    // The home's listing is throttled past the SDK's retries, the research member's is not.
    const spokeLists = () => world?.emulator.callsByPlace()[locationLabel(RESEARCH)]?.ListTrainingJobs ?? 0;
    const homeLists = { n: 0 };
    const homeReconciler = failing.reconciler;
    if (!homeReconciler) throw new Error('the world has a reconciler');
    const report = await sweepAccounts({
      ...failing,
      reconciler: {
        ...homeReconciler,
        catalog: {
          ...homeReconciler.catalog,
          availablePools: async () => {
            homeLists.n++;
            throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          },
          changedJobs: async () => {
            homeLists.n++;
            throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          },
          details: homeReconciler.catalog.details.bind(homeReconciler.catalog),
        },
      },
    });
    expect(homeLists.n).toBeGreaterThan(0);
    // One failure for the home's listing, one for the member whose claim failed.
    expect(report.failures).toBe(2);
    expect(spokeLists()).toBeGreaterThan(0);
    expect(report.adopted).toBe(1);
    expect((await world.ledger.getJob(`${locationLabel(RESEARCH)}/train-lost`))?.pool?.status).toBe(
      'Available',
    );
  });
});
