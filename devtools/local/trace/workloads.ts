/** The shapes of workload the generator can draw; benchmarks compare policies across them. */
export const WORKLOADS = ['mixed', 'interactive', 'sweeps', 'nightly', 'bursty'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** How idle gaps between one person's consecutive jobs are drawn. */
export type GapModel =
  /** A data scientist iterating: mostly a few minutes, 1 to 20 minutes. */
  | 'iterating'
  /** Mostly short, but often longer than any fixed keep-alive: the hard case for policies. */
  | 'heavy-tailed';

/** Some days a team is in a crunch and works far more than usual; on the others it barely works. */
export interface Burstiness {
  readonly crunchProbability: number;
  readonly crunchFactor: number;
  readonly quietFactor: number;
}

export interface ActivityRates {
  /** Mean interactive sessions per person per weekday. */
  readonly sessionsPerOwnerDay: number;
  /** Mean hyper-parameter sweeps per team per weekday. */
  readonly sweepsPerTeamDay: number;
  /** Mean nightly pipeline runs per team per night, weekends included. */
  readonly nightlyRunsPerTeamNight: number;
  /** Weekend sessions and sweeps, as a fraction of a weekday's. */
  readonly weekendFactor: number;
  readonly gaps: GapModel;
  readonly burstiness?: Burstiness;
}

export const WORKLOAD_RATES: Readonly<Record<Workload, ActivityRates>> = {
  mixed: {
    sessionsPerOwnerDay: 0.8,
    sweepsPerTeamDay: 0.2,
    nightlyRunsPerTeamNight: 1,
    weekendFactor: 0.08,
    gaps: 'iterating',
  },
  interactive: {
    sessionsPerOwnerDay: 1.6,
    sweepsPerTeamDay: 0,
    nightlyRunsPerTeamNight: 0,
    weekendFactor: 0.08,
    gaps: 'iterating',
  },
  sweeps: {
    sessionsPerOwnerDay: 0,
    sweepsPerTeamDay: 1.5,
    nightlyRunsPerTeamNight: 0,
    weekendFactor: 0.05,
    gaps: 'iterating',
  },
  nightly: {
    sessionsPerOwnerDay: 0,
    sweepsPerTeamDay: 0,
    nightlyRunsPerTeamNight: 3,
    weekendFactor: 1,
    gaps: 'iterating',
  },
  bursty: {
    sessionsPerOwnerDay: 1,
    sweepsPerTeamDay: 0.2,
    nightlyRunsPerTeamNight: 0,
    weekendFactor: 0.1,
    gaps: 'heavy-tailed',
    burstiness: { crunchProbability: 0.25, crunchFactor: 4, quietFactor: 0.1 },
  },
};

/** `scale` multiplies how often every activity happens, hence the number of jobs. */
export const scaleRates = (rates: ActivityRates, scale: number): ActivityRates => ({
  ...rates,
  sessionsPerOwnerDay: rates.sessionsPerOwnerDay * scale,
  sweepsPerTeamDay: rates.sweepsPerTeamDay * scale,
  nightlyRunsPerTeamNight: rates.nightlyRunsPerTeamNight * scale,
});
