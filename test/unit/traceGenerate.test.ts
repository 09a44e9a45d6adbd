import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localHour } from '../../devtools/local/trace/calendar';
import { TEAM_WEEK_OPTIONS } from '../../devtools/local/trace/exampleTraces';
import { type GenerateTraceOptions, generateTrace } from '../../devtools/local/trace/generateTrace';
import { KEEP_ALIVE_CHOICES } from '../../devtools/local/trace/interactiveSessions';
import { latestEndMs } from '../../devtools/local/trace/jobFactory';
import { DEFAULT_TEAMS, NO_WARM_POOL_QUOTA_TYPES, type TeamProfile } from '../../devtools/local/trace/teams';
import { WORKLOADS } from '../../devtools/local/trace/workloads';
import { differences, matchKey } from '../../lib/domain/matchKey';
import { parseTrace } from '../../lib/trace/parseTrace';
import { serializeTrace } from '../../lib/trace/serializeTrace';
import { traceJobCriteria } from '../../lib/trace/traceCriteria';
import { JOB_NAME_PATTERN, type TraceJob } from '../../lib/trace/traceJob';

const START = '2026-03-02T00:00:00Z';
const START_MS = Date.parse(START);
const DAY_MS = 24 * 3600 * 1000;

type Kind = 'nightly' | 'sweep' | 'interactive';
/** Generated names say what made them: `<team>-nightly-…`, `<team>-<owner>-sweep-…`, else interactive. */
const kindOf = (job: TraceJob): Kind =>
  job.name.includes('-nightly-') ? 'nightly' : job.name.includes('-sweep-') ? 'sweep' : 'interactive';
/** The name without the SDK's timestamp suffix: one person's project, one sweep or one pipeline. */
const baseName = (job: TraceJob): string => job.name.replace(/-\d{4}(-\d{2}){5}-\d{3}(-\d+)?$/, '');
const keyOf = (job: TraceJob): string => matchKey(traceJobCriteria(job));

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

const teamOf = (job: TraceJob): TeamProfile => {
  const team = DEFAULT_TEAMS.find((t) => t.name === job.tags.team);
  if (!team) throw new Error(`job ${job.name} has no known team`);
  return team;
};

/** Seconds from the latest possible end of each interactive job to its successor in the same project. */
const interactiveGaps = (jobs: readonly TraceJob[]): number[] =>
  [
    ...groupBy(
      jobs.filter((j) => kindOf(j) === 'interactive'),
      baseName,
    ).values(),
  ].flatMap((list) =>
    list.slice(1).map((next, i) => {
      const previous = list[i];
      return previous
        ? (next.submitAtMs - latestEndMs(previous.submitAtMs, previous.durationSeconds)) / 1000
        : 0;
    }),
  );

const share = (values: readonly number[], test: (value: number) => boolean): number =>
  values.filter(test).length / values.length;

const week = generateTrace(TEAM_WEEK_OPTIONS);

describe('generateTrace: determinism', () => {
  it('gives the same trace for the same seed and options, another for another seed', () => {
    const options: GenerateTraceOptions = { seed: 42, start: START, days: 5, workload: 'mixed' };
    expect(generateTrace(options)).toEqual(generateTrace(options));
    expect(serializeTrace(generateTrace(options))).toBe(serializeTrace(generateTrace(options)));
    expect(serializeTrace(generateTrace({ ...options, seed: 43 }))).not.toBe(
      serializeTrace(generateTrace(options)),
    );
  });

  it('starts a longer trace, or one with more teams, with exactly the jobs of a shorter one', () => {
    const short = generateTrace({ seed: 9, start: START, days: 3 });
    const long = generateTrace({ seed: 9, start: START, days: 10 });
    expect(long.filter((j) => j.submitAtMs < START_MS + 3 * DAY_MS)).toEqual(short);
    const more = generateTrace({ seed: 9, start: START, days: 3, teams: 6 });
    expect(more.filter((j) => DEFAULT_TEAMS.some((t) => t.name === j.tags.team))).toEqual(short);
  });

  it('refuses options it cannot honour', () => {
    expect(() => generateTrace({ seed: 1.5, start: START, days: 1 })).toThrow(RangeError);
    expect(() => generateTrace({ seed: 1, start: 'Monday', days: 1 })).toThrow(
      /start must be an ISO-8601 instant/,
    );
    expect(() => generateTrace({ seed: 1, start: START, days: 0 })).toThrow(/days/);
    expect(() => generateTrace({ seed: 1, start: START, days: 1, scale: -1 })).toThrow(/scale/);
    expect(() => generateTrace({ seed: 1, start: START, days: 1, teams: 0 })).toThrow(/teams/);
    expect(() => generateTrace({ seed: 1, start: START, days: 1, teams: [] })).toThrow(/teams/);
  });
});

describe('generateTrace: a team week (mixed workload)', () => {
  it('is a week of several hundred jobs from every team and person', () => {
    expect(week.length).toBeGreaterThanOrEqual(200);
    expect(week.every((j) => j.submitAtMs >= START_MS && j.submitAtMs < START_MS + 7 * DAY_MS)).toBe(true);
    expect(new Set(week.map((j) => j.tags.team))).toEqual(new Set(DEFAULT_TEAMS.map((t) => t.name)));
    const owners = DEFAULT_TEAMS.flatMap((t) => t.owners.map((o) => o.name));
    expect(new Set(week.map((j) => j.tags.owner))).toEqual(new Set(owners));
  });

  it('tags every job with its owner, team, email and Slack channel, and gives each team one role', () => {
    for (const job of week) {
      expect(job.tags).toMatchObject({
        owner: expect.any(String),
        team: expect.any(String),
        email: `${job.tags.owner}@example.com`,
        'slack-channel': `#ml-${job.tags.team}`,
      });
    }
    for (const jobs of groupBy(week, (j) => j.tags.team ?? '').values()) {
      expect(new Set(jobs.map((j) => j.roleArn)).size).toBe(1);
    }
  });

  it('is much quieter at weekends than on weekdays, in each team’s own calendar', () => {
    const perDay = groupBy(week, (j) => {
      const team = teamOf(j);
      const local = new Date(j.submitAtMs).toLocaleDateString('en-CA', {
        timeZone: team.timeZone,
        weekday: 'short',
      });
      return `${team.name} ${local}`;
    });
    const weekend = [...perDay]
      .filter(([k]) => /Sat|Sun/.test(k))
      .reduce((n, [, jobs]) => n + jobs.length, 0);
    const weekday = [...perDay]
      .filter(([k]) => !/Sat|Sun/.test(k))
      .reduce((n, [, jobs]) => n + jobs.length, 0);
    expect(weekend / 2).toBeLessThan(weekday / 5 / 3);
  });

  it('submits interactive work in working hours, local to each team', () => {
    const interactive = week.filter((j) => kindOf(j) === 'interactive');
    expect(interactive.length).toBeGreaterThan(100);
    for (const job of interactive) {
      const hour = localHour(job.submitAtMs, teamOf(job).timeZone);
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(20);
    }
  });

  it('iterates: most gaps between a person’s jobs are 1 to 20 minutes', () => {
    expect(share(interactiveGaps(week), (g) => g >= 60 && g <= 1200)).toBeGreaterThan(0.7);
  });

  it('contains sweeps: many short jobs of one configuration in quick succession', () => {
    const sweeps = [
      ...groupBy(
        week.filter((j) => kindOf(j) === 'sweep'),
        baseName,
      ).values(),
    ];
    const big = sweeps.filter((jobs) => jobs.length >= 8);
    expect(big.length).toBeGreaterThan(0);
    for (const jobs of big) {
      expect(new Set(jobs.map(keyOf)).size).toBe(1);
      expect(Math.max(...jobs.map((j) => j.durationSeconds))).toBeLessThanOrEqual(20 * 60);
    }
  });

  it('contains near misses: the next job of an iteration differs in its volume or instance type only', () => {
    const nearMisses = [
      ...groupBy(
        week.filter((j) => kindOf(j) === 'interactive'),
        baseName,
      ).values(),
    ].flatMap((jobs) =>
      jobs.slice(1).flatMap((next, i) => {
        const previous = jobs[i];
        if (!previous || next.submitAtMs - previous.submitAtMs > 3600_000) return [];
        const diff = differences(traceJobCriteria(previous), traceJobCriteria(next));
        return diff.length === 1 ? diff.map((d) => d.field) : [];
      }),
    );
    expect(nearMisses).toContain('volumeSizeInGB');
    expect(nearMisses).toContain('instanceType');
  });

  it('runs one nightly job per team per night, keep-alive often set, never reused', () => {
    const nightly = week.filter((j) => kindOf(j) === 'nightly');
    for (const jobs of groupBy(nightly, (j) => j.tags.team ?? '').values()) {
      expect(jobs.length).toBeGreaterThanOrEqual(6);
      expect(jobs.length).toBeLessThanOrEqual(8);
    }
    expect(nightly.filter((j) => j.keepAliveSeconds > 0).length).toBeGreaterThan(nightly.length / 2);
    expect(Math.min(...nightly.map((j) => j.durationSeconds))).toBeGreaterThan(0);
    for (const run of nightly) {
      const poolGoneMs = latestEndMs(run.submitAtMs, run.durationSeconds) + run.keepAliveSeconds * 1000;
      const takers = week.filter(
        (j) =>
          j !== run &&
          j.submitAtMs >= run.submitAtMs &&
          j.submitAtMs <= poolGoneMs &&
          keyOf(j) === keyOf(run),
      );
      expect(takers).toEqual([]);
    }
  });

  it('has failures that keep a pool and failures that do not, and stopped jobs', () => {
    const reasons = week.flatMap((j) => (j.failureReason ? [j.failureReason.split(':')[0]] : []));
    expect(reasons).toContain('AlgorithmError');
    expect(reasons).toContain('InternalServerError');
    expect(week.some((j) => j.outcome === 'Stopped')).toBe(true);
    expect(week.every((j) => (j.failureReason !== undefined) === (j.outcome === 'Failed'))).toBe(true);
    expect(week.filter((j) => j.outcome !== 'Completed').length).toBeLessThan(week.length / 5);
  });

  it('uses several instance types, one without warm-pool quota, and the keep-alives people set', () => {
    const types = new Set(week.map((j) => j.instanceType));
    expect(types.size).toBeGreaterThanOrEqual(5);
    expect(NO_WARM_POOL_QUOTA_TYPES.some((t) => types.has(t))).toBe(true);
    expect(new Set(week.map((j) => j.keepAliveSeconds))).toEqual(new Set(KEEP_ALIVE_CHOICES));
  });

  it('varies images within one configuration: the image is not a match criterion', () => {
    const imagesPerKey = [...groupBy(week, keyOf).values()].map(
      (jobs) => new Set(jobs.map((j) => j.image)).size,
    );
    expect(Math.max(...imagesPerKey)).toBeGreaterThan(1);
  });

  it('gives every job a unique name SageMaker accepts', () => {
    expect(new Set(week.map((j) => j.name)).size).toBe(week.length);
    for (const job of week) {
      expect(job.name).toMatch(JOB_NAME_PATTERN);
      expect(job.name.length).toBeLessThanOrEqual(63);
    }
  });
});

describe('generateTrace: workloads', () => {
  const of = (workload: GenerateTraceOptions['workload'], seed = 3) =>
    generateTrace({ seed, start: START, days: 14, ...(workload ? { workload } : {}) });
  const kinds = (jobs: readonly TraceJob[]) => new Set(jobs.map(kindOf));

  it('draws a different shape of work for each workload', () => {
    expect(kinds(of('mixed'))).toEqual(new Set(['interactive', 'sweep', 'nightly']));
    expect(kinds(of('interactive'))).toEqual(new Set(['interactive']));
    expect(kinds(of('sweeps'))).toEqual(new Set(['sweep']));
    expect(kinds(of('nightly'))).toEqual(new Set(['nightly']));
    expect(kinds(of('bursty'))).toContain('interactive');
    const texts = WORKLOADS.map((w) => serializeTrace(of(w)));
    expect(new Set(texts).size).toBe(WORKLOADS.length);
  });

  it('bursty work has gaps longer than keep-alives and crunch days, interactive work has neither', () => {
    const gapsOf = (w: GenerateTraceOptions['workload']) =>
      [1, 2, 3].flatMap((seed) => interactiveGaps(of(w, seed)));
    const between20MinutesAnd2Hours = (g: number) => g > 1200 && g <= 7200;
    expect(share(gapsOf('bursty'), between20MinutesAnd2Hours)).toBeGreaterThan(0.08);
    expect(share(gapsOf('interactive'), between20MinutesAnd2Hours)).toBeLessThan(0.04);

    // Coefficient of variation of jobs per team per weekday, quiet (empty) days included.
    const variation = (jobs: readonly TraceJob[]) => {
      const weekdays = Array.from({ length: 14 }, (_, d) => new Date(START_MS + d * DAY_MS))
        .filter((day) => day.getUTCDay() >= 1 && day.getUTCDay() <= 5)
        .map((day) => day.toISOString().slice(0, 10));
      const counts = DEFAULT_TEAMS.flatMap((team) =>
        weekdays.map(
          (day) => jobs.filter((j) => j.tags.team === team.name && j.submitAt.startsWith(day)).length,
        ),
      );
      const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
      return Math.sqrt(counts.reduce((a, b) => a + (b - mean) ** 2, 0) / counts.length) / mean;
    };
    expect(variation(of('bursty'))).toBeGreaterThan(variation(of('interactive')) * 1.5);
  });

  it('scales the number of jobs', () => {
    const base = of('mixed').length;
    const doubled = generateTrace({ seed: 3, start: START, days: 14, workload: 'mixed', scale: 2 }).length;
    expect(doubled).toBeGreaterThan(base * 1.5);
    expect(doubled).toBeLessThan(base * 2.5);
  });

  it('adds numbered copies of the default teams, each with its own role', () => {
    const jobs = generateTrace({ seed: 3, start: START, days: 7, teams: 6 });
    const teams = new Set(jobs.map((j) => j.tags.team));
    expect(teams).toEqual(new Set(['vision', 'nlp', 'recsys', 'risk', 'vision2', 'nlp2']));
    expect(new Set(jobs.map((j) => j.roleArn)).size).toBe(6);
    expect(jobs.some((j) => j.tags.owner === 'alice2')).toBe(true);
  });

  it('takes teams of the caller’s own', () => {
    const [vision] = DEFAULT_TEAMS;
    if (!vision) throw new Error('no default team');
    const jobs = generateTrace({ seed: 3, start: START, days: 7, teams: [{ ...vision, name: 'labs' }] });
    expect(new Set(jobs.map((j) => j.tags.team))).toEqual(new Set(['labs']));
  });

  it('generates a trace of 10,000 jobs that the parser reads back', () => {
    const jobs = generateTrace({ seed: 10, start: START, days: 28, scale: 8 });
    expect(jobs.length).toBeGreaterThanOrEqual(10_000);
    expect(new Set(jobs.map((j) => j.name)).size).toBe(jobs.length);
    expect(parseTrace(serializeTrace(jobs))).toEqual({ ok: true, jobs });
  });
});

describe('generateTrace: property', () => {
  it('for any seed and options: valid unique names, sorted, in the window, and a parse round trip', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          days: fc.integer({ min: 1, max: 10 }),
          workload: fc.constantFrom(...WORKLOADS),
          scale: fc.double({ min: 0.25, max: 3, noNaN: true }),
          teams: fc.integer({ min: 1, max: 6 }),
          startOffsetMinutes: fc.integer({ min: 0, max: 60 * 24 * 365 }),
        }),
        ({ startOffsetMinutes, ...options }) => {
          const startMs = START_MS + startOffsetMinutes * 60_000;
          const start = new Date(startMs).toISOString();
          const jobs = generateTrace({ ...options, start });
          for (const [i, job] of jobs.entries()) {
            expect(job.name).toMatch(JOB_NAME_PATTERN);
            expect(job.submitAtMs).toBeGreaterThanOrEqual(startMs);
            expect(job.submitAtMs).toBeLessThan(startMs + options.days * DAY_MS);
            expect(job.submitAtMs).toBeGreaterThanOrEqual(jobs[i - 1]?.submitAtMs ?? startMs);
          }
          expect(new Set(jobs.map((j) => j.name)).size).toBe(jobs.length);
          if (jobs.length === 0) return; // a trace without jobs is refused by design
          expect(parseTrace(serializeTrace(jobs))).toEqual({ ok: true, jobs });
        },
      ),
      { numRuns: 40, seed: 20260302 },
    );
  });
});
