import type { TraceJob } from '../../../lib/trace/traceJob';
import { atLocalTime, type LocalDay } from './calendar';
import { buildJob, type JobChoice, latestEndMs, pytorchImage } from './jobFactory';
import { drawRun, type OutcomeRates } from './outcomes';
import { Random } from './random';
import type { OwnerProfile, TeamProfile } from './teams';

/**
 * A hand-rolled hyper-parameter sweep: a script submits many short jobs of one configuration,
 * a few at a time, each as soon as a slot frees up. (SageMaker's own tuning jobs clear the
 * keep-alive, so the sweeps that meet warm pools are these.)
 */

const OUTCOMES: OutcomeRates = {
  algorithmError: 0.04,
  clientError: 0,
  internalServerError: 0.01,
  stopped: 0.02,
};
const PARAMETERS = ['lr', 'batch-size', 'dropout', 'warmup', 'weight-decay'];
const SWEEP_VOLUME_GB = 50;
const FIRST_START_HOUR = 10;
const LAST_START_HOUR = 16;

const clamp = (value: number, min: number, max: number): number => Math.min(max, Math.max(min, value));

const sweep = (rng: Random, team: TeamProfile, owner: OwnerProfile, startMs: number): TraceJob[] => {
  const project = rng.pick(team.projects);
  const baseName = `${team.name}-${owner.name}-sweep-${rng.pick(PARAMETERS)}`;
  const choice: JobChoice = {
    instanceType: team.sweepInstanceType,
    instanceCount: 1,
    volumeSizeInGB: SWEEP_VOLUME_GB,
    keepAliveSeconds: owner.keepAliveSeconds,
    image: pytorchImage(team.sweepInstanceType),
    project,
  };
  const trials = rng.int(8, 30);
  const parallelism = rng.weighted<number>([
    [1, 2],
    [2, 3],
    [4, 2],
  ]);
  // Each slot runs its trials back to back; slots start a few seconds apart.
  const nextSubmitMs = Array.from(
    { length: parallelism },
    (_, slot) => startMs + slot * rng.int(2000, 20000),
  );
  const jobs: TraceJob[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const slot = trial % parallelism;
    const submitAtMs = nextSubmitMs[slot] ?? startMs;
    const run = drawRun(rng, clamp(rng.logNormal(300, 0.35), 90, 20 * 60), OUTCOMES);
    jobs.push(buildJob(team, owner, baseName, submitAtMs, choice, run));
    nextSubmitMs[slot] = latestEndMs(submitAtMs, run.durationSeconds) + rng.int(5000, 60000);
  }
  return jobs;
};

/** The sweeps a team runs on one day. */
export const sweepDay = (
  seed: number,
  team: TeamProfile,
  day: LocalDay,
  sweepsPerTeam: number,
): TraceJob[] => {
  const rng = Random.derive(seed, team.name, day.date, 'sweeps');
  return Array.from({ length: rng.poisson(sweepsPerTeam) }).flatMap(() => {
    const owner = rng.pick(team.owners);
    const startMs = atLocalTime(day, rng.between(FIRST_START_HOUR, LAST_START_HOUR)) + rng.int(0, 999);
    return sweep(rng, team, owner, startMs);
  });
};
