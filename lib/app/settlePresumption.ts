import type { JobRecord } from '../domain/jobRecord';
import { presumptionVerdict } from '../domain/reusePresumption';
import type { Telemetry } from '../ports/telemetry';
import type { TrainingJobDescription, TrainingJobs } from '../ports/trainingJobs';
import type { LedgerFact } from './ledgerFacts';
import { type ObserveDeps, observeDescription, takeBackPresumption } from './observeDescription';

export interface SettlePresumptionDeps extends ObserveDeps {
  readonly trainingJobs: TrainingJobs;
  readonly telemetry: Telemetry;
}

/** What a reconcile's listing said of one pool, as the sweep's plan holds it. */
export interface ListingWord {
  /** The listing shows the pool no longer Available: its end as the listing tells it, if in full. */
  readonly ended?: TrainingJobDescription;
  /** Whether the listing shows the pool no longer Available (looked at: from `ended`, or described). */
  readonly gone: boolean;
  /** Whether the listing shows the pool still Available. */
  readonly available: boolean;
}

export type PresumptionOutcome =
  /** Nothing tells yet whether the job took the pool: left alone, marked, until a listing does. */
  | { readonly kind: 'left' }
  /** Recorded as SageMaker shows it, no longer Available: confirmed, or ended or taken by another. */
  | { readonly kind: 'settled'; readonly wrong: boolean; readonly facts: LedgerFact[] }
  /** The job did not take it and it is still Available: unmarked, for the policy to manage again. */
  | { readonly kind: 'released'; readonly head: JobRecord; readonly facts: LedgerFact[] };

/**
 * Confirms or corrects the presumption on a marked pool (reusePresumption.ts) from SageMaker's
 * word: the reconcile's listing when it covers the pool, a describe when it shows the pool gone
 * but not in full, or, when no listing settled it in time (`describeDue`: the sweep's handlePresumed
 * tells when a mark is overdue), a describe. A wrong one's link is taken back before the mark or the pool's state is written, so a
 * crash in between leaves the pool marked, and the next look corrects it again.
 */
export const settlePresumption = async (
  deps: SettlePresumptionDeps,
  pool: JobRecord,
  listing: ListingWord | undefined,
  describeDue: boolean,
): Promise<PresumptionOutcome> => {
  const marked = pool.pool;
  const taker = marked?.presumedTakenBy;
  if (!marked || !taker) return { kind: 'left' };
  const looks = listing?.gone === true || (!listing?.available && describeDue);
  if (!looks && !listing?.available) return { kind: 'left' };
  const description = looks ? (listing?.ended ?? (await deps.trainingJobs.describe(pool.name))) : undefined;
  const seen = looks ? description?.warmPool : { status: 'Available' as const };
  // A job SageMaker no longer knows is not the pool this job took: the sweep's look finds it missing.
  const verdict = seen ? presumptionVerdict(taker, seen) : 'wrong';
  if (verdict === 'unsettled') return { kind: 'left' };
  if (verdict === 'confirmed' && description) {
    deps.telemetry.count('ReusesPresumedConfirmed');
    return { kind: 'settled', wrong: false, facts: await observeDescription(deps, pool, description) };
  }
  // Ended or taken by another: observeDescription takes the link back before the pool leaves.
  if (description && seen && seen.status !== 'Available')
    return { kind: 'settled', wrong: true, facts: await observeDescription(deps, pool, description) };
  await takeBackPresumption(deps, pool.name, taker, seen ?? { status: 'not found' });
  const withdrawn: LedgerFact = { kind: 'reuse-withdrawn', fromJob: pool, toJob: taker };
  // Told before the mark goes, as a pool's leaving is: once unmarked, nothing tells it again.
  if (deps.beforeLeaving) await deps.beforeLeaving([withdrawn]);
  await deps.ledger.withdrawPresumption(pool.name, taker);
  const { presumedTakenBy: _mark, presumedAtMs: _at, ...state } = marked;
  const head: JobRecord = { ...pool, pool: state };
  const facts = description ? await observeDescription(deps, head, description) : [];
  return { kind: 'released', head, facts: deps.beforeLeaving ? facts : [withdrawn, ...facts] };
};
