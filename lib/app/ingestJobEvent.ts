import type { JobRecord } from '../domain/jobRecord';
import { predictedEndMs } from '../domain/keepAlive';
import { isTerminal, type JobSnapshot } from '../domain/trainingJob';
import { explainNoPool, type NoPool } from '../domain/warmPool';
import type { EndWrite } from '../ports/ledger';
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
  | {
      readonly kind: 'sagemaker';
      readonly description: TrainingJobDescription;
      /** The job's record as the caller read it just before, if it did: what the ledger knew of its pool. */
      readonly read?: JobRecord;
    };

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
  if (isTerminal(snapshot.status)) {
    // SageMaker is asked first, so that the end and its pool are one write; a job it no longer
    // knows is recorded ended without a pool.
    const known =
      source.kind === 'sagemaker'
        ? { ...(source.read ? { read: source.read } : {}), reuseFirst: true }
        : { reuseFirst: false };
    try {
      const description =
        source.kind === 'sagemaker' ? source.description : await deps.trainingJobs.describe(snapshot.name);
      if (description) return await ingestEnd(deps, snapshot, description, known, arrivedAtMs, view);
    } catch (error) {
      // Nothing of the end may be written yet (the describe, a link or a reactor before the write
      // failed): its first arrival is kept all the same, so that Lambda's retry does not make an
      // end that came on time look late (listingPace.ts). Best effort: the first error is thrown.
      if (arrivedAtMs !== undefined)
        await deps.ledger.recordEndEvent(snapshot.name, arrivedAtMs).catch(() => undefined);
      throw error;
    }
  }
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

  // An end SageMaker no longer knows: no pool to record. The start event may have been lost or
  // not yet delivered: look for the reuse again.
  return { kind: 'applied', facts: [...(await lookForReuse()), { kind: 'job-ended', job: record }] };
};

/**
 * A job's end with SageMaker's description of it in hand: the terminal snapshot and what became
 * of its pool (its state, or why it got none) in one ledger write, so that no crash leaves the
 * job recorded as ended with its pool unknown. Such a job would be in no index the sweep reads:
 * not running any more, its pool not Available. What must precede that write does: the link of
 * a pool handed on, and the sweep's telling of a pool that left (observeDescription.ts). A crash
 * before it leaves the job as it was (running, or unknown), and the event's retry or the next
 * reconcile records it.
 *
 * The reuse the job made is looked for first when the caller read the job's record (an
 * adoption): a link made then gives the pool its chain's birth and id before it is written and
 * told. An end event reads nothing first: the write's answer says whether its start linked the
 * reuse already (nearly always), and only then is the reuse looked for.
 */
const ingestEnd = async (
  deps: DetectReuseDeps,
  snapshot: JobSnapshot,
  description: TrainingJobDescription,
  source: { readonly read?: JobRecord; readonly reuseFirst: boolean },
  arrivedAtMs: number | undefined,
  view: SameKeyView | undefined,
): Promise<IngestResult> => {
  // The same event again (a duplicate, or Lambda's retry after a reactor failed): the reuse an
  // earlier delivery linked is told again, for the reactors that may not have heard it.
  const lookForReuse = (through: DetectReuseDeps, record: JobRecord, previous: JobSnapshot | undefined) =>
    record.reusedPoolOf && previous?.lastModifiedMs === snapshot.lastModifiedMs
      ? retellLinkedReuse(through, record)
      : detectReuse(through, record, view, false);
  // A pool handed on before its end was handled: the link to the next job comes before the write
  // and carries the chain's birth and id, which only the job's record holds (its start's link).
  const read =
    source.read ??
    (description.warmPool?.status === 'Reused' ? await deps.ledger.getJob(snapshot.name) : undefined);
  const before: JobRecord = { ...(read ?? { name: snapshot.name }), job: snapshot };
  // An end heard after its pool ended (a late copy, a retry): an action begun on the pool meanwhile
  // is finished before the write that records the end, after which nothing would lead back to it.
  if (!read && description.warmPool?.status === 'Terminated' && deps.finishIntent) {
    const stored = await deps.ledger.getJob(snapshot.name);
    if (stored?.pendingAction) await deps.finishIntent(stored, description);
  }
  // A link the first look makes is told to beforeLeaving (the sweep's adoptions), not returned.
  const heardFirst: LedgerFact[] = [];
  const firstLook: DetectReuseDeps = deps.beforeLeaving
    ? {
        ...deps,
        beforeLeaving: async (facts) => {
          heardFirst.push(...facts);
          await deps.beforeLeaving?.(facts);
        },
      }
    : deps;
  const reusedFirst = source.reuseFirst ? await lookForReuse(firstLook, before, source.read?.job) : [];
  // Linked just now: the pool is told (before its write, when it arrives through an adoption) and
  // written with the chain's birth and id that the link stored, and so within its lifetime.
  const toldAs = linkedNow([...reusedFirst, ...heardFirst], snapshot.name)
    ? await withStoredBirth(deps, before)
    : before;
  let write: EndWrite | undefined;
  // The presumption mark this caller saw (an adoption's read): only that one may the write settle.
  const seenMark = before.pool?.presumedTakenBy;
  let poolFacts = await observeDescription(deps, toldAs, description, async (state) => {
    const outcome = { kind: 'pool', pool: state, ...(seenMark !== undefined ? { seenMark } : {}) } as const;
    write = await deps.ledger.recordEnd(snapshot, outcome, arrivedAtMs);
    if (write.kind === 'recorded' && write.pool)
      return { record: write.record, applied: write.pool.applied, pool: write.pool.pool };
    // The ledger holds a newer snapshot, but maybe not this pool: what SageMaker says of it still
    // counts, written as this caller saw the pool (a mark it did not see is settled first).
    const { pool: _stored, ...job } = write.record;
    const seen = before.pool ? { ...job, pool: before.pool } : job;
    return { record: write.record, ...(await deps.ledger.observePool(seen, state)) };
  });
  const noPool = description.warmPool ? undefined : noPoolOf(snapshot, description);
  write ??= await deps.ledger.recordEnd(
    snapshot,
    noPool ? { kind: 'no-pool', noPool } : { kind: 'none' },
    arrivedAtMs,
  );
  if (write.kind === 'stale') {
    if (arrivedAtMs !== undefined && write.record.endEventAtMs === undefined)
      await deps.ledger.recordEndEvent(snapshot.name, arrivedAtMs);
    return { kind: 'stale', recorded: write.record, facts: [...reusedFirst, ...poolFacts] };
  }
  const record = write.record;
  // The start event may have been lost or not yet delivered: look for the reuse again.
  const reuseFacts = source.reuseFirst ? reusedFirst : await lookForReuse(deps, record, write.previous);
  // Linked only now (the start lost or late): the pool took its chain's birth and id with the
  // link, after the write above, so it is told as now stored.
  if (!source.reuseFirst && linkedNow(reuseFacts, snapshot.name)) {
    const linked = await deps.ledger.getJob(snapshot.name);
    if (linked)
      poolFacts = poolFacts.map((f) =>
        f.kind === 'pool-available' && f.job.name === snapshot.name ? { ...f, job: linked } : f,
      );
  }
  // Whether or not this write applied it: a retry must cap what a dying first attempt did not.
  poolFacts = await Promise.all(poolFacts.map((f) => capToChain(deps, f)));
  const ended: LedgerFact = { kind: 'job-ended', job: record };
  const told: LedgerFact[] = noPool ? [{ kind: 'no-pool', job: record, noPool }] : [];
  return { kind: 'applied', facts: [...reuseFacts, ended, ...poolFacts, ...told] };
};

/** Whether `facts` tell a link to `job` made just now (not one told again). */
const linkedNow = (facts: readonly LedgerFact[], job: string): boolean =>
  facts.some((f) => f.kind === 'pool-reused' && f.toJob === job && !f.retold);

/**
 * `record` with the pool's birth and chain id as its link stored them: on the pool it holds, or
 * as the link's placeholder (in use until this end). A pool another writer stored meanwhile is
 * not this caller's to tell: the record stays as read (the cap then comes after the write).
 */
const withStoredBirth = async (deps: DetectReuseDeps, record: JobRecord): Promise<JobRecord> => {
  const stored = (await deps.ledger.getJob(record.name))?.pool;
  if (stored?.bornAtMs === undefined) return record;
  if (!record.pool) return stored.status === 'InUse' ? { ...record, pool: stored } : record;
  const birth = {
    bornAtMs: stored.bornAtMs,
    ...(stored.poolId !== undefined ? { poolId: stored.poolId } : {}),
  };
  return { ...record, pool: { ...record.pool, ...birth } };
};

/**
 * A pool whose end an end event predicted without its chain's birth (the event reads nothing
 * before its write; the start's link, or a link made after the write, carried the birth): the
 * lifetime cap counts from that birth, so its predicted end comes no later than the cap allows.
 */
const capToChain = async (deps: DetectReuseDeps, fact: LedgerFact): Promise<LedgerFact> => {
  const pool = fact.kind === 'pool-available' ? fact.job.pool : undefined;
  if (fact.kind !== 'pool-available' || !pool) return fact;
  const { bornAtMs, expiresAtMs } = pool;
  if (bornAtMs === undefined || expiresAtMs === undefined) return fact;
  // The cap alone: a keep-alive changed since the end (an extension counts from its update) is no cap.
  const capped = predictedEndMs({ bornAtMs, expiresAtMs }, deps.limits) ?? expiresAtMs;
  if (capped >= expiresAtMs || !(await deps.ledger.capExpiry(fact.job.name, capped))) return fact;
  return { ...fact, job: { ...fact.job, pool: { ...pool, expiresAtMs: capped } } };
};

/** Why a job that asked for a keep-alive got no pool; undefined when it asked for none. */
const noPoolOf = (snapshot: JobSnapshot, description: TrainingJobDescription): NoPool | undefined => {
  const keepAlive = description.keepAliveSeconds ?? snapshot.keepAliveSeconds ?? 0;
  if (keepAlive <= 0) return undefined;
  return explainNoPool({
    status: snapshot.status,
    instanceType: snapshot.criteria.instanceType,
    clusterLaunched: (description.startedAtMs ?? snapshot.startedAtMs) !== undefined,
    spot: snapshot.spot,
    heterogeneous: snapshot.heterogeneous,
    ...(snapshot.failureReason ? { failureReason: snapshot.failureReason } : {}),
  });
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
