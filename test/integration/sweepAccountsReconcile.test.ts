import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryReconcileSchedule } from '../../lib/adapters/memory/memoryReconcileSchedule';
import { LocatedCatalog } from '../../lib/adapters/sagemaker/locatedCatalog';
import { LocatedTrainingJobs } from '../../lib/adapters/sagemaker/locatedTrainingJobs';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { ListingPace } from '../../lib/app/listingPace';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import { type SweepAccountsDeps, sweepAccounts } from '../../lib/app/sweepAccounts';
import { type JobLocation, locationLabel } from '../../lib/domain/jobLocation';
import { matchKey } from '../../lib/domain/matchKey';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import { spokeSageMakerClient } from '../support/spokeClient';
import { LEAVE_ALONE, MIN, SweepWorld, sampleJob } from '../support/sweepWorld';

const HOME: JobLocation = { account: '123456789012', region: 'us-east-1' };
const RESEARCH: JobLocation = { account: '111122223333', region: 'eu-west-1' };

/**
 * The sweep over accounts with the reconciler: the home account and region lists on its own
 * schedule as before, and another account and region with Available pools lists its own
 * SageMaker (through its own client) on its own schedule, once per reconcile period.
 */
describe('the sweep over accounts reconciles each account and region on its own', () => {
  let world: SweepWorld | undefined;
  const clients: SageMakerClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await world?.stop();
  });

  /** The research account's SageMaker, through its own client, as its spoke role would reach it. */
  const researchTrainingJobs = (at: SweepWorld): SageMakerTrainingJobs => {
    const research = spokeSageMakerClient(at.emulator.endpoint, RESEARCH);
    clients.push(research);
    return new SageMakerTrainingJobs(research);
  };

  /**
   * The sweep over the home account and the research one, the research account listed through its
   * own client on its own schedule (and with its own listing pace, when given).
   */
  const accountsDeps = (
    at: SweepWorld,
    researchJobs: SageMakerTrainingJobs,
    options: { readonly members?: readonly JobLocation[]; readonly pace?: ListingPace },
  ): SweepAccountsDeps => {
    const homeReconciler = at.sweepDeps.reconciler;
    if (!homeReconciler) throw new Error('the world has a reconciler');
    const researchSchedule = new MemoryReconcileSchedule();
    return {
      ...at.sweepDeps,
      trainingJobs: new LocatedTrainingJobs(HOME, at.sweepDeps.trainingJobs, () => researchJobs),
      reconciler: { ...homeReconciler, home: HOME },
      home: HOME,
      ...(options.members ? { members: options.members } : {}),
      access: { check: async () => {} },
      reconcilerFor: (location) => ({
        ...homeReconciler,
        home: HOME,
        catalog: new LocatedCatalog(location, HOME, researchJobs),
        schedule: researchSchedule,
        ...(options.pace ? { pace: options.pace } : {}),
      }),
    };
  };

  it('adopts a pool of another account whose events were lost, listing that account once per period', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const researchJobs = researchTrainingJobs(world);
    const trainingJobs = new LocatedTrainingJobs(HOME, world.sweepDeps.trainingJobs, () => researchJobs);
    const roleArn = `arn:aws:iam::${RESEARCH.account}:role/research-training`;
    world.emulator.submit({ ...sampleJob('train-a', 3600), roleArn }, RESEARCH);
    world.emulator.submit({ ...sampleJob('train-b', 3600, 50), roleArn }, RESEARCH);
    world.advance(10 * MIN);
    // Only train-a's events arrive: train-b's pool is one the ledger never heard of.
    for (const event of world.events.splice(0)) {
      if (event.detail.TrainingJobName === 'train-b') continue;
      await processJobStateChange(event, {
        ...world.sweepDeps,
        trainingJobs,
        describeConcurrency: 2,
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        home: HOME,
      });
    }
    const deps = accountsDeps(world, researchJobs, {});

    const first = await sweepAccounts(deps);
    expect(first.listed).toBe(true);
    expect(first.adopted).toBe(1);
    const ref = `${locationLabel(RESEARCH)}/train-b`;
    const adopted = await world.ledger.getJob(ref);
    expect(adopted?.pool?.status).toBe('Available');
    expect(adopted?.job?.location).toEqual(RESEARCH);
    // The same match key as an event of that account would have given it: no pool of home matches.
    if (!adopted?.job) throw new Error('adopted with its snapshot');
    expect(adopted.job.matchKey).toBe(matchKey(adopted.job.criteria, RESEARCH));
    expect(await world.ledger.getJob('train-b')).toBeUndefined();

    const calls = () => world?.emulator.callsByPlace() ?? {};
    const listsAfterFirst = {
      home: calls()[locationLabel(HOME)]?.ListTrainingJobs ?? 0,
      research: calls()[locationLabel(RESEARCH)]?.ListTrainingJobs ?? 0,
    };
    expect(listsAfterFirst.home).toBeGreaterThan(0);
    expect(listsAfterFirst.research).toBeGreaterThan(0);
    // A second sweep in the same reconcile period lists nowhere.
    world.advance(MIN);
    const second = await sweepAccounts(deps);
    expect(second.listed).toBe(false);
    expect(calls()[locationLabel(HOME)]?.ListTrainingJobs ?? 0).toBe(listsAfterFirst.home);
    expect(calls()[locationLabel(RESEARCH)]?.ListTrainingJobs ?? 0).toBe(listsAfterFirst.research);
  });

  it('lists a member with no pool every minute between periods while its end events run late', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    const researchJobs = researchTrainingJobs(world);
    const researchPace = new ListingPace();
    const deps = accountsDeps(world, researchJobs, { members: [RESEARCH], pace: researchPace });
    const researchLists = () =>
      world?.emulator.callsByPlace()[locationLabel(RESEARCH)]?.ListTrainingJobs ?? 0;

    await sweepAccounts(deps);
    expect(researchLists()).toBeGreaterThan(0);
    // Between periods, with its events on time, the member costs no listing.
    world.advance(MIN);
    const calm = researchLists();
    await sweepAccounts(deps);
    expect(researchLists()).toBe(calm);

    // Its listing showed an end the ledger did not hold: the member's end events run late.
    researchPace.noteListing(world.clock.now(), { late: ['ended-unheard'], pending: [], recorded: [] });
    world.advance(MIN);
    await sweepAccounts(deps);
    expect(researchLists()).toBe(calm + 1);
  });
});
