import type { TraceJob } from '../../../lib/trace/traceJob';
import { atLocalTime, type LocalDay } from './calendar';
import { buildJob, ecrImage } from './jobFactory';
import { drawRun, type OutcomeRates } from './outcomes';
import { Random } from './random';
import type { TeamProfile } from './teams';

/**
 * Scheduled nightly training: long multi-instance runs, often with a keep-alive set "just in
 * case", which no job ever uses: the next run of the pipeline comes a day later. Idle cost
 * with nothing to show for it: what poolwarden should stop early.
 */

const OUTCOMES: OutcomeRates = {
  algorithmError: 0.04,
  clientError: 0.01,
  internalServerError: 0.02,
  stopped: 0.01,
};
/**
 * Runs are submitted between 20:00 and 22:30 and last at least 3 hours: every run of a night is
 * submitted before any other can have ended, so none can take over another's pool.
 */
const FIRST_SUBMIT_HOUR = 20;
const LAST_SUBMIT_HOUR = 22.5;
const MIN_HOURS = 3;
const MAX_HOURS = 8;
const KEEP_ALIVE_SET_PROBABILITY = 0.7;

/** The nightly runs a team submits in the evening of one local day (weekends too: schedules don't rest). */
export const nightlyDay = (
  seed: number,
  team: TeamProfile,
  day: LocalDay,
  runsPerNight: number,
): TraceJob[] => {
  const rng = Random.derive(seed, team.name, day.date, 'nightly');
  const runs = rng.roundStochastically(runsPerNight);
  const jobs: TraceJob[] = [];
  for (let index = 0; index < runs; index++) {
    const pipeline = team.nightly[index % team.nightly.length];
    const owner = team.owners[index % team.owners.length];
    if (!pipeline || !owner) break;
    // Further runs of a pipeline in one night are variants on a bigger disk; a distinct
    // configuration keeps an early failure's pool from being taken over by a sibling run.
    const variant = Math.floor(index / team.nightly.length);
    const name = variant === 0 ? pipeline.name : `${pipeline.name}-v${variant + 1}`;
    const submitAtMs = atLocalTime(day, rng.between(FIRST_SUBMIT_HOUR, LAST_SUBMIT_HOUR)) + rng.int(0, 999);
    const run = drawRun(rng, rng.between(MIN_HOURS, MAX_HOURS) * 3600, OUTCOMES);
    const choice = {
      instanceType: pipeline.instanceType,
      instanceCount: pipeline.instanceCount,
      volumeSizeInGB: pipeline.volumeSizeInGB + variant * 100,
      keepAliveSeconds: rng.chance(KEEP_ALIVE_SET_PROBABILITY) ? pipeline.keepAliveSeconds : 0,
      image: ecrImage(`${team.name}/${pipeline.name}`, `nightly-${day.date.replaceAll('-', '')}`),
      project: pipeline.name,
    };
    jobs.push(buildJob(team, owner, `${team.name}-nightly-${name}`, submitAtMs, choice, run));
  }
  return jobs;
};
