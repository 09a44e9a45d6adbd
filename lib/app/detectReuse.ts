import { sameLocation } from '../domain/jobLocation';
import type { JobRecord, NearMiss } from '../domain/jobRecord';
import { lifetimeEndMs } from '../domain/keepAlive';
import { differences } from '../domain/matchKey';
import {
  isPresumedTaken,
  mayPresume,
  PRESUMES_SOONEST_EXPIRING_POOL_TAKEN,
  presumedObservation,
  presumptionVerdict,
} from '../domain/reusePresumption';
import type { JobSnapshot } from '../domain/trainingJob';
import { mayUseWarmPools } from '../domain/warmPool';
import type { TrainingJobs } from '../ports/trainingJobs';
import type { LedgerFact } from './ledgerFacts';
import { mapBounded } from './mapBounded';
import { type ObserveDeps, observeDescription, takeBackPresumption } from './observeDescription';
import type { SameKeyView } from './sameKeyView';

export interface DetectReuseDeps extends ObserveDeps {
  readonly trainingJobs: TrainingJobs;
  /** How many candidate pools to describe at once. */
  readonly describeConcurrency: number;
  /**
   * Presume the first candidate taken instead of describing it (reusePresumption.ts): the next
   * reconcile's listing confirms or corrects it. Absent or false: candidates are described.
   */
  readonly presumeReuse?: boolean;
}

/** The reuse a presumption tells: what a describe of the pool's job would have told. */
const presumedFact = (pool: JobRecord, job: JobSnapshot, retold: boolean): LedgerFact | undefined => {
  const state = pool.pool;
  if (!state) return undefined;
  const seen = presumedObservation(state, job);
  const fromJob: JobRecord = { ...pool, pool: { ...state, ...seen, status: 'Reused' } };
  return { kind: 'pool-reused', fromJob, toJob: job.name, presumed: true, ...(retold ? { retold } : {}) };
};

/**
 * Presumes `job` took `candidate`'s pool: the link on the job first (so that a mark always has its
 * link: the sweep's confirmation writes no link again), then the mark on the pool. Undefined when
 * the mark was refused (an action began on the pool, another job marked it): the caller describes.
 */
const presume = async (
  deps: DetectReuseDeps,
  candidate: JobRecord,
  job: JobSnapshot,
): Promise<LedgerFact[] | undefined> => {
  const state = candidate.pool;
  if (!state) return undefined;
  const birth = {
    poolId: state.poolId ?? candidate.name,
    bornAtMs: state.bornAtMs ?? state.availableSinceMs ?? job.createdAtMs,
  };
  await deps.ledger.linkReuse(candidate.name, job.name, birth, lifetimeEndMs(birth.bornAtMs, deps.limits));
  if (!(await deps.ledger.presumeReuse(candidate.name, job.name, job.createdAtMs))) {
    await deps.ledger.unlinkPresumedReuse(job.name, candidate.name);
    return undefined;
  }
  const fact = presumedFact(candidate, job, false);
  return fact ? [fact] : [];
};

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
  // Marked taken by this job: told again as presumed, with no describe (reusePresumption.ts).
  if (record.job && pool.status === 'Available' && pool.presumedTakenBy === record.name) {
    const fact = presumedFact(from, record.job, true);
    return fact ? [fact] : [];
  }
  if (pool.status === 'Reused')
    return pool.reusedByJob === record.name
      ? [{ kind: 'pool-reused', fromJob: from, toJob: record.name, retold: true }]
      : [];
  if (pool.status !== 'Available') return [];
  // Linked but not marked: a presumption cut short between its two writes is finished. It told
  // nothing before its mark, so this mark's telling is the first (counted), not a retelling.
  if (
    deps.presumeReuse &&
    record.job &&
    (await deps.ledger.presumeReuse(from.name, record.name, record.job.createdAtMs))
  ) {
    const fact = presumedFact(from, record.job, false);
    return fact ? [fact] : [];
  }
  const description = await deps.trainingJobs.describe(from.name);
  if (!description) return [];
  // Only a presumption links a pool SageMaker does not show Reused by the job: taken back first,
  // before the pool may leave the Available index.
  const seen = description.warmPool;
  if (seen && presumptionVerdict(record.name, seen) === 'wrong')
    await takeBackPresumption(deps, from.name, record.name, seen);
  return observeDescription(deps, from, description);
};

/**
 * SageMaker does not say which pool a job took; the pool's previous job does (Reused,
 * ReusedByJob). So describe the Available pools with the job's match key. When there are
 * none, the owner may have had a pool that differs in a few criteria: a near miss. A spot or
 * heterogeneous job takes no pool and misses none: nothing to look for.
 */
export const detectReuse = async (
  deps: DetectReuseDeps,
  record: JobRecord,
  /** Told what the index of the job's key held, for the rest of the handling. */
  view: SameKeyView | undefined,
  /**
   * Whether this is the handling of the job's first InProgress event, the only one that may
   * presume (deps.presumeReuse): a later look (its end, a stale or late copy of its start) may
   * come after a reconcile took a wrong presumption back, and would presume it again; it describes.
   */
  firstStart: boolean,
): Promise<LedgerFact[]> => {
  const job = record.job;
  if (!job || record.reusedPoolOf || !mayUseWarmPools(job)) return [];
  const sameKey = await deps.ledger.availableByMatchKey(job.matchKey);
  view?.read(job.matchKey, sameKey);
  // A pool presumed taken by another job is not offered again: it is taken, or the next listing says so.
  const others = sameKey.filter(
    (c) => c.name !== job.name && (c.pool?.presumedTakenBy ?? job.name) === job.name,
  );
  if (others.length === 0) {
    // One near miss per job: the end event looks for a reuse again, not for another near miss.
    if (record.nearMiss) return [];
    const ownerPools = job.owner ? await deps.ledger.availableByOwner(job.owner) : [];
    const nearMiss = closestNearMiss(
      job,
      ownerPools.filter((p) => !isPresumedTaken(p)),
    );
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
  // By the assumption named in lib/domain/poolChoice.ts (AWS does not document the choice),
  // SageMaker hands over the pool that expires soonest, and candidates come in that order:
  // the first is presumed taken (reusePresumption.ts), or described alone (it is nearly always the
  // one taken: one describe per warm start), then the others a batch at a time, stopping at the
  // one this job took.
  const first = candidates[0];
  if (
    firstStart &&
    deps.presumeReuse &&
    PRESUMES_SOONEST_EXPIRING_POOL_TAKEN &&
    first &&
    mayPresume(first, job)
  ) {
    const presumed = await presume(deps, first, job);
    if (presumed) return presumed;
  }
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
