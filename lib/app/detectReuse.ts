import { sameLocation } from '../domain/jobLocation';
import type { JobRecord, NearMiss } from '../domain/jobRecord';
import { differences } from '../domain/matchKey';
import type { JobSnapshot } from '../domain/trainingJob';
import type { TrainingJobs } from '../ports/trainingJobs';
import type { LedgerFact } from './ledgerFacts';
import { mapBounded } from './mapBounded';
import { type ObserveDeps, observeDescription } from './observeDescription';
import type { SameKeyView } from './sameKeyView';

export interface DetectReuseDeps extends ObserveDeps {
  readonly trainingJobs: TrainingJobs;
  /** How many candidate pools to describe at once. */
  readonly describeConcurrency: number;
}

/**
 * Among the owner's pools that were Available when the job was submitted, the one that differs
 * from the job in the fewest criteria. A pool that became Available later could not have been
 * reused by this job: it is no near miss.
 */
export const closestNearMiss = (job: JobSnapshot, pools: readonly JobRecord[]): NearMiss | undefined => {
  let best: NearMiss | undefined;
  for (const pool of pools) {
    if (pool.name === job.name || !pool.job) continue;
    // A pool in another account or region could never have been reused: not a near miss.
    if (pool.job.location && job.location && !sameLocation(pool.job.location, job.location)) continue;
    const availableSinceMs = pool.pool?.availableSinceMs;
    if (availableSinceMs !== undefined && availableSinceMs > job.createdAtMs) continue;
    const diffs = differences(pool.job.criteria, job.criteria);
    if (diffs.length === 0) continue;
    if (!best || diffs.length < best.differences.length) best = { poolOf: pool.name, differences: diffs };
  }
  return best;
};

/**
 * The reuse this job's record already links, told again: Lambda retries an event whose reactors
 * failed (README event-handling rule 10), and by then the link is written, so looking among the
 * Available pools finds nothing and the reuse's gap and idle spend would be lost for good. The
 * reactors are keyed by job and hop: telling it again counts nothing twice. A pool whose link was
 * written but whose Reused state was not (a crash between the two writes) is described again.
 */
export const retellLinkedReuse = async (deps: DetectReuseDeps, record: JobRecord): Promise<LedgerFact[]> => {
  if (!record.reusedPoolOf) return [];
  const from = await deps.ledger.getJob(record.reusedPoolOf);
  const pool = from?.pool;
  if (!from || !pool) return [];
  if (pool.status === 'Reused')
    return pool.reusedByJob === record.name
      ? [{ kind: 'pool-reused', fromJob: from, toJob: record.name, retold: true }]
      : [];
  if (pool.status !== 'Available') return [];
  const description = await deps.trainingJobs.describe(from.name);
  return description ? observeDescription(deps, from, description) : [];
};

/**
 * SageMaker does not say which pool a job took; the pool's previous job does (Reused,
 * ReusedByJob). So describe the Available pools with the job's match key. When there are
 * none, the owner may have had a pool that differs in a few criteria: a near miss.
 */
export const detectReuse = async (
  deps: DetectReuseDeps,
  record: JobRecord,
  /** Told what the index of the job's key held, for the rest of the handling. */
  view?: SameKeyView,
): Promise<LedgerFact[]> => {
  const job = record.job;
  if (!job || record.reusedPoolOf) return [];
  const sameKey = await deps.ledger.availableByMatchKey(job.matchKey);
  view?.read(job.matchKey, sameKey);
  const others = sameKey.filter((c) => c.name !== job.name);
  if (others.length === 0) {
    // One near miss per job: the end event looks for a reuse again, not for another near miss.
    if (record.nearMiss) return [];
    const ownerPools = job.owner ? await deps.ledger.availableByOwner(job.owner) : [];
    const nearMiss = closestNearMiss(job, ownerPools);
    if (!nearMiss) return [];
    await deps.ledger.recordNearMiss(job.name, nearMiss);
    return [{ kind: 'near-miss', job: { ...record, nearMiss }, nearMiss }];
  }
  // A pool that became Available after this job's cluster was up cannot be the one it took
  // (an end event looks again, when later pools of the key may be there).
  const startedAtMs = job.startedAtMs;
  const candidates =
    startedAtMs === undefined
      ? others
      : others.filter(
          (c) => c.pool?.availableSinceMs === undefined || c.pool.availableSinceMs <= startedAtMs,
        );
  // SageMaker hands over the pool that expires soonest, and candidates come in that order:
  // the first is described alone (it is nearly always the one taken: one describe per warm
  // start), then the others a batch at a time, stopping at the one this job took.
  const facts: LedgerFact[] = [];
  for (let start = 0; start < candidates.length; ) {
    const size = start === 0 ? 1 : deps.describeConcurrency;
    const batch = candidates.slice(start, start + size);
    start += size;
    const observed = await mapBounded(batch, deps.describeConcurrency, async (candidate) => {
      const description = await deps.trainingJobs.describe(candidate.name);
      return description ? observeDescription(deps, candidate, description) : [];
    });
    facts.push(...observed.flat());
    if (facts.some((f) => f.kind === 'pool-reused' && f.toJob === job.name)) break;
  }
  return facts;
};
