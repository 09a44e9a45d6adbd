import type { SimJob } from './simJobs';

/**
 * Jobs as columns, one array per field, for handing them to worker threads. v8.serialize writes
 * every object's property names again (16 per job) and every job's own criteria and tags objects,
 * though a trace has few of each (the 10,000-job trace: 95 criteria, 36 tag sets): the jobs as
 * objects were 7.3 MB, which each whatif worker read back in a tenth to a fifth of a second. As
 * columns, with equal criteria and tags written once (the serializer writes an object it saw
 * before as a reference to it), a fraction of that: prepareJobs already gives equal criteria one
 * object, and equal tags and locations are made one here. The simulation only reads the jobs, so jobs that share
 * a criteria or tags object replay exactly as jobs with their own copies.
 */
export interface SimJobColumns {
  readonly index: readonly number[];
  readonly name: readonly string[];
  readonly submitAtMs: readonly number[];
  readonly durationSeconds: readonly number[];
  readonly runSeconds: readonly number[];
  readonly keepAliveSeconds: readonly number[];
  readonly leavesPool: readonly boolean[];
  readonly matchKey: readonly string[];
  readonly criteria: readonly SimJob['criteria'][];
  readonly location: readonly SimJob['location'][];
  readonly instanceType: readonly string[];
  readonly instanceCount: readonly number[];
  readonly pricePerInstanceHourUsd: readonly number[];
  readonly priceKnown: readonly boolean[];
  /** undefined where the job has no owner (SimJob's field is then absent, not undefined). */
  readonly owner: readonly (string | undefined)[];
  readonly team: readonly (string | undefined)[];
  readonly tags: readonly SimJob['tags'][];
}

/** One object for equal values (compared as JSON), the first one met. */
const sharing = <T>() => {
  const known = new Map<string, T>();
  return (value: T): T => {
    const key = JSON.stringify(value);
    const found = known.get(key);
    if (found !== undefined) return found;
    known.set(key, value);
    return value;
  };
};

export const simJobColumns = (jobs: readonly SimJob[]): SimJobColumns => {
  const sharedTags = sharing<SimJob['tags']>();
  const sharedLocations = sharing<SimJob['location']>();
  return {
    index: jobs.map((j) => j.index),
    name: jobs.map((j) => j.name),
    submitAtMs: jobs.map((j) => j.submitAtMs),
    durationSeconds: jobs.map((j) => j.durationSeconds),
    runSeconds: jobs.map((j) => j.runSeconds),
    keepAliveSeconds: jobs.map((j) => j.keepAliveSeconds),
    leavesPool: jobs.map((j) => j.leavesPool),
    matchKey: jobs.map((j) => j.matchKey),
    criteria: jobs.map((j) => j.criteria),
    location: jobs.map((j) => sharedLocations(j.location)),
    instanceType: jobs.map((j) => j.instanceType),
    instanceCount: jobs.map((j) => j.instanceCount),
    pricePerInstanceHourUsd: jobs.map((j) => j.pricePerInstanceHourUsd),
    priceKnown: jobs.map((j) => j.priceKnown),
    owner: jobs.map((j) => j.owner),
    team: jobs.map((j) => j.team),
    tags: jobs.map((j) => sharedTags(j.tags)),
  };
};

/** The jobs back, each with its fields in prepareJobs' order (one object shape, as prepareJobs makes them). */
export const simJobsOfColumns = (c: SimJobColumns): SimJob[] => {
  const jobs = new Array<SimJob>(c.name.length);
  for (let i = 0; i < jobs.length; i++) {
    const owner = c.owner[i];
    const team = c.team[i];
    jobs[i] = {
      index: c.index[i] as number,
      name: c.name[i] as string,
      submitAtMs: c.submitAtMs[i] as number,
      durationSeconds: c.durationSeconds[i] as number,
      runSeconds: c.runSeconds[i] as number,
      leavesPool: c.leavesPool[i] as boolean,
      keepAliveSeconds: c.keepAliveSeconds[i] as number,
      matchKey: c.matchKey[i] as string,
      criteria: c.criteria[i] as SimJob['criteria'],
      location: c.location[i] as SimJob['location'],
      instanceType: c.instanceType[i] as string,
      instanceCount: c.instanceCount[i] as number,
      pricePerInstanceHourUsd: c.pricePerInstanceHourUsd[i] as number,
      priceKnown: c.priceKnown[i] as boolean,
      ...(owner !== undefined ? { owner } : {}),
      ...(team !== undefined ? { team } : {}),
      tags: c.tags[i] as SimJob['tags'],
    };
  }
  return jobs;
};
