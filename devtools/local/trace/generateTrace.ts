import type { TraceJob } from '../../../lib/trace/traceJob';
import { localDays } from './calendar';
import { interactiveDay } from './interactiveSessions';
import { nightlyDay } from './nightlyRuns';
import { Random } from './random';
import { sweepDay } from './sweeps';
import { resolveTeams, type TeamProfile } from './teams';
import { type ActivityRates, scaleRates, WORKLOAD_RATES, WORKLOADS, type Workload } from './workloads';

export interface GenerateTraceOptions {
  /** Same seed and options, same trace. Taken modulo 2^32. */
  readonly seed: number;
  /** The first instant of the trace, ISO-8601. */
  readonly start: string;
  /** Length of the trace; jobs are submitted in [start, start + days). */
  readonly days: number;
  /** How many of the default teams (numbered copies beyond them), or the teams themselves. */
  readonly teams?: number | readonly TeamProfile[];
  /** Multiplies how often every activity happens, hence the number of jobs. Default 1. */
  readonly scale?: number;
  /** Default 'mixed'. */
  readonly workload?: Workload;
}

const DAY_MS = 24 * 3600 * 1000;
const MAX_DAYS = 3660;

const invalid = (message: string): never => {
  throw new RangeError(`generateTrace: ${message}`);
};

const validate = (options: GenerateTraceOptions): { startMs: number; endMs: number } => {
  if (!Number.isSafeInteger(options.seed)) invalid(`seed must be an integer, got ${options.seed}`);
  const startMs = Date.parse(options.start);
  if (!Number.isFinite(startMs)) {
    invalid(`start must be an ISO-8601 instant, got ${JSON.stringify(options.start)}`);
  }
  if (!(options.days > 0 && options.days <= MAX_DAYS)) {
    invalid(`days must be in (0, ${MAX_DAYS}], got ${options.days}`);
  }
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0)) invalid(`scale must be a positive number, got ${scale}`);
  const workload = options.workload ?? 'mixed';
  if (!WORKLOADS.includes(workload)) {
    invalid(`workload must be one of ${WORKLOADS.join(', ')}, got ${workload}`);
  }
  const teams = options.teams;
  if (typeof teams === 'number' && !(Number.isSafeInteger(teams) && teams > 0)) {
    invalid(`teams must be a positive integer, got ${teams}`);
  }
  if (Array.isArray(teams) && teams.length === 0) invalid('teams must not be empty');
  return { startMs, endMs: startMs + options.days * DAY_MS };
};

/** How busy a team is on a day, relative to a usual weekday. */
const dayFactor = (
  seed: number,
  team: TeamProfile,
  date: string,
  weekend: boolean,
  rates: ActivityRates,
): number => {
  const base = weekend ? rates.weekendFactor : 1;
  const bursts = rates.burstiness;
  if (!bursts) return base;
  const crunch = Random.derive(seed, team.name, date, 'crunch').chance(bursts.crunchProbability);
  return base * (crunch ? bursts.crunchFactor : bursts.quietFactor);
};

const teamJobs = (
  seed: number,
  team: TeamProfile,
  startMs: number,
  endMs: number,
  rates: ActivityRates,
): TraceJob[] =>
  localDays(startMs, endMs, team.timeZone).flatMap((day) => {
    const factor = dayFactor(seed, team, day.date, day.weekend, rates);
    return [
      ...interactiveDay(seed, team, day, rates.sessionsPerOwnerDay * factor, rates.gaps),
      ...sweepDay(seed, team, day, rates.sweepsPerTeamDay * factor),
      ...nightlyDay(seed, team, day, rates.nightlyRunsPerTeamNight),
    ];
  });

/** SageMaker names must be unique; the rare jobs whose generated names collide get a suffix. */
const uniqueNames = (jobs: readonly TraceJob[]): TraceJob[] => {
  const used = new Set<string>();
  return jobs.map((job) => {
    let name = job.name;
    for (let n = 2; used.has(name); n++) name = `${job.name}-${n}`;
    used.add(name);
    return name === job.name ? job : { ...job, name };
  });
};

/**
 * A realistic trace of training-job submissions: several teams, each in its own time zone, each
 * person iterating in working hours, sweeping hyper-parameters, running nightly pipelines; quiet
 * weekends; a few failures and stops. Every team-day-activity draws from its own random stream,
 * so a longer trace (or one with more teams) starts with exactly the jobs of a shorter one.
 */
export const generateTrace = (options: GenerateTraceOptions): TraceJob[] => {
  const { startMs, endMs } = validate(options);
  const rates = scaleRates(WORKLOAD_RATES[options.workload ?? 'mixed'], options.scale ?? 1);
  const jobs = resolveTeams(options.teams)
    .flatMap((team) => teamJobs(options.seed, team, startMs, endMs, rates))
    .filter((job) => job.submitAtMs >= startMs && job.submitAtMs < endMs)
    // Plain code-unit order for ties: localeCompare would make the output depend on the machine's locale.
    .sort((a, b) => a.submitAtMs - b.submitAtMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return uniqueNames(jobs);
};
