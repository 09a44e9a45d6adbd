import { ACCEPTED_STOP_ANSWERED_WITHIN_MS } from '../domain/acceptedStop';
import { namedErrorMessage } from '../domain/errorMessage';
import { isPolicyIntent, shownCarriedOut } from '../domain/intentOutcome';
import type { JobRecord, PendingAction } from '../domain/jobRecord';
import { expiryAfterUpdate } from '../domain/keepAlive';
import type { DecisionLog, DecisionOutcome, DecisionRecord, PoolAction } from '../ports/decisionLog';
import type { PoolAsRead } from '../ports/ledger';
import { silentTelemetry } from '../ports/telemetry';
import type { TrainingJobDescription, TrainingJobs } from '../ports/trainingJobs';
import { isAbandonedCall } from './abandonedCall';
import type { AcceptedStops } from './acceptedStops';
import type { LedgerFact } from './ledgerFacts';
import { type ObserveDeps, observeDescription } from './observeDescription';
import { type PresumptionOutcome, settlePresumption } from './settlePresumption';

export interface ActionDeps extends ObserveDeps {
  readonly trainingJobs: TrainingJobs;
  readonly decisions: DecisionLog;
  /**
   * Told of an action recorded for the first time while finishing one another invocation gave
   * up on (the owner's notice, the asker's follow-up).
   */
  readonly onAction?: (result: ActionResult) => Promise<void>;
  /** The sweep container's memory of the stops SageMaker accepted from it (acceptedStops.ts); absent: none kept. */
  readonly acceptedStops?: AcceptedStops;
  /**
   * Whether the kill switch is on, asked when a request acting for real first finishes another's
   * pending action: an operator's command overrides the switch for its own action only, so a
   * click it finds pending is then recorded as a dry run. Absent: off (the functions act for
   * real only while it is off).
   */
  readonly killSwitch?: () => Promise<boolean>;
}

/** One action on the pool a job holds, as a policy, an operator or a Slack user asks for it. */
export interface ActionRequest {
  readonly head: JobRecord;
  readonly action: PoolAction;
  /** extend: the KeepAlivePeriodInSeconds to set, already within every cap. */
  readonly keepAliveSeconds?: number;
  /**
   * extend: the rest of a click's plan, auto-stop held off until then once the extend is applied,
   * carried by the intent so that whoever finishes it writes the hold too.
   */
  readonly thenHoldUntilMs?: number;
  /** hold: until when; warn: when the pool will end. */
  readonly untilMs?: number;
  readonly actor: string;
  readonly rule?: string;
  readonly cause?: string;
  readonly reason: string;
  readonly dryRun: boolean;
  /** Overrides the default key under which the decision is recorded once. */
  readonly dedupeKey?: string;
  /** Where the person asking waits for the outcome, should this invocation give up on it (a click's response_url). */
  readonly replyTo?: string;
}

export interface ActionResult {
  readonly decision: DecisionRecord;
  /** False when the same decision was already recorded (a retry, a double click). */
  readonly firstTime: boolean;
  /** The pool as it stands after the action. */
  readonly record: JobRecord;
  /** The predicted end before the action, for "extended from … to …". */
  readonly previousExpiresAtMs?: number;
  /** What SageMaker told when it refused the action (the pool was reused or ended meanwhile). */
  readonly facts: readonly LedgerFact[];
  /**
   * Of an action finished on behalf of an invocation that gave up on it: where the person who
   * asked for it waits for the outcome.
   */
  readonly replyTo?: string;
}

/**
 * How long a pending action belongs to the invocation that began it (the longest function
 * timeout, with room): after that, whoever finds it asks SageMaker and records what happened.
 */
export const PENDING_ACTION_LEASE_MS = 5 * 60_000;

/** What is known when a pending action is finished by whoever finds it. */
export interface FinishOptions {
  /** The kill switch: a person's action SageMaker did not take is then recorded as a dry run. */
  readonly killSwitch: boolean;
}

/** The key of a later step of one request (a click's hold after its extend). */
export const stepKey = (dedupeKey: string, action: PoolAction): string => `${dedupeKey}#${action}`;

/**
 * The key (unless the request brings its own) of a decision that is recorded once whenever it is made (a warning for one expiry,
 * a dry run for one hop and expiry): made again, it changes nothing. Undefined for actions
 * keyed by their instant (extend, stop, hold), which act each time.
 */
export const repeatableKey = (request: ActionRequest): string | undefined => {
  const expiry = request.head.pool?.expiresAtMs;
  if (request.dryRun) return `${request.action}#dry#${request.rule ?? request.actor}#${expiry ?? ''}`;
  if (request.action === 'warn') {
    const until = request.untilMs ?? expiry;
    return until === undefined ? undefined : `warn#${until}`;
  }
  return undefined;
};

/**
 * SageMaker refuses UpdateTrainingJob unless the pool is Available, so the update itself is
 * the check that poolwarden never touches a pool in use: no describe is spent before it.
 * A refusal is followed by a describe, which records what happened to the pool instead. An
 * extend or stop that finds an earlier one given up on (unknown) or past its lease finishes
 * that one first, so a pool is never locked by an action nobody is carrying out.
 */
export const applyPoolAction = async (deps: ActionDeps, request: ActionRequest): Promise<ActionResult> => {
  const { head } = request;
  const nowMs = deps.clock.now();
  const expiry = head.pool?.expiresAtMs;
  const base = {
    job: head.name,
    poolId: head.pool?.poolId ?? head.name,
    atMs: nowMs,
    action: request.action,
    actor: request.actor,
    reason: request.reason,
    dryRun: request.dryRun,
    ...(request.rule ? { rule: request.rule } : {}),
    ...(request.cause ? { cause: request.cause } : {}),
    ...(head.job?.team ? { team: head.job.team } : {}),
    ...(head.job?.owner ? { owner: head.job.owner } : {}),
  };
  const record = async (
    outcome: DecisionOutcome,
    extra: Partial<DecisionRecord>,
    defaultKey: string,
    after: JobRecord = head,
    facts: readonly LedgerFact[] = [],
  ): Promise<ActionResult> => {
    const decision: DecisionRecord = {
      ...base,
      outcome,
      ...extra,
      dedupeKey: request.dedupeKey ?? defaultKey,
    };
    return {
      decision,
      firstTime: await deps.decisions.record(decision),
      record: after,
      facts,
      ...(expiry !== undefined ? { previousExpiresAtMs: expiry } : {}),
    };
  };

  /** A request that did not act and is not recorded: another holds the pool, or it is not settled. */
  const unclaimed = (
    error: string,
    extra: Partial<DecisionRecord>,
    defaultKey: string,
    current: JobRecord,
  ): ActionResult => ({
    decision: { ...base, outcome: 'skipped', ...extra, error, dedupeKey: request.dedupeKey ?? defaultKey },
    firstTime: false,
    record: current,
    facts: [],
    ...(expiry !== undefined ? { previousExpiresAtMs: expiry } : {}),
  });

  /**
   * A pool presumed taken by a job (reusePresumption.ts): the ledger may not act on it until
   * SageMaker's word, so one describe settles it now rather than refusing the request. Answers the
   * request when that ends it (the pool gone, or not settled in time), else the pool to act on and
   * what settling told (a presumption withdrawn), for the caller's reactors.
   */
  const settledFirst = async (
    current: JobRecord,
    extra: Partial<DecisionRecord>,
    key: string,
  ): Promise<
    | { readonly kind: 'answered'; readonly result: ActionResult }
    | { readonly kind: 'act'; readonly record: JobRecord; readonly released: readonly LedgerFact[] }
  > => {
    const taker = current.pool?.status === 'Available' ? current.pool.presumedTakenBy : undefined;
    if (taker === undefined) return { kind: 'act', record: current, released: [] };
    const settled = await settleMarkFirst(deps, current, taker);
    if (settled.kind === 'unsettled')
      return { kind: 'answered', result: unclaimed(settled.error, extra, key, current) };
    if (settled.kind === 'gone') {
      const error = settled.error;
      return {
        kind: 'answered',
        result: await record('skipped', { ...extra, error }, key, settled.record, settled.facts),
      };
    }
    return { kind: 'act', record: settled.record, released: settled.facts };
  };

  if (request.dryRun) {
    // Once per hop and expiry: a dry-run policy would otherwise "stop" the same pool every minute.
    return record(
      'dry-run',
      {
        ...(request.keepAliveSeconds !== undefined ? { keepAliveSeconds: request.keepAliveSeconds } : {}),
        ...(request.untilMs !== undefined ? { endsAtMs: request.untilMs } : {}),
      },
      repeatableKey(request) ?? '',
    );
  }
  switch (request.action) {
    case 'warn':
      return record(
        'applied',
        request.untilMs !== undefined ? { endsAtMs: request.untilMs } : {},
        repeatableKey(request) ?? `warn#${nowMs}`,
      );
    case 'hold': {
      const untilMs = request.untilMs ?? nowMs;
      const key = `hold#${nowMs}`;
      // As for an extend or a stop: a snooze answered "snoozed" must be of a pool still there.
      const settled = await settledFirst(head, { endsAtMs: untilMs }, key);
      if (settled.kind === 'answered') return settled.result;
      const current = settled.record;
      const held = await deps.ledger.holdPool(current.name, untilMs, nowMs - PENDING_ACTION_LEASE_MS);
      if (!held) {
        // Refused while the pool is still Available: an action is in flight (a policy's extend
        // or stop, an operator's). Not recorded, as an extend or a stop that finds one: the same
        // click, tried again once it is done, then acts.
        const now = await deps.ledger.getJob(current.name);
        if (now?.pool?.status === 'Available' && now.pendingAction)
          return unclaimed('another action on this pool is in progress', { endsAtMs: untilMs }, key, now);
      }
      const after: JobRecord = current.pool
        ? { ...current, pool: { ...current.pool, heldUntilMs: untilMs } }
        : current;
      return record(
        held ? 'applied' : 'skipped',
        { endsAtMs: untilMs },
        key,
        held ? after : current,
        settled.released,
      );
    }
    case 'extend':
    case 'stop': {
      const seconds = request.action === 'stop' ? 0 : (request.keepAliveSeconds ?? 0);
      const key = request.dedupeKey ?? `${request.action}#${nowMs}`;
      let current = head;
      const notClaimed = (error: string): ActionResult =>
        unclaimed(error, { keepAliveSeconds: seconds }, key, current);
      if (head.pendingAction && isFinishable(head.pendingAction, nowMs)) {
        // Whoever began it is done with it: finish it first, so that nothing it did goes unrecorded.
        // Under the kill switch as it stands: this request acting for real (an operator's
        // override) does not make another's action act.
        const killSwitch = (await deps.killSwitch?.()) ?? false;
        const settled = await settlePendingAction(deps, head, { killSwitch });
        if (settled?.decision.dedupeKey === key) {
          // The same request again (a click delivered twice): its own answer covers the outcome.
          const { replyTo: _answeredHere, ...own } = settled;
          return own;
        }
        if (settled?.firstTime) await deps.onAction?.(settled);
        // Still not known: the earlier action keeps the pool until SageMaker can be asked.
        if (settled?.decision.outcome === 'unknown')
          return notClaimed(
            'an earlier action on this pool is not finished: SageMaker could not be asked about it',
          );
        current = (await deps.ledger.getJob(head.name)) ?? head;
      }
      const settled = await settledFirst(current, { keepAliveSeconds: seconds }, key);
      if (settled.kind === 'answered') return settled.result;
      current = settled.record;
      const { released } = settled;
      const previous = current.pool?.keepAliveSeconds;
      const intent: PendingAction = {
        dedupeKey: key,
        action: request.action,
        keepAliveSeconds: seconds,
        actor: request.actor,
        reason: request.reason,
        atMs: nowMs,
        ...(request.rule ? { rule: request.rule } : {}),
        ...(request.cause ? { cause: request.cause } : {}),
        ...(request.replyTo ? { replyTo: request.replyTo } : {}),
        ...(previous !== undefined ? { previousKeepAliveSeconds: previous } : {}),
        ...(request.action === 'extend' && request.thenHoldUntilMs !== undefined
          ? { holdUntilMs: request.thenHoldUntilMs }
          : {}),
      };
      // Intent before action: the claim is the record a later sweep finishes after a crash, and
      // the conditional write that lets only one of two identical requests act. A policy claims
      // the pool as it decided from it: an extend or a hold written since (a click) wins.
      const asRead = poolAsRead(isPolicyIntent(intent) ? head : current);
      if (!(await deps.ledger.beginAction(current.name, intent, nowMs - PENDING_ACTION_LEASE_MS, asRead)))
        return notClaimed(
          'another action on this pool is in progress, the pool changed since it was read, or the ledger no longer holds it Available',
        );
      const result = await carryOut(deps, current, intent, false);
      return released.length > 0 ? { ...result, facts: [...released, ...result.facts] } : result;
    }
  }
};

/**
 * A pool presumed taken, settled from one describe (settlePresumption.ts) before a person's
 * extend or stop: still Available (the job did not take it), it is unmarked and acted on; no
 * longer Available, it is recorded as SageMaker shows it; when SageMaker cannot tell or be asked
 * in time, the request is answered plainly, and the next reconcile settles the pool.
 */
const settleMarkFirst = async (
  deps: ActionDeps,
  head: JobRecord,
  taker: string,
): Promise<
  | { readonly kind: 'released'; readonly record: JobRecord; readonly facts: LedgerFact[] }
  | {
      readonly kind: 'gone';
      readonly record: JobRecord;
      readonly facts: LedgerFact[];
      readonly error: string;
    }
  | { readonly kind: 'unsettled'; readonly error: string }
> => {
  const unsettled = (why: string) => ({
    kind: 'unsettled' as const,
    error: `the pool is presumed taken by job ${taker} until the next reconcile confirms it (${why})`,
  });
  let outcome: PresumptionOutcome;
  try {
    outcome = await settlePresumption(
      { ...deps, telemetry: deps.telemetry ?? silentTelemetry },
      head,
      undefined,
      true,
    );
  } catch (error) {
    return unsettled(`SageMaker could not be asked now: ${namedErrorMessage(error)}`);
  }
  if (outcome.kind === 'left') return unsettled('SageMaker does not tell yet');
  const record = (await deps.ledger.getJob(head.name)) ?? head;
  if (outcome.kind === 'released') return { kind: 'released', record, facts: outcome.facts };
  const pool = record.pool;
  const error =
    pool?.status === 'Reused'
      ? `the pool was reused by job ${pool.reusedByJob ?? taker}`
      : `the pool is no longer Available (${pool?.status ?? 'unknown'})`;
  return { kind: 'gone', record, facts: outcome.facts, error };
};

const poolAsRead = (record: JobRecord): PoolAsRead => {
  const pool = record.pool;
  return {
    ...(pool?.expiresAtMs !== undefined ? { expiresAtMs: pool.expiresAtMs } : {}),
    ...(pool?.heldUntilMs !== undefined ? { heldUntilMs: pool.heldUntilMs } : {}),
  };
};

/**
 * Until when a pending action belongs to the invocation that began it: its lease's end, or none
 * (negative infinity) once that invocation gave up on it (unknown).
 */
export const pendingActionLeaseEndMs = (intent: PendingAction): number =>
  intent.unknownSinceMs !== undefined ? Number.NEGATIVE_INFINITY : intent.atMs + PENDING_ACTION_LEASE_MS;

/**
 * Whether a pending action may be finished by whoever finds it: its invocation gave up on it
 * (unknown), or has outlived its lease (it died).
 */
export const isFinishable = (intent: PendingAction, nowMs: number): boolean =>
  nowMs > pendingActionLeaseEndMs(intent);

/**
 * SageMaker is asked to carry out the intent, which already claims the pool. When the call
 * throws, a describe says what happened: SageMaker may have taken the update all the same (the
 * answer came after a click's budget, or an SDK retry met the pool its first attempt stopped).
 * When even that fails, the outcome is unknown and the intent stays for whoever asks SageMaker
 * next. `onBehalf`: finished for an invocation that gave up on it or died, which told nobody.
 */
const carryOut = async (
  deps: ActionDeps,
  head: JobRecord,
  intent: PendingAction,
  onBehalf: boolean,
): Promise<ActionResult> => {
  // The keep-alive counts from the update: a finder sends it later than it was decided.
  const askedAtMs = onBehalf ? deps.clock.now() : intent.atMs;
  try {
    await deps.trainingJobs.setKeepAlive(head.name, intent.keepAliveSeconds);
  } catch (error) {
    let description: TrainingJobDescription | undefined;
    try {
      description = await deps.trainingJobs.describe(head.name);
    } catch (describeError) {
      // Neither the update's fate nor the pool's state is known: not "no longer Available".
      await deps.ledger.markActionUnknown(head.name, intent.dedupeKey, deps.clock.now());
      return recordUnknown(
        deps,
        head,
        intent,
        `${namedErrorMessage(error)}; SageMaker could not be asked what happened: ${namedErrorMessage(describeError)}`,
      );
    }
    if (shownCarriedOut(intent, head, description?.keepAliveSeconds)) {
      const applied = await recordApplied(deps, head, intent, onBehalf, askedAtMs);
      if (!description) return applied;
      const facts = await observeDescription(deps, applied.record, description);
      return {
        ...applied,
        record: withoutIntent((await deps.ledger.getJob(head.name)) ?? applied.record),
        facts,
      };
    }
    const stillAvailable = description?.warmPool?.status === 'Available';
    if (stillAvailable && isAbandonedCall(error)) {
      // Given up at the caller's budget (a click's), the update may still reach SageMaker after
      // this describe: unknown, so the next finder reads what SageMaker did with it by then.
      await deps.ledger.markActionUnknown(head.name, intent.dedupeKey, deps.clock.now());
      return recordUnknown(
        deps,
        head,
        intent,
        `${namedErrorMessage(error)}; SageMaker did not show it carried out yet, and may still`,
      );
    }
    const closed = await closeIntent(
      deps,
      head,
      intent,
      stillAvailable ? 'failed' : 'skipped',
      stillAvailable
        ? namedErrorMessage(error)
        : `the pool is no longer Available (${description?.warmPool?.status ?? 'unknown'}): ${namedErrorMessage(error)}`,
      onBehalf,
    );
    const facts = description ? await observeDescription(deps, closed.record, description) : [];
    return { ...closed, record: withoutIntent((await deps.ledger.getJob(head.name)) ?? head), facts };
  }
  // Accepted at once: SageMaker's word that the pool is released, at the instant recorded as its end.
  const answeredAtOnce = deps.clock.now() - askedAtMs <= ACCEPTED_STOP_ANSWERED_WITHIN_MS;
  if (intent.keepAliveSeconds === 0 && !onBehalf && answeredAtOnce)
    deps.acceptedStops?.note(head.name, askedAtMs);
  return recordApplied(deps, head, intent, onBehalf, askedAtMs);
};

/**
 * The key under which "SageMaker could not be asked" is recorded for an intent: once, beside the
 * outcome recorded later under the intent's own key, so the audit shows both.
 */
export const unknownKey = (dedupeKey: string): string => `${dedupeKey}#unknown`;

const recordUnknown = async (
  deps: ActionDeps,
  head: JobRecord,
  intent: PendingAction,
  error: string,
): Promise<ActionResult> => {
  const decision: DecisionRecord = {
    ...decisionFor(head, intent),
    outcome: 'unknown',
    error,
    dedupeKey: unknownKey(intent.dedupeKey),
  };
  return {
    decision,
    firstTime: await deps.decisions.record(decision),
    record: head,
    facts: [],
    ...(head.pool?.expiresAtMs !== undefined ? { previousExpiresAtMs: head.pool.expiresAtMs } : {}),
  };
};

const withoutIntent = (record: JobRecord): JobRecord => {
  const { pendingAction: _finished, ...rest } = record;
  return rest;
};

const decisionFor = (head: JobRecord, intent: PendingAction): Omit<DecisionRecord, 'outcome'> => ({
  job: head.name,
  poolId: head.pool?.poolId ?? head.name,
  atMs: intent.atMs,
  action: intent.action,
  actor: intent.actor,
  reason: intent.reason,
  dryRun: false,
  keepAliveSeconds: intent.keepAliveSeconds,
  dedupeKey: intent.dedupeKey,
  ...(intent.rule ? { rule: intent.rule } : {}),
  ...(intent.cause ? { cause: intent.cause } : {}),
  ...(head.job?.team ? { team: head.job.team } : {}),
  ...(head.job?.owner ? { owner: head.job.owner } : {}),
});

/**
 * An intent ends without SageMaker having taken it. The decision is written first (once, by its
 * key), then the intent is cleared: a crash between leaves the intent for the next finder, never
 * an action missing from the audit.
 */
const closeIntent = async (
  deps: ActionDeps,
  head: JobRecord,
  intent: PendingAction,
  outcome: 'failed' | 'skipped' | 'dry-run',
  error: string,
  onBehalf: boolean,
): Promise<ActionResult> => {
  const decision: DecisionRecord = {
    ...decisionFor(head, intent),
    outcome,
    error,
    ...(outcome === 'dry-run' ? { dryRun: true } : {}),
  };
  const firstTime = await deps.decisions.record(decision);
  const cleared = await deps.ledger.endAction(head.name, intent.dedupeKey);
  return {
    decision,
    // A finder clears an intent whose invocation is gone, and which told nobody, whether or not it
    // had written the decision; of two finishers, the one that cleared it.
    firstTime: firstTime || (onBehalf && cleared),
    record: withoutIntent(head),
    facts: [],
    ...(head.pool?.expiresAtMs !== undefined ? { previousExpiresAtMs: head.pool.expiresAtMs } : {}),
  };
};

/**
 * SageMaker took the new keep-alive: the decision first (once, by its key), then the ledger's
 * prediction in the write that clears the intent, so a crash between leaves the intent for a
 * finder, never an applied action missing from the audit. An extend that carries the rest of a
 * click's plan writes its hold in the same write; a finder records that hold's decision too,
 * under the key the click would have used.
 */
const recordApplied = async (
  deps: ActionDeps,
  head: JobRecord,
  intent: PendingAction,
  onBehalf: boolean,
  askedAtMs: number,
): Promise<ActionResult> => {
  const seconds = intent.keepAliveSeconds;
  const bornAtMs = head.pool?.bornAtMs ?? head.pool?.availableSinceMs ?? intent.atMs;
  const expiresAtMs =
    seconds === 0 ? askedAtMs : expiryAfterUpdate(askedAtMs, seconds, bornAtMs, deps.limits);
  const stoppedBy = seconds === 0 ? intent.actor : undefined;
  const heldUntilMs = seconds === 0 ? undefined : intent.holdUntilMs;
  const decision: DecisionRecord = {
    ...decisionFor(head, intent),
    outcome: 'applied',
    endsAtMs: expiresAtMs,
  };
  const firstTime = await deps.decisions.record(decision);
  if (heldUntilMs !== undefined) {
    const { keepAliveSeconds: _none, ...rest } = decisionFor(head, intent);
    await deps.decisions.record({
      ...rest,
      action: 'hold',
      outcome: 'applied',
      endsAtMs: heldUntilMs,
      dedupeKey: stepKey(intent.dedupeKey, 'hold'),
    });
  }
  // Refused when another finisher of this intent recorded it first: that one told the owner.
  const recorded = await deps.ledger.recordKeepAlive(
    head.name,
    {
      keepAliveSeconds: seconds,
      expiresAtMs,
      ...(stoppedBy ? { stoppedBy } : {}),
      ...(heldUntilMs !== undefined ? { heldUntilMs } : {}),
    },
    intent.dedupeKey,
  );
  const rest = withoutIntent(head);
  const after: JobRecord = rest.pool
    ? {
        ...rest,
        pool: {
          ...rest.pool,
          keepAliveSeconds: seconds,
          expiresAtMs,
          ...(stoppedBy ? { stoppedBy } : {}),
          ...(heldUntilMs !== undefined ? { heldUntilMs } : {}),
        },
      }
    : rest;
  return {
    decision,
    firstTime: firstTime || (onBehalf && recorded),
    record: after,
    facts: [],
    ...(head.pool?.expiresAtMs !== undefined ? { previousExpiresAtMs: head.pool.expiresAtMs } : {}),
  };
};

/**
 * Finishes an action whose invocation gave up on it (unknown) or did not live to record its
 * outcome, from what SageMaker says now: it shows the action taken (intentOutcome.ts: applied);
 * or, while the pool is still Available, a person's action is carried out now (recorded as a dry
 * run while the kill switch is on), and a policy's is closed, the policy deciding afresh; or it
 * is recorded as not done. The result names where the person who asked waits for the outcome.
 */
export const finishPendingAction = async (
  deps: ActionDeps,
  head: JobRecord,
  description: TrainingJobDescription | undefined,
  options: FinishOptions,
): Promise<ActionResult | undefined> => {
  const intent = head.pendingAction;
  if (!intent) return undefined;
  const result = await finishIntent(deps, head, intent, description, options);
  return intent.replyTo && result.decision.outcome !== 'unknown'
    ? { ...result, replyTo: intent.replyTo }
    : result;
};

const finishIntent = async (
  deps: ActionDeps,
  head: JobRecord,
  intent: PendingAction,
  description: TrainingJobDescription | undefined,
  options: FinishOptions,
): Promise<ActionResult> => {
  // Taken at some instant since it was decided: the earliest is assumed, so the sweep looks early.
  if (shownCarriedOut(intent, head, description?.keepAliveSeconds))
    return recordApplied(deps, head, intent, true, intent.atMs);
  const available = description?.warmPool?.status === 'Available';
  if (available && !isPolicyIntent(intent)) {
    // Setting the same keep-alive again is harmless: what the person asked for is done now.
    if (!options.killSwitch) return carryOut(deps, head, intent, true);
    return closeIntent(deps, head, intent, 'dry-run', 'the kill switch is on: not carried out', true);
  }
  return closeIntent(
    deps,
    head,
    intent,
    available ? 'failed' : 'skipped',
    available
      ? intent.unknownSinceMs !== undefined
        ? 'not carried out; the policy decides afresh'
        : 'interrupted before SageMaker was known to carry it out; the policy decides afresh'
      : `the pool is no longer Available (${description?.warmPool?.status ?? 'unknown to SageMaker'})`,
    true,
  );
};

/**
 * Asks SageMaker about a pending action found finishable and finishes it; when SageMaker still
 * cannot be asked, the intent stays (unknown) for the next try.
 */
export const settlePendingAction = async (
  deps: ActionDeps,
  head: JobRecord,
  options: FinishOptions,
): Promise<ActionResult | undefined> => {
  const intent = head.pendingAction;
  if (!intent) return undefined;
  let description: TrainingJobDescription | undefined;
  try {
    description = await deps.trainingJobs.describe(head.name);
  } catch (error) {
    await deps.ledger.markActionUnknown(head.name, intent.dedupeKey, deps.clock.now());
    return recordUnknown(
      deps,
      head,
      intent,
      `SageMaker could not be asked what happened: ${namedErrorMessage(error)}`,
    );
  }
  return finishPendingAction(deps, head, description, options);
};
