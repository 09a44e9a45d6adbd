import type { TraceJob } from '../../../lib/trace/traceJob';
import { atLocalTime, type LocalDay } from './calendar';
import { buildJob, ecrImage, type JobChoice, latestEndMs } from './jobFactory';
import { drawRun, type OutcomeRates } from './outcomes';
import { Random } from './random';
import type { OwnerProfile, TeamProfile } from './teams';
import type { GapModel } from './workloads';

/**
 * A data scientist iterating on a model: short jobs one after the other, each submitted a few
 * minutes after the previous one ended, mostly with the same configuration. The jobs that
 * warm pools are for.
 */

/** The keep-alive values people actually type. */
export const KEEP_ALIVE_CHOICES: readonly number[] = [0, 600, 1800, 3600];

const OUTCOMES: OutcomeRates = {
  algorithmError: 0.06,
  clientError: 0.01,
  internalServerError: 0.015,
  stopped: 0.04,
};

/** Local hours between which sessions start, and after which nobody submits another job. */
const FIRST_START_HOUR = 9;
const LAST_START_HOUR = 17;
const GO_HOME_HOUR = 20;

/** Per job after the first: the chance that the person changes one match criterion. */
const NEAR_MISS_PROBABILITY = 0.12;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

const gapSeconds = (rng: Random, model: GapModel): number =>
  model === 'iterating'
    ? clamp(rng.logNormal(240, 0.7), 60, 20 * 60)
    : clamp(rng.logNormal(480, 1.3), 30, 4 * 3600);

const different = <T>(rng: Random, items: readonly T[], current: T): T => {
  const others = items.filter((item) => item !== current);
  return others.length > 0 ? rng.pick(others) : current;
};

/** A bigger disk or another instance type: the job then just misses the pool its predecessor left. */
const nearMiss = (rng: Random, team: TeamProfile, choice: JobChoice): JobChoice =>
  rng.chance(0.5) && team.devVolumeSizesInGB.length > 1
    ? { ...choice, volumeSizeInGB: different(rng, team.devVolumeSizesInGB, choice.volumeSizeInGB) }
    : {
        ...choice,
        instanceType: different(
          rng,
          team.devInstanceTypes.map(([type]) => type),
          choice.instanceType,
        ),
      };

const session = (
  rng: Random,
  team: TeamProfile,
  owner: OwnerProfile,
  day: LocalDay,
  startMs: number,
  gaps: GapModel,
): TraceJob[] => {
  const project = rng.pick(team.projects);
  const repository = `${team.name}/${project}`;
  let choice: JobChoice = {
    instanceType: rng.weighted(team.devInstanceTypes),
    instanceCount: rng.chance(0.1) ? 2 : 1,
    volumeSizeInGB: rng.pick(team.devVolumeSizesInGB),
    keepAliveSeconds: rng.chance(0.9) ? owner.keepAliveSeconds : rng.pick(KEEP_ALIVE_CHOICES),
    image: ecrImage(repository, `dev-${rng.hex(7)}`),
    project,
  };
  const jobCount = 1 + Math.min(rng.poisson(5), 14);
  const goHomeMs = atLocalTime(day, GO_HOME_HOUR);
  const jobs: TraceJob[] = [];
  let submitAtMs = startMs;
  for (let k = 0; k < jobCount && submitAtMs < goHomeMs; k++) {
    if (k > 0 && rng.chance(NEAR_MISS_PROBABILITY)) choice = nearMiss(rng, team, choice);
    // A rebuilt image changes nothing for warm pools: SageMaker does not compare images.
    if (k > 0 && rng.chance(0.4)) choice = { ...choice, image: ecrImage(repository, `dev-${rng.hex(7)}`) };
    const run = drawRun(rng, clamp(rng.logNormal(360, 0.6), 60, 45 * 60), OUTCOMES);
    jobs.push(buildJob(team, owner, `${team.name}-${owner.name}-${project}`, submitAtMs, choice, run));
    submitAtMs = latestEndMs(submitAtMs, run.durationSeconds) + Math.round(gapSeconds(rng, gaps) * 1000);
  }
  return jobs;
};

/** The interactive sessions of every person of a team on one day. */
export const interactiveDay = (
  seed: number,
  team: TeamProfile,
  day: LocalDay,
  sessionsPerOwner: number,
  gaps: GapModel,
): TraceJob[] =>
  team.owners.flatMap((owner) => {
    const rng = Random.derive(seed, team.name, day.date, 'interactive', owner.name);
    const starts = Array.from(
      { length: rng.poisson(sessionsPerOwner) },
      () => atLocalTime(day, rng.between(FIRST_START_HOUR, LAST_START_HOUR)) + rng.int(0, 999),
    ).sort((a, b) => a - b);
    return starts.flatMap((startMs) => session(rng, team, owner, day, startMs, gaps));
  });
