import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { MemoryReconcileSchedule } from '../../lib/adapters/memory/memoryReconcileSchedule';
import { LocatedCatalog } from '../../lib/adapters/sagemaker/locatedCatalog';
import { LocatedTrainingJobs } from '../../lib/adapters/sagemaker/locatedTrainingJobs';
import { SageMakerTrainingJobs } from '../../lib/adapters/sagemaker/sageMakerTrainingJobs';
import { ListingPace } from '../../lib/app/listingPace';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import { type SweepAccountsDeps, sweepAccounts } from '../../lib/app/sweepAccounts';
import { DEFAULT_CATCH_UP_EVERY_MS } from '../../lib/domain/catchUpEvery';
import { type JobLocation, locationLabel } from '../../lib/domain/jobLocation';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { Pause } from '../../lib/ports/pause';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { spokeSageMakerClient } from '../support/spokeClient';
import { MIN, policyOf, SweepWorld, sampleJob } from '../support/sweepWorld';

const HOME: JobLocation = { account: '123456789012', region: 'us-east-1' };
const RESEARCH: JobLocation = { account: '111122223333', region: 'eu-west-1' };

/**
 * Stop a pool the moment it is idle, but leave the research account's alone: its pool stays
 * Available, so the research account is swept (and could be caught up on) in every sweep.
 */
const STOP_HOME_AT_ONCE = policyOf(`
version: 1
defaults:
  workingHours: []
  idle: { insideWorkingHours: 0s, outsideWorkingHours: 0s }
  extend: { when: { reusedWithin: off, ownerActiveWithin: off, predictedReuse: false } }
  keepAlive: { strategy: fixed }
rules:
  - name: research-left-alone
    match: { accounts: ['${RESEARCH.account}'] }
    idle: { insideWorkingHours: off, outsideWorkingHours: off }
`);

/**
 * Catch-up listings across accounts (catchUpListings.ts, run by sweepAccounts.ts after every
 * account is swept): only an account whose end events run late is listed every step; one whose
 * events run on time costs nothing more. In virtual time: the pause moves the world's clock and
 * delivers the events due meanwhile, nothing sleeps.
 */
describe('catch-up listings over accounts list only the account whose end events run late', () => {
  let world: SweepWorld | undefined;
  const clients: SageMakerClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await world?.stop();
  });

  it("the home account's late end is adopted within a step; the calm research account is never caught up on", async () => {
    const at = await new SweepWorld({ ledger: new MemoryLedger(), policy: STOP_HOME_AT_ONCE }).start();
    world = at;
    const research = spokeSageMakerClient(at.emulator.endpoint, RESEARCH);
    clients.push(research);
    const researchJobs = new SageMakerTrainingJobs(research);
    const trainingJobs = new LocatedTrainingJobs(HOME, at.sweepDeps.trainingJobs, () => researchJobs);
    const deliverEvent = (event: TrainingJobStateChangeEvent) =>
      processJobStateChange(event, {
        ...at.sweepDeps,
        trainingJobs,
        describeConcurrency: 2,
        tagKeys: DEFAULT_OWNER_TAG_KEYS,
        telemetry: silentTelemetry,
        reactors: [],
        home: HOME,
      });
    // The home account's end events run late (held back, never delivered here); the research
    // account's come on time.
    const isHomeEnd = (event: TrainingJobStateChangeEvent) =>
      event.account === HOME.account && event.detail.TrainingJobStatus === 'Completed';
    const deliverHoldingHomeEnds = async () => {
      for (const event of at.events.splice(0)) if (!isHomeEnd(event)) await deliverEvent(event);
    };
    const waits: number[] = [];
    const pause: Pause = {
      until: async (atMs) => {
        waits.push(atMs);
        at.advanceTo(atMs);
        await deliverHoldingHomeEnds();
      },
    };
    const homePace = new ListingPace();
    const researchPace = new ListingPace();
    const homeReconciler = at.sweepDeps.reconciler;
    if (!homeReconciler) throw new Error('the world sweeps with a reconciler');
    const researchSchedule = new MemoryReconcileSchedule();
    const deps = (catchUp: boolean): SweepAccountsDeps => ({
      ...at.sweepDeps,
      trainingJobs,
      reconciler: { ...homeReconciler, home: HOME, pace: homePace },
      home: HOME,
      access: { check: async () => {} },
      reconcilerFor: (location) => ({
        ...homeReconciler,
        home: HOME,
        catalog: new LocatedCatalog(location, HOME, researchJobs),
        schedule: researchSchedule,
        pace: researchPace,
      }),
      ...(catchUp ? { catchUp: { pause, everyMs: DEFAULT_CATCH_UP_EVERY_MS } } : {}),
    });
    const lists = (location: JobLocation) =>
      at.emulator.callsByPlace()[locationLabel(location)]?.ListTrainingJobs ?? 0;

    // Sweeps every minute (no catch-up yet): the research account's events all come, its pool is
    // kept warm; home's 'first' ends, its event held, until a home reconcile finds it late.
    const roleArn = `arn:aws:iam::${RESEARCH.account}:role/research-training`;
    at.emulator.submit({ ...sampleJob('kept', 3600), roleArn }, RESEARCH);
    at.submit('first', 1800);
    const sweepMinute = async () => {
      await deliverHoldingHomeEnds();
      await sweepAccounts(deps(false));
      at.advance(MIN);
    };
    while (!homePace.soonerListing) await sweepMinute();
    await sweepMinute();
    expect((await at.ledger.getJob('first'))?.pool).toMatchObject({ status: 'Terminated' });

    // A home pool dear enough idle ($2.51 a minute) that catching up adopts its end at once.
    at.emulator.submit({
      ...sampleJob('dear', 1800, 50, 600),
      instanceType: 'ml.p4d.24xlarge',
      instanceCount: 4,
    });
    while (at.emulator.model.inspectJob('dear')?.startedAtMs === undefined) await sweepMinute();
    const endsAtMs = (at.emulator.model.inspectJob('dear')?.startedAtMs ?? 0) + 600_000;
    // The last of these sweeps a minute before the one under test.
    while (at.clock.now() + MIN <= endsAtMs - 75_000) await sweepMinute();
    at.advanceTo(endsAtMs - 75_000);
    await sweepMinute();
    const researchRef = `${locationLabel(RESEARCH)}/kept`;
    expect((await at.ledger.getJob(researchRef))?.pool).toMatchObject({ status: 'Available' });
    expect(homePace.soonerListing).toBe(true);
    expect(researchPace.soonerListing).toBe(false);

    // The sweep under test starts 15 s before 'dear' ends: its own listing sees it running.
    at.advanceTo(endsAtMs - 15_000);
    await deliverHoldingHomeEnds();
    const before = { home: lists(HOME), research: lists(RESEARCH) };
    const report = await sweepAccounts(deps(true));

    expect(at.emulator.model.inspectJob('dear')?.endedAtMs).toBe(endsAtMs);
    const stopped = at.decisions.all().find((d) => d.job === 'dear');
    expect(stopped).toMatchObject({ action: 'stop', outcome: 'applied' });
    // Adopted (and stopped) by the first catch-up listing after its end: within one step.
    expect(stopped?.atMs).toBeGreaterThan(endsAtMs);
    expect(stopped?.atMs).toBeLessThanOrEqual(endsAtMs + DEFAULT_CATCH_UP_EVERY_MS);
    expect(report.adopted).toBe(1);

    // Steps of 10 s until a step before the next sweep; one listing a step, the home account's alone.
    const startMs = endsAtMs - 15_000;
    expect(waits).toEqual([10_000, 20_000, 30_000, 40_000, 50_000].map((s) => startMs + s));
    expect(report.catchUpListings).toBe(waits.length);
    // Home: its own sooner listing and one a step. Research: swept (its pool is Available) but its
    // reconcile period already claimed (by the sweep at its quarter hour) and its events on time:
    // not listed at all.
    expect(lists(HOME) - before.home).toBe(1 + waits.length);
    expect(lists(RESEARCH) - before.research).toBe(0);
    expect(researchPace.soonerListing).toBe(false);
    expect((await at.ledger.getJob(researchRef))?.pool).toMatchObject({ status: 'Available' });
  });
});
