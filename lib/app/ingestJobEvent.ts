import type { JobRecord } from '../domain/jobRecord';
import { isTerminal, type JobSnapshot } from '../domain/trainingJob';
import { explainNoPool } from '../domain/warmPool';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import { type DetectReuseDeps, detectReuse, retellLinkedReuse } from './detectReuse';
import type { LedgerFact } from './ledgerFacts';
import { observeDescription } from './observeDescription';
import { SameKeyView } from './sameKeyView';

export type IngestResult =
  /** Older than what the ledger holds: nothing overwritten, but what only it tells (a start, a reuse) is kept. */
  | { readonly kind: 'stale'; readonly recorded: JobRecord; readonly facts: readonly LedgerFact[] }
  | { readonly kind: 'applied'; readonly facts: readonly LedgerFact[] };

/** Where a snapshot comes from. */
export type SnapshotSource =
  /** An EventBridge delivery: an end's arrival is recorded by the handler's clock. */
  | { readonly kind: 'event' }
  /**
   * SageMaker's own DescribeTrainingJob answer, already in hand (the reconciler's): it saves the
   * describe on a job's end, and no event arrived.
   */
  | { readonly kind: 'sagemaker'; readonly description: TrainingJobDescription };

export const FROM_EVENT: SnapshotSource = { kind: 'event' };

/**
 * Handles one training-job state change. Safe to repeat and safe in any order: a stale
 * snapshot overwrites nothing, and every later step is an idempotent conditional write, so a
 * retry after a partial failure finishes the work.
 */
export const ingestJobEvent = async (
  deps: DetectReuseDeps,
  snapshot: JobSnapshot,
  source: SnapshotSource,
): Promise<IngestResult> => {
  // With a beforeLeaving step some facts are told before they would be returned: no view then.
  const view = deps.beforeLeaving ? undefined : new SameKeyView();
  const result = await ingest(deps, snapshot, source, view);
  return view ? { ...result, facts: view.annotate(result.facts) } : result;
};

const ingest = async (
  deps: DetectReuseDeps,
  snapshot: JobSnapshot,
  source: SnapshotSource,
  view: SameKeyView | undefined,
): Promise<IngestResult> => {
  // An end event's arrival is kept even when a listing recorded the end first: it tells the
  // sweep whether the end events run on time again (listingPace.ts).
  const arrivedAtMs = source.kind === 'event' && isTerminal(snapshot.status) ? deps.clock.now() : undefined;
  const write = await deps.ledger.recordSnapshot(snapshot, arrivedAtMs);
  if (write.kind === 'stale') {
    if (arrivedAtMs !== undefined && write.record.endEventAtMs === undefined)
      await deps.ledger.recordEndEvent(snapshot.name, arrivedAtMs);
    return staleFacts(deps, snapshot, write.record, view);
  }
  const record = write.record;
  // The same event again (a duplicate, or Lambda's retry after a reactor failed): the reuse an
  // earlier delivery linked is told again, for the reactors that may not have heard it.
  const redelivered = write.previous?.lastModifiedMs === snapshot.lastModifiedMs;
  // Only the job's first event, the start as first heard, may presume the pool it took
  // (reusePresumption.ts): by a copy of it (a retry, a duplicate) or its end, a reconcile may have
  // taken that presumption back, and a second one would be the same mistake, unchecked again.
  const firstStart = source.kind === 'event' && !write.previous && snapshot.status === 'InProgress';
  const lookForReuse = () =>
    record.reusedPoolOf && redelivered
      ? retellLinkedReuse(deps, record)
      : detectReuse(deps, record, view, firstStart);

  if (!isTerminal(snapshot.status)) {
    // A job takes its pool when it starts: look on its first InProgress event (or a redelivery
    // of it), not on every later SecondaryStatus change. The end looks again in any case.
    const firstSeen = !write.previous || redelivered;
    if (snapshot.status !== 'InProgress' || !firstSeen) return { kind: 'applied', facts: [] };
    const started: LedgerFact = { kind: 'job-started', job: record };
    return { kind: 'applied', facts: [started, ...(await lookForReuse())] };
  }

  // The start event may have been lost or not yet delivered: look for the reuse again.
  const reuseFacts = await lookForReuse();
  const facts: LedgerFact[] = [...reuseFacts, { kind: 'job-ended', job: record }];
  const description =
    source.kind === 'sagemaker' ? source.description : await deps.trainingJobs.describe(snapshot.name);
  if (!description) return { kind: 'applied', facts };

  if (description.warmPool) {
    facts.push(...(await observeDescription(deps, record, description)));
    return { kind: 'applied', facts };
  }
  const keepAlive = description.keepAliveSeconds ?? snapshot.keepAliveSeconds ?? 0;
  if (keepAlive > 0) {
    const noPool = explainNoPool({
      status: snapshot.status,
      instanceType: snapshot.criteria.instanceType,
      clusterLaunched: (description.startedAtMs ?? snapshot.startedAtMs) !== undefined,
      spot: snapshot.spot,
      heterogeneous: snapshot.heterogeneous,
      ...(snapshot.failureReason ? { failureReason: snapshot.failureReason } : {}),
    });
    await deps.ledger.recordNoPool(snapshot.name, noPool);
    facts.push({ kind: 'no-pool', job: { ...record, noPool }, noPool });
  }
  return { kind: 'applied', facts };
};

/**
 * A start event that arrives after a newer one (a retry, a late copy) still says the job
 * started: the owner's activity and the reuse it made are recorded, not lost until the end.
 */
const staleFacts = async (
  deps: DetectReuseDeps,
  snapshot: JobSnapshot,
  recorded: JobRecord,
  view: SameKeyView | undefined,
): Promise<IngestResult> => {
  if (snapshot.status !== 'InProgress') return { kind: 'stale', recorded, facts: [] };
  const started: LedgerFact = { kind: 'job-started', job: { ...recorded, job: recorded.job ?? snapshot } };
  // A late copy may be the retry of the delivery that linked the reuse: its reactors hear it again.
  const reuse = recorded.reusedPoolOf
    ? await retellLinkedReuse(deps, recorded)
    : await detectReuse(deps, recorded, view, false);
  return { kind: 'stale', recorded, facts: [started, ...reuse] };
};
