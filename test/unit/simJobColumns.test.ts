import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { generateTrace } from '../../devtools/local/trace/generateTrace';
import { simJobColumns, simJobsOfColumns } from '../../devtools/sim/simJobColumns';
import { prepareJobs } from '../../devtools/sim/simJobs';
import { DEFAULT_PRICES } from '../../lib/domain/prices';

/** The jobs a whatif worker gets are the jobs it was given, field for field. */
describe('jobs as columns', () => {
  const trace = generateTrace({
    seed: 5,
    start: '2026-02-02T00:00:00Z',
    days: 2,
    scale: 1,
    workload: 'mixed',
  });
  // Some jobs without an owner or a team: their fields are absent, not undefined.
  const untagged = trace.map((job, i) =>
    i % 5 === 0 ? { ...job, tags: {} } : i % 7 === 0 ? { ...job, tags: { owner: 'solo' } } : job,
  );
  const jobs = prepareJobs(untagged, { prices: DEFAULT_PRICES, noQuotaTypes: ['ml.p5.48xlarge'] });

  it('come back through the serializer as they were, in their order', () => {
    expect(jobs.some((j) => j.owner === undefined && j.team === undefined)).toBe(true);
    expect(jobs.some((j) => j.owner !== undefined && j.team === undefined)).toBe(true);
    const back = simJobsOfColumns(deserialize(serialize(simJobColumns(jobs))));
    expect(back).toStrictEqual(jobs);
    // Field order too: the objects have prepareJobs' shape.
    expect(back.map((j) => Object.keys(j))).toEqual(jobs.map((j) => Object.keys(j)));
  });

  it('write equal criteria and tags once', () => {
    const columns = simJobColumns(jobs);
    const distinct = new Set(jobs.map((j) => JSON.stringify(j.criteria))).size;
    expect(new Set(columns.criteria).size).toBe(distinct);
    expect(new Set(columns.tags).size).toBe(new Set(jobs.map((j) => JSON.stringify(j.tags))).size);
    expect(distinct).toBeLessThan(jobs.length / 5);
    expect(serialize(columns).length).toBeLessThan(serialize(jobs).length / 2);
  });
});
