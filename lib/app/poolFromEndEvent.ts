import type { JobRecord } from '../domain/jobRecord';
import { type EndFacts, poolAtEnd } from '../domain/poolAtEnd';
import type { JobSnapshot } from '../domain/trainingJob';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import type { ObserveDeps } from './observeDescription';

/** The running jobs read to look for one that may have taken the pool: more than this, and the end is described. */
export const RUNNING_JOBS_READ = 100;

/**
 * What DescribeTrainingJob would answer at a job's end, when the end event alone says it
 * (lib/domain/poolAtEnd.ts): the pool Available since the end, for the event's keep-alive.
 * Undefined when the end must be described. The ledger's running jobs are read only when
 * everything else allows it, to rule out a matching job that may have taken the pool.
 */
export const poolFromEndEvent = async (
  deps: ObserveDeps,
  record: JobRecord,
  snapshot: JobSnapshot,
): Promise<TrainingJobDescription | undefined> => {
  const held = record.reusedPoolOf !== undefined && record.pool?.status === 'InUse';
  const bornAtMs = held ? record.pool?.bornAtMs : undefined;
  const facts: EndFacts = {
    status: snapshot.status,
    spot: snapshot.spot,
    heterogeneous: snapshot.heterogeneous,
    possibleTaker: false,
    ...(snapshot.keepAliveSeconds !== undefined ? { keepAliveSeconds: snapshot.keepAliveSeconds } : {}),
    ...(snapshot.endedAtMs !== undefined ? { endedAtMs: snapshot.endedAtMs } : {}),
    ...(bornAtMs !== undefined ? { heldPoolBornAtMs: bornAtMs } : {}),
  };
  if (poolAtEnd(facts, deps.clock.now(), deps.limits).kind !== 'available') return undefined;
  const running = await deps.ledger.runningJobs(RUNNING_JOBS_READ);
  const possibleTaker = running.cursor !== undefined || running.items.some((r) => mayHaveTaken(r, snapshot));
  const verdict = poolAtEnd({ ...facts, possibleTaker }, deps.clock.now(), deps.limits);
  if (verdict.kind !== 'available') return undefined;
  return {
    name: snapshot.name,
    status: snapshot.status,
    instanceType: snapshot.criteria.instanceType,
    lastModifiedMs: snapshot.lastModifiedMs,
    ...(snapshot.startedAtMs !== undefined ? { startedAtMs: snapshot.startedAtMs } : {}),
    endedAtMs: verdict.availableSinceMs,
    keepAliveSeconds: verdict.keepAliveSeconds,
    warmPool: { status: 'Available' },
  };
};

/**
 * A running job of the same match key could have taken the pool unless it is linked to another
 * pool or its cluster was up before the pool became Available (reuse detection's own rule).
 */
const mayHaveTaken = (other: JobRecord, ended: JobSnapshot): boolean => {
  const job = other.job;
  if (!job || other.name === ended.name || job.matchKey !== ended.matchKey) return false;
  if (other.reusedPoolOf !== undefined) return false;
  const endedAtMs = ended.endedAtMs ?? Number.POSITIVE_INFINITY;
  return job.startedAtMs === undefined || job.startedAtMs >= endedAtMs;
};
