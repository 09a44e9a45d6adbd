import type { JobRecord, PoolState } from '../domain/jobRecord';
import { expiryAfterJobEnd, type KeepAliveLimits, lifetimeEndMs, predictedEndMs } from '../domain/keepAlive';
import { presumptionVerdict } from '../domain/reusePresumption';
import type { Clock } from '../ports/clock';
import type { Ledger } from '../ports/ledger';
import type { Telemetry } from '../ports/telemetry';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import type { LedgerFact } from './ledgerFacts';

export interface ObserveDeps {
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly limits: KeepAliveLimits;
  /**
   * Acts on the facts of a pool leaving Available (reused, ended) before the write that takes it
   * out of the Available index, and throws when it could not: the pool then stays Available in
   * the ledger, so the next look at it learns (and acts on) the same facts again. Those facts
   * are not returned. Absent: they are returned for the caller to act on (an event is retried
   * whole when that fails).
   */
  readonly beforeLeaving?: (facts: readonly LedgerFact[]) => Promise<void>;
  /**
   * Acts on the fact of a pool arriving Available (one the record in hand does not hold
   * Available: an adoption's) before the write that puts it in the Available index: once
   * written, no later look tells it as new, so an invocation dying right after the write would
   * leave its owner untold. The fact is returned all the same (told twice: the reactors
   * deduplicate). Absent: it is only returned.
   */
  readonly beforeArriving?: (facts: readonly LedgerFact[]) => Promise<void>;
  /** Where a presumed reuse found wrong is counted and logged (ReusesPresumedWrongly); absent: nowhere. */
  readonly telemetry?: Telemetry;
  /**
   * Finishes the pending action of a pool SageMaker shows leaving Available, before the write
   * that takes it out of the Available index (no later read would lead back to its intent), and
   * returns the record as it then stands (leavingIntent.ts). Absent: the intent goes with the pool.
   */
  readonly finishIntent?: (record: JobRecord, description: TrainingJobDescription) => Promise<JobRecord>;
}

/**
 * Takes back the link of a presumed reuse SageMaker's word proves wrong (reusePresumption.ts),
 * counted and logged: the ledger follows SageMaker.
 */
export const takeBackPresumption = async (
  deps: ObserveDeps,
  pool: string,
  taker: string,
  seen: { readonly status: string; readonly reusedByJob?: string },
): Promise<void> => {
  deps.telemetry?.count('ReusesPresumedWrongly');
  deps.telemetry?.warn('a presumed reuse was wrong: the ledger follows SageMaker', {
    job: pool,
    presumedTakenBy: taker,
    status: seen.status,
    ...(seen.reusedByJob ? { reusedByJob: seen.reusedByJob } : {}),
  });
  await deps.ledger.unlinkPresumedReuse(taker, pool);
};

/** The pool state a DescribeTrainingJob answer implies, keeping what the ledger already predicted. */
export const poolStateFrom = (
  record: JobRecord,
  description: TrainingJobDescription,
  limits: KeepAliveLimits,
  nowMs: number,
): PoolState | undefined => {
  const warmPool = description.warmPool;
  if (!warmPool) return undefined;
  const known = record.pool;
  const availableSinceMs = known?.availableSinceMs ?? description.endedAtMs ?? record.job?.endedAtMs;
  const keepAliveSeconds =
    known?.keepAliveSeconds ?? description.keepAliveSeconds ?? record.job?.keepAliveSeconds;
  const bornAtMs = known?.bornAtMs ?? availableSinceMs;
  const poolId = known?.poolId ?? record.name;
  const expiresAtMs =
    (known && predictedEndMs(bornAtMs === undefined ? known : { ...known, bornAtMs }, limits)) ??
    (availableSinceMs !== undefined && keepAliveSeconds !== undefined && bornAtMs !== undefined
      ? expiryAfterJobEnd(availableSinceMs, keepAliveSeconds, bornAtMs, limits)
      : undefined);
  return {
    status: warmPool.status,
    observedAtMs: nowMs,
    ...(keepAliveSeconds !== undefined ? { keepAliveSeconds } : {}),
    ...(availableSinceMs !== undefined ? { availableSinceMs } : {}),
    ...(expiresAtMs !== undefined ? { expiresAtMs } : {}),
    ...(bornAtMs !== undefined ? { bornAtMs, poolId } : {}),
    ...(warmPool.reusedByJob ? { reusedByJob: warmPool.reusedByJob } : {}),
    ...(warmPool.billableSeconds !== undefined ? { billableSeconds: warmPool.billableSeconds } : {}),
  };
};

const reusedFact = (fromJob: JobRecord, toJob: string, retold: boolean): LedgerFact =>
  retold ? { kind: 'pool-reused', fromJob, toJob, retold } : { kind: 'pool-reused', fromJob, toJob };

/**
 * Writes the pool's new state: observePool, or at a job's end the end and the pool together
 * (ingestJobEvent.ts). Answers whether the state moved forward (observePool's `applied`), the
 * pool as stored and, when it read it, the whole record. Like observePool, it leaves a pool
 * marked presumed taken Available unless the record it was given carries that mark: the answer
 * then shows the mark, for observeDescription to settle.
 */
export type PoolWriter = (
  state: PoolState,
) => Promise<{ readonly applied: boolean; readonly pool: PoolState; readonly record?: JobRecord }>;

/**
 * Whether the pool as stored was already where SageMaker says it went (a refused write): the
 * writer that moved it there told it, so a duplicate or a retry of the same word tells it again.
 */
const alreadyThere = (written: { readonly applied: boolean; readonly pool: PoolState }, state: PoolState) =>
  !written.applied && written.pool.status === state.status && written.pool.reusedByJob === state.reusedByJob;

/** `record` with the pending action of a pool SageMaker shows leaving Available finished (ObserveDeps.finishIntent). */
const withIntentFinished = async (
  deps: ObserveDeps,
  record: JobRecord,
  description: TrainingJobDescription,
): Promise<JobRecord> => {
  const status = description.warmPool?.status;
  if (!record.pendingAction || !deps.finishIntent || status === undefined || status === 'Available')
    return record;
  return deps.finishIntent(record, description);
};

/**
 * Brings the ledger's view of one job's pool up to what SageMaker just said, and links the
 * reuse when the pool was handed on. Used on job end, on reuse detection and by the sweep.
 */
export const observeDescription = async (
  deps: ObserveDeps,
  read: JobRecord,
  description: TrainingJobDescription,
  write?: PoolWriter,
): Promise<LedgerFact[]> => {
  const record = await withIntentFinished(deps, read, description);
  const state = poolStateFrom(record, description, deps.limits, deps.clock.now());
  if (!state) return [];
  // The link first: once the pool is recorded Reused, no index leads back to it, so a crash
  // between the two writes must leave it Available (looked at again), never unlinked.
  const reusedBy = state.status === 'Reused' ? state.reusedByJob : undefined;
  const provisional = {
    poolId: state.poolId ?? record.name,
    bornAtMs: state.bornAtMs ?? deps.clock.now(),
  };
  // A presumption SageMaker's word proves wrong (reusePresumption.ts): its link is taken back
  // before the pool may leave the Available index, so a crash in between leaves the mark to settle.
  const mark = record.pool?.status === 'Available' ? record.pool.presumedTakenBy : undefined;
  // What a wrong presumption told is withdrawn (its usage sample), told with the pool's end.
  const withdrawn: LedgerFact[] = [];
  if (mark !== undefined && presumptionVerdict(mark, state) === 'wrong' && state.status !== 'Available') {
    await takeBackPresumption(deps, record.name, mark, state);
    withdrawn.push({ kind: 'reuse-withdrawn', fromJob: record, toJob: mark });
  }
  // A presumption confirmed (reusePresumption.ts): its start linked the reuse before marking the
  // pool, and told it, the usage statistics' sample of the hop and its idle cost included. Told
  // again with other billed seconds, it would be a second sample of one hop (a sample is keyed by
  // the hop's end), so nothing is told: the ledger alone records what SageMaker billed.
  const confirmed = reusedBy !== undefined && mark === reusedBy;
  const toldAlready = confirmed;
  if (reusedBy && !confirmed)
    await deps.ledger.linkReuse(
      record.name,
      reusedBy,
      provisional,
      lifetimeEndMs(provisional.bornAtMs, deps.limits),
    );
  const leaving = (state.status === 'Terminated' || reusedBy !== undefined) && !toldAlready;
  if (leaving && deps.beforeLeaving) {
    // What the write below will store: the stored pool's own fields (who stopped it) kept.
    const job: JobRecord = { ...record, pool: { ...record.pool, ...state } };
    await deps.beforeLeaving([
      ...withdrawn,
      reusedBy ? reusedFact(job, reusedBy, confirmed) : { kind: 'pool-ended', job },
    ]);
  }
  if (deps.beforeArriving && state.status === 'Available' && record.pool?.status !== 'Available')
    await deps.beforeArriving([
      { kind: 'pool-available', job: { ...record, pool: { ...record.pool, ...state } } },
    ]);
  const writer: PoolWriter = write ?? ((seen) => deps.ledger.observePool(record, seen));
  const written = await writer(state);
  let pool = written.pool;
  const stored = written.record ?? record;
  // Marked presumed taken since `record` was read (a start event meanwhile): the write left the
  // pool Available, so the presumption is settled by this word of SageMaker's (a wrong one's link
  // taken back first), then the pool written.
  const unseen =
    pool.status === 'Available' && state.status !== 'Available' ? pool.presumedTakenBy : undefined;
  if (unseen !== undefined && unseen !== mark) {
    const verdict = presumptionVerdict(unseen, state);
    if (verdict === 'wrong') await takeBackPresumption(deps, record.name, unseen, state);
    if (verdict !== 'unsettled') {
      // What the presumption told is withdrawn; what SageMaker says was told before the write
      // without knowing of the mark, so it is told again over the withdrawal (same keys), retold.
      const fact: LedgerFact = { kind: 'reuse-withdrawn', fromJob: { ...stored, pool }, toJob: unseen };
      if (deps.beforeLeaving) {
        const job: JobRecord = { ...record, pool: { ...record.pool, ...state } };
        const again: LedgerFact = reusedBy
          ? { kind: 'pool-reused', fromJob: job, toJob: reusedBy, retold: true }
          : { kind: 'pool-ended', job, retold: true };
        await deps.beforeLeaving(leaving ? [fact, again] : [fact]);
      } else withdrawn.push(fact);
    }
    ({ pool } = await deps.ledger.observePool({ ...stored, pool }, state));
  }
  const updated: JobRecord = { ...stored, pool };
  const told = deps.beforeLeaving ? [] : withdrawn;
  const retold = alreadyThere(written, state);
  switch (state.status) {
    case 'Available':
      return [...told, { kind: 'pool-available', job: updated }];
    case 'Reused': {
      if (!reusedBy) return told;
      // The birth as stored wins over this (possibly stale) record's: a link learnt earlier may
      // have moved it earlier; linkReuse carries an earlier birth down the chain.
      if (pool.bornAtMs !== undefined && pool.bornAtMs < provisional.bornAtMs) {
        await deps.ledger.linkReuse(
          record.name,
          reusedBy,
          { poolId: pool.poolId ?? record.name, bornAtMs: pool.bornAtMs },
          lifetimeEndMs(pool.bornAtMs, deps.limits),
        );
      }
      return deps.beforeLeaving || toldAlready
        ? told
        : [...told, reusedFact(updated, reusedBy, confirmed || retold)];
    }
    case 'Terminated':
      return deps.beforeLeaving
        ? []
        : [...told, { kind: 'pool-ended', job: updated, ...(retold ? { retold } : {}) }];
    case 'InUse':
      return told;
  }
};
