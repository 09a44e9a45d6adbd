import type { EndWatchSettings } from '../domain/endWatch';
import { errorMessage } from '../domain/errorMessage';
import { shownCarriedOut } from '../domain/intentOutcome';
import { isStopping, type JobRecord } from '../domain/jobRecord';
import { predictedEndMs } from '../domain/keepAlive';
import type { Decision } from '../domain/policy/decide';
import { evaluatePool, type PolicySetup } from '../domain/policy/evaluatePool';
import { isPresumedTaken, isStillOffered } from '../domain/reusePresumption';
import { isTerminal } from '../domain/trainingJob';
import type { PoolAction } from '../ports/decisionLog';
import type { Telemetry } from '../ports/telemetry';
import type { UsageStats } from '../ports/usageStats';
import { type AlreadyKnown, adoptJob } from './adoptJob';
import {
  type ActionDeps,
  type ActionRequest,
  type ActionResult,
  applyPoolAction,
  finishPendingAction,
  isFinishable,
  repeatableKey,
} from './applyPoolAction';
import type { ContainerLearnerMemo } from './containerLearnerMemo';
import { planEndWatch } from './endWatch';
import { countFacts } from './factMetrics';
import { type FactReactor, ReactorsFailedError, runReactors } from './factReactor';
import type { LedgerFact } from './ledgerFacts';
import { mapBounded } from './mapBounded';
import { poolNotFound } from './missingPools';
import { observeDescription } from './observeDescription';
import type { OwedFacts } from './owedFacts';
import { type PoolLookRules, poolLookDueAtMs } from './poolLookDue';
import { readAllPages } from './readAllPages';
import { planReconcile, type ReconcileDeps, type ReconcilePlan, settleReconcile } from './reconcilePlan';
import { settlePresumption } from './settlePresumption';
import {
  gatherSweepKnowledge,
  knowledgeAt,
  readSweepStats,
  type SweepKnowledge,
  situationAt,
} from './sweepStats';
import { nextSweepChangeAt } from './sweepWake';

export interface SweepDeps extends ActionDeps {
  readonly setup: PolicySetup;
  readonly stats: UsageStats;
  /** The container's gap learner memo, kept across its invocations (the runtime's). */
  readonly learnerMemo: ContainerLearnerMemo;
  readonly telemetry: Telemetry;
  readonly reactors: readonly FactReactor[];
  /** What the reactors failed on in this container's earlier sweeps, told again (absent: nothing is). */
  readonly owedFacts?: OwedFacts;
  /**
   * Sends again the notices of actions this container decided but could not send (its
   * notifier's; absent: none), told which pools are still Available.
   */
  readonly sendOwedNotices?: (available: ReadonlySet<string>, keepGoing: () => boolean) => Promise<void>;
  /** Told of every action that was recorded for the first time (notifications, the timeline). */
  readonly onAction?: (result: ActionResult, decision?: Decision) => Promise<void>;
  readonly pageSize: number;
  readonly concurrency: number;
  /** The reconcile period: SageMaker's pools are listed once per period, not every minute. */
  readonly reconcileEveryMs: number;
  /** How often the sweep is scheduled: a sweep that changed nothing tells when the next one could. */
  readonly scheduleEveryMs: number;
  /** How far ahead it looks for that at most: when its cached statistics are read again. */
  readonly lookAheadMs: number;
  /**
   * When the usage statistics its container holds first go stale (CachedUsageStats.freshUntilMs):
   * until then they answer as now, so the look-ahead may stop there. Absent: `lookAheadMs` past now.
   */
  readonly statsFreshUntilMs?: () => number;
  /** Absent: no listing; each pool is described once per reconcile period instead (tests, old wiring). */
  readonly reconciler?: ReconcileDeps;
  /**
   * Describe running jobs whose pools are expensive idle around their expected end, so that the
   * end is seen within a sweep or so whether or not its event comes (endWatch.ts). Absent, or
   * without a reconciler to adopt what it finds: no watch.
   */
  readonly endWatch?: EndWatchSettings;
  /** Reconcile in this sweep whatever the schedule says (an operator after replaying dead letters). */
  readonly forceReconcile?: boolean;
  /** Wall-clock milliseconds left in this invocation; work not started in time waits for the next run. */
  readonly remainingMs: () => number;
  /** Start no new pool when less than this is left: one pool's work, its owner notice included. */
  readonly safetyMarginMs: number;
}

export interface SweepReport {
  readonly availablePools: number;
  readonly reached: number;
  /** Pools and jobs described to see what became of them. */
  readonly reconciled: number;
  readonly actions: Readonly<Record<string, number>>;
  readonly failures: number;
  /** Whether this sweep listed SageMaker's jobs (once per reconcile period). */
  readonly listed: boolean;
  /** Whether it listed what changed between reconciles, because the end events run late (listingPace.ts). */
  readonly listedSooner: boolean;
  /**
   * When a sweep must next run whatever the pools, to list before the reconcile due: while the end
   * events run late, the listing of what changed (listingPace.ts); while the period is stretched
   * past the longest, the look at the running jobs that may bring the reconcile sooner
   * (stretchGuard.ts). Absent: neither.
   */
  readonly nextListAtMs?: number;
  /** After a reconcile, when the next one is due (reconcilePeriod.ts); absent when this sweep did not reconcile. */
  readonly nextReconcileAtMs?: number;
  /** Whether that listing was a full one (every Available pool of the window), or a part of one. */
  readonly fullList: boolean;
  /** Present when the full listing stopped for time: the next reconcile goes on from where it stopped. */
  readonly fullListUnfinished?: true;
  readonly listCalls: number;
  /** Jobs recorded from SageMaker's answers because their events never arrived. */
  readonly adopted: number;
  /** Actions found without an outcome (their invocation died) and finished from SageMaker's answer. */
  readonly finished: number;
  /**
   * Pools the reconcile looked at and found no longer Available before their predicted end:
   * reused or stopped with no event to tell (reconcilePeriod.ts).
   */
  readonly closedEarly: number;
  /** Work left for the next sweep because the deadline came. */
  readonly deferred: number;
  /** Running jobs described by the end watch (their ends recorded are among `adopted`). */
  readonly watched: number;
  /** Running jobs the end watch will describe at a later sweep: `nextChangeAtMs` counts them too. */
  readonly watching: number;
  /**
   * Of `availablePools`, those presumed taken (reusePresumption.ts) that call for no sweep of
   * their own: left alone until the next reconcile's listing, or settled by this sweep's and no
   * longer Available. Not those it found still Available and gave back to the policy.
   */
  readonly presumed: number;
  /**
   * The first scheduled instant at which a sweep could act: describe a pool, or decide otherwise
   * for one. Barring an event (or a click) or a reconcile meanwhile, the sweeps before it do nothing.
   */
  readonly nextChangeAtMs: number;
  /**
   * When what it read of the usage statistics may first answer otherwise (its container's cache
   * reads them again): a sweep then may decide otherwise, though no event came. Absent: unknown
   * (a failed account's sweep), the look-ahead's longest after it.
   */
  readonly statsFreshUntilMs?: number;
}

/** What a sweep (or its watch) did, counted as it goes. */
export interface Tally {
  reached: number;
  reconciled: number;
  failures: number;
  adopted: number;
  finished: number;
  closedEarly: number;
  deferred: number;
  watched: number;
  readonly actions: Record<string, number>;
}

/** A tally before any work. */
export const emptyTally = (): Tally => ({
  reached: 0,
  reconciled: 0,
  failures: 0,
  adopted: 0,
  finished: 0,
  closedEarly: 0,
  deferred: 0,
  watched: 0,
  actions: {},
});

/**
 * Whether a sweep left everything as it found it but the pools' last looks; then the pools as
 * it left them, and the decisions recorded once that it made again, tell when the next one could act.
 */
interface Quiet {
  quiet: boolean;
  readonly after: Map<string, JobRecord>;
  readonly repeated: Set<string>;
}

/**
 * The scheduled sweep, level-triggered: SageMaker is the truth, events are hints. Every run
 * reads the pools the ledger holds Available; once per reconcile period it also lists what
 * SageMaker holds and converges: adopts pools the ledger never heard of, describes the pools
 * and running jobs SageMaker no longer lists as Available (reused, ended, stopped by someone
 * else). Every pool still Available gets a policy decision, acted on and recorded. Work is
 * done and its facts told pool by pool, so a sweep cut short by its deadline keeps what it learnt.
 */
export const sweep = async (swept: SweepDeps): Promise<SweepReport> => {
  const deps = toldFirst(swept);
  const pools = await readAllPages((cursor) => deps.ledger.availablePools(deps.pageSize, cursor));
  await tellOwed(deps, pools);
  const nowMs = deps.clock.now();
  const tally = emptyTally();
  const { reconciler, endWatch } = deps;
  /**
   * When the last reconcile claimed, by this sweep or another, started: a pool marked before it
   * that is still marked was not settled by its listing (the listing failed, or did not reach it).
   */
  let reconcileStartedMs: number | undefined;
  const plan =
    reconciler && deps.remainingMs() >= deps.safetyMarginMs
      ? await planned(deps, tally, 'reconcile', () =>
          planReconcile(deps, reconciler, pools, nowMs, (claim) => {
            reconcileStartedMs = claim.claimed
              ? (reconciler.claimedAtMs ?? nowMs)
              : claim.inForce?.startedAtMs;
          }),
        )
      : undefined;
  if (plan?.fullListInterrupted) {
    // Kept what its pages held. With a place to resume from (a page read, or a listing under way
    // before), the next reconcile goes on from there; a first page that failed leaves none.
    tally.failures++;
    deps.telemetry.error(
      plan.fullListResume
        ? 'the full listing stopped early; the next reconcile goes on from where it stopped'
        : 'the full listing failed at its first page; the next reconcile lists in full',
      { error: plan.fullListInterrupted },
    );
  }
  const watch =
    endWatch && reconciler && deps.remainingMs() >= deps.safetyMarginMs
      ? await planned(deps, tally, 'end watch', () =>
          planEndWatch(
            {
              ledger: deps.ledger,
              stats: deps.stats,
              prices: deps.setup.prices,
              settings: endWatch,
              pageSize: deps.pageSize,
              sweepEveryMs: deps.scheduleEveryMs,
            },
            nowMs,
          ),
        )
      : undefined;
  // A pool presumed taken (reusePresumption.ts) is no rival of the others and no idle spend of its
  // team: a job holds it, unless its listing says otherwise, and then it is decided for on its own.
  const managed = pools.filter((pool) => !isPresumedTaken(pool));
  const readings = await planned(deps, tally, 'usage statistics', () =>
    readSweepStats(deps.stats, deps.setup.policy, managed, nowMs),
  );
  const knowledge = readings && knowledgeAt(readings, managed, nowMs, deps.setup.prices);
  const presumedLeft = new Set<string>();
  /** Pools presumed taken that the listing showed still Available: managed by the policy again. */
  const released = new Set<string>();
  const memo = deps.learnerMemo.at(nowMs);
  // A pool presumed taken that the listing shows gone is looked at as any: whether that changes
  // anything is for handlePresumed to tell (a confirmation with nothing new does not).
  const marked = new Set(
    pools.length === managed.length ? [] : pools.filter(isPresumedTaken).map((p) => p.name),
  );
  const calm: Quiet = {
    quiet:
      tally.failures === 0 &&
      (!plan ||
        (plan.adopt.length === 0 &&
          plan.unsure.length === 0 &&
          [...plan.describe].every((name) => marked.has(name)))),
    after: new Map(),
    repeated: new Set(),
  };

  const unit = (name: string, work: () => Promise<LedgerFact[]>) => runUnit(deps, tally, calm, name, work);

  // Without its statistics no pool is decided for (unknown is never a reason to act), but each is
  // still looked at where it must be: a click left pending is finished, an ended pool recorded.
  await mapBounded(pools, deps.concurrency, (pool) =>
    unit(pool.name, async () => {
      if (!isPresumedTaken(pool)) return handlePool(deps, pool, knowledge, nowMs, plan, tally, calm);
      return handlePresumed(deps, pool, managed, nowMs, plan, reconcileStartedMs, tally, calm, {
        left: presumedLeft,
        released,
      });
    }),
  );
  const adopt = async (name: string, known: AlreadyKnown = {}) => {
    if (!reconciler) return [];
    const read = plan?.read.get(name);
    return adoptAndDecide(deps, reconciler, name, read ? { ...known, read } : known, pools, nowMs, tally);
  };
  /** A job the ledger believes running, described: recorded as ended when SageMaker says it has. */
  const adoptIfEnded = async (record: JobRecord) => {
    const description = await deps.trainingJobs.describe(record.name);
    return description && isTerminal(description.status)
      ? adopt(record.name, { described: description, read: record })
      : [];
  };
  // The jobs the plan named whose adoption or describe failed or had no time: the reconcile
  // records its listing done only up to them, so the next lists them again (settleReconcile).
  const undone: string[] = [];
  if (plan && deps.reconciler) {
    await mapBounded(plan.adopt, deps.concurrency, async (name) => {
      if (!(await unit(name, () => adopt(name)))) undone.push(name);
    });
    await mapBounded(plan.unsure, deps.concurrency, async (record) => {
      const done = await unit(record.name, async () => {
        tally.reconciled++;
        return adoptIfEnded(record);
      });
      if (!done) undone.push(record.name);
    });
  }
  // The watch's describes are not pools: whether every pool was reached is counted before them.
  const poolsReached = tally.reached;
  if (watch && deps.reconciler) {
    // What a catch-up listing finds goes the reconciler's way: an ended job is adopted as its event would have been.
    const unsure = new Set([...(plan?.unsure ?? []).map((r) => r.name), ...(plan?.adopt ?? [])]);
    const watched = watch.describe.filter((record) => !unsure.has(record.name));
    await mapBounded(watched, deps.concurrency, (record) =>
      unit(record.name, async () => {
        tally.watched++;
        const facts = await adoptIfEnded(record);
        if (facts.length > 0) calm.quiet = false;
        return facts;
      }),
    );
  }

  const nextReconcileAtMs =
    plan && deps.reconciler
      ? await settled(
          deps,
          deps.reconciler,
          plan,
          pools,
          tally,
          undone,
          pools.filter((pool) => presumedLeft.has(pool.name)),
        )
      : undefined;

  deps.telemetry.count('SweepPools', pools.length);
  deps.telemetry.count('SweepFailures', tally.failures);
  if (tally.adopted > 0) deps.telemetry.count('PoolsAdopted', tally.adopted);
  if (tally.deferred > 0) deps.telemetry.count('SweepDeferred', tally.deferred);
  if (tally.watched > 0) deps.telemetry.count('EndWatchDescribes', tally.watched);
  const statsFreshUntilMs = Math.min(
    nowMs + deps.lookAheadMs,
    deps.statsFreshUntilMs?.() ?? Number.POSITIVE_INFINITY,
  );
  const nextPoolChangeAtMs =
    calm.quiet && readings && poolsReached === pools.length
      ? nextSweepChangeAt({
          pools: pools.flatMap((p) => calm.after.get(p.name) ?? []),
          readings,
          memo,
          alreadyDone: (head, decision) => {
            if (decision.action === 'leave') return true;
            const key = repeatableKey(policyRequest(head, decision, decision.action));
            return key !== undefined && calm.repeated.has(`${head.name}\n${key}`);
          },
          setup: deps.setup,
          nowMs,
          looks: lookRules(deps),
          everyMs: deps.scheduleEveryMs,
          lookAheadMs: statsFreshUntilMs - nowMs,
        })
      : nowMs + deps.scheduleEveryMs;
  const nextChangeAtMs = Math.min(nextPoolChangeAtMs, watch?.nextAtMs ?? Number.POSITIVE_INFINITY);
  const nextListAtMs = earliest(
    deps.reconciler?.pace?.nextListingAtMs(),
    deps.reconciler?.stretch?.guard.nextCheckAtMs(),
  );
  const { actions, ...counts } = tally;
  return {
    availablePools: pools.length,
    ...counts,
    actions,
    listed: plan !== undefined && !plan.sooner,
    listedSooner: plan?.sooner ?? false,
    ...(nextListAtMs !== undefined ? { nextListAtMs } : {}),
    ...(nextReconcileAtMs !== undefined ? { nextReconcileAtMs } : {}),
    fullList: plan?.full ?? false,
    ...(plan?.fullListResume ? { fullListUnfinished: true as const } : {}),
    listCalls: plan?.listCalls ?? 0,
    watching: watch?.watching ?? 0,
    presumed: marked.size - released.size,
    nextChangeAtMs,
    statsFreshUntilMs,
  };
};

/**
 * One phase of a sweep's planning (the reconcile's listings, the end watch's reads, the pools'
 * statistics): its failure (a throttle past the SDK's retries, a claim's write) is counted and
 * logged, and the sweep goes on without it: the pools still get their policy, the other
 * accounts their sweep. A reconcile that failed after its claim is found abandoned by the next.
 */
const planned = async <T>(
  deps: SweepDeps,
  tally: Tally,
  phase: string,
  plan: () => Promise<T>,
): Promise<T | undefined> => {
  try {
    return await plan();
  } catch (error) {
    tally.failures++;
    deps.telemetry.error('a sweep phase failed; the sweep goes on without it', {
      phase,
      error: errorMessage(error),
    });
    return undefined;
  }
};

/**
 * A reconcile done: its findings set when the next is due. A failure to record them leaves the
 * next due a base period after this one's claim, which is never later than they would have set.
 */
const settled = async (
  deps: SweepDeps,
  reconciler: ReconcileDeps,
  plan: ReconcilePlan,
  pools: readonly JobRecord[],
  tally: Tally,
  undone: readonly string[],
  presumed: readonly JobRecord[],
): Promise<number | undefined> => {
  try {
    return await settleReconcile(deps, reconciler, deps.setup.prices, plan, pools, {
      incomplete: tally.failures + tally.deferred,
      undone,
      finished: tally.finished,
      closedEarly: tally.closedEarly,
      presumed,
    });
  } catch (error) {
    deps.telemetry.error('the sweep could not record its reconcile; the next is due a base period after it', {
      error: errorMessage(error),
    });
    return undefined;
  }
};

/**
 * One pool's (or job's) work within the time budget: not started when too little time is left,
 * its failure counted and logged without stopping the others, its facts told at once. Whether
 * the work was done (neither left nor failed).
 */
const runUnit = async (
  deps: SweepDeps,
  tally: Tally,
  calm: Quiet,
  name: string,
  work: () => Promise<LedgerFact[]>,
): Promise<boolean> => {
  if (deps.remainingMs() < deps.safetyMarginMs) {
    tally.deferred++;
    calm.quiet = false;
    return false;
  }
  tally.reached++;
  let facts: LedgerFact[] = [];
  let done = true;
  try {
    facts = await work();
  } catch (error) {
    done = false;
    // One pool's trouble (throttling past the SDK's retries, say) never stops the others.
    tally.failures++;
    calm.quiet = false;
    deps.telemetry.error('sweep could not handle a pool; the next sweep tries again', {
      job: name,
      error: errorMessage(error),
    });
  }
  await react(deps, facts);
  return done;
};

/** Records a job SageMaker knows more of than the ledger, as its events would have, and decides for its pool. */
const adoptAndDecide = async (
  deps: SweepDeps,
  reconciler: ReconcileDeps,
  name: string,
  known: AlreadyKnown,
  rivals: readonly JobRecord[],
  nowMs: number,
  tally: Tally,
): Promise<LedgerFact[]> => {
  const facts = await adoptJob({ ...deps, ...reconciler }, name, known);
  tally.adopted++;
  return [...facts, ...(await decideAdopted(deps, facts, rivals, nowMs, tally))];
};

/**
 * The jobs a listing between sweeps named (catch-up listings, catchUpListings.ts), adopted as the sweep adopts
 * the reconcile's, the sweep's concurrency at a time within its time budget; `read` holds the
 * records already read.
 * Returns the adopted pools as the ledger now holds them, for the next listing to know.
 */
export const adoptListed = async (
  swept: SweepDeps,
  reconciler: ReconcileDeps,
  names: readonly string[],
  read: ReadonlyMap<string, JobRecord>,
  rivals: readonly JobRecord[],
  nowMs: number,
  tally: Tally,
): Promise<JobRecord[]> => {
  const deps = toldFirst(swept);
  const calm: Quiet = { quiet: false, after: new Map(), repeated: new Set() };
  const available: JobRecord[] = [];
  await mapBounded(names, deps.concurrency, (name) =>
    runUnit(deps, tally, calm, name, async () => {
      const record = read.get(name);
      const facts = await adoptAndDecide(
        deps,
        reconciler,
        name,
        record ? { read: record } : {},
        rivals,
        nowMs,
        tally,
      );
      for (const fact of facts) if (fact.kind === 'pool-available') available.push(fact.job);
      return facts;
    }),
  );
  return available;
};

/**
 * The sweep's deps with a pool's entering and leaving the Available index told before the write
 * that does it. Leaving: a reactor that fails leaves the pool there, and the next look at it tells
 * it again. Entering (an adoption): no later look would tell it, so it is told first, whatever
 * dies after the write; a reactor that fails on it is owed it, as after the write.
 */
const toldFirst = (swept: SweepDeps): SweepDeps => ({
  ...swept,
  beforeLeaving: async (facts) => {
    await reactOrThrow(swept, facts);
    // Counted once its reactors took it: one that failed is told again by the next look.
    countFacts(swept.telemetry, facts);
  },
  beforeArriving: async (facts) => {
    countFacts(swept.telemetry, facts);
    await react(swept, facts);
  },
});

const reactOrThrow = async (deps: SweepDeps, facts: readonly LedgerFact[]): Promise<void> => {
  const failed = await runReactors(deps.reactors, facts, (reactor, error) => {
    deps.telemetry.error('a reactor failed during the sweep; the pool stays Available until it succeeds', {
      reactor,
      error: errorMessage(error),
    });
    deps.telemetry.count('ReactorFailures');
  });
  const first = facts[0];
  const job =
    first?.kind === 'pool-reused' || first?.kind === 'reuse-withdrawn'
      ? first.fromJob.name
      : (first?.job.name ?? '');
  if (failed.length > 0) throw new ReactorsFailedError(job, failed);
};

const react = async (deps: SweepDeps, facts: readonly LedgerFact[]): Promise<void> => {
  if (facts.length === 0) return;
  const failed = await runReactors(deps.reactors, facts, (reactor, error) => {
    deps.telemetry.error('a reactor failed during the sweep', { reactor, error: errorMessage(error) });
    deps.telemetry.count('ReactorFailures');
  });
  if (failed.length > 0) deps.owedFacts?.keep(failed, facts, deps.clock.now());
};

/** Tells the reactors again what they failed on in earlier sweeps of this container (owedFacts.ts). */
const tellOwed = async (deps: SweepDeps, pools: readonly JobRecord[]): Promise<void> => {
  const nowMs = deps.clock.now();
  const available = new Set(pools.filter((pool) => isStillOffered(pool, nowMs)).map((pool) => pool.name));
  // What is owed never takes the time the pools need: it waits for a later sweep.
  const keepGoing = () => deps.remainingMs() >= 2 * deps.safetyMarginMs;
  const owed = deps.owedFacts;
  // A pool this sweep reads that is no longer offered: its "available" would be untrue, but the
  // job's end it also told is still owed (a "job ended", whose claim the log refuses if the
  // "available" went out after all). Told from the pool as read now, first: the end came first.
  if (owed && owed.size > 0) {
    const read = new Map(pools.map((pool) => [pool.name, pool]));
    const lapsed = owed.lapsed(new Set([...read.keys()].filter((name) => !available.has(name))));
    for (const [name, facts] of lapsed) {
      const ends = facts.map((f): LedgerFact => ({ kind: 'job-ended', job: read.get(f.job.name) ?? f.job }));
      if (await tellAgain(deps, name, ends, keepGoing)) owed.told(name, facts);
    }
  }
  await deps.sendOwedNotices?.(available, keepGoing).catch((error: unknown) => {
    deps.telemetry.error('could not send the notices owed', { error: errorMessage(error) });
  });
  if (!owed || owed.size === 0) return;
  for (const [name, facts] of owed.due(available, nowMs)) {
    if (await tellAgain(deps, name, facts, keepGoing)) owed.told(name, facts);
  }
};

/** Tells one reactor again what it is owed; whether it took it. */
const tellAgain = async (
  deps: SweepDeps,
  name: string,
  facts: readonly LedgerFact[],
  keepGoing: () => boolean,
): Promise<boolean> => {
  const reactor = deps.reactors.find((r) => r.name === name);
  if (!reactor || !keepGoing()) return false;
  try {
    await reactor.react(facts);
    return true;
  } catch (error) {
    deps.telemetry.error('a reactor failed again on what it was owed', {
      reactor: name,
      error: errorMessage(error),
    });
    deps.telemetry.count('ReactorFailures');
    return false;
  }
};

const countAction = (tally: Tally, result: ActionResult, action: string): void => {
  // Unknown is a failure to the dashboard each time it stays unknown: nothing says the action happened.
  if (result.decision.outcome === 'unknown') tally.failures++;
  if (!result.firstTime) return;
  const key = `${action}:${result.decision.outcome}`;
  tally.actions[key] = (tally.actions[key] ?? 0) + 1;
  if (result.decision.outcome === 'failed') tally.failures++;
};

/** How this sweep's deps say pools are looked at unasked (poolLookDue.ts). */
const lookRules = (deps: SweepDeps): PoolLookRules => ({
  listed: deps.reconciler !== undefined,
  reconcileEveryMs: deps.reconcileEveryMs,
  ...(deps.forceReconcile !== undefined ? { forceReconcile: deps.forceReconcile } : {}),
});

/** Whether a pool must be described in this sweep rather than trusted as the ledger holds it. */
const mustLook = (deps: SweepDeps, pool: JobRecord, nowMs: number, plan: ReconcilePlan | undefined) =>
  nowMs >= poolLookDueAtMs(pool, lookRules(deps)) || plan?.describe.has(pool.name) === true;

const handlePool = async (
  deps: SweepDeps,
  pool: JobRecord,
  /** Absent: the usage statistics could not be read, and no decision is made. */
  knowledge: SweepKnowledge | undefined,
  nowMs: number,
  plan: ReconcilePlan | undefined,
  tally: Tally,
  calm: Quiet,
): Promise<LedgerFact[]> => {
  const facts: LedgerFact[] = [];
  let head = pool;
  const looked = mustLook(deps, pool, nowMs, plan);
  if (looked) {
    tally.reconciled++;
    const intent = pool.pendingAction;
    // An intent's outcome is read from SageMaker's keep-alive, which a listing's line does not carry.
    const listed = intent ? undefined : plan?.ended.get(pool.name);
    // A stop this container saw SageMaker accept tells the end as a describe would (acceptedStop.ts).
    const stopped = deps.acceptedStops?.endOf(pool);
    let description = listed ?? stopped ?? (await deps.trainingJobs.describe(pool.name));
    // A pool SageMaker no longer holds Available leaves the index with this look, and no later read
    // would lead back to its intent: finished now, within its lease too (a live invocation that
    // records it after this finds it recorded, and tells nobody).
    const leaving = description !== undefined && description.warmPool?.status !== 'Available';
    if (intent && (isFinishable(intent, nowMs) || leaving)) {
      const finished = await finishPendingAction(deps, pool, description, {
        killSwitch: deps.setup.killSwitch,
      });
      if (finished) {
        calm.quiet = false;
        tally.finished++;
        countAction(tally, finished, finished.decision.action);
        if (finished.firstTime) await deps.onAction?.(finished);
        if (finished.decision.outcome === 'unknown') return facts;
        head = finished.record;
        // Perhaps carried out just now: the answer read before it is out of date.
        if (!shownCarriedOut(intent, pool, description?.keepAliveSeconds))
          description = await deps.trainingJobs.describe(pool.name);
      }
    }
    if (!description) {
      calm.quiet = false;
      const missing = deps.reconciler?.missingPools;
      const first = await poolNotFound(
        { ...deps, apartMs: deps.scheduleEveryMs, ...(missing ? { missing } : {}) },
        head,
      );
      if (plan?.claim && first) tally.closedEarly++;
      return facts;
    }
    const seen = await observeDescription(deps, head, description);
    facts.push(...seen);
    if (seen.length > 0 || description.warmPool?.status !== 'Available') calm.quiet = false;
    if (description.warmPool?.status !== 'Available') {
      // Ending at or after its predicted end (a stop's is the stop) is what the ledger expected;
      // so is a reuse by a job created just now, whose start event is most likely on its way.
      const taker = description.warmPool?.reusedByJob;
      const toldSoon = taker !== undefined && plan?.justCreated.has(taker) === true;
      const predicted = pool.pool && predictedEndMs(pool.pool, deps.limits);
      if (plan?.claim && !toldSoon && nowMs < (predicted ?? Number.POSITIVE_INFINITY)) tally.closedEarly++;
      return facts;
    }
    if (nowMs >= ((pool.pool && predictedEndMs(pool.pool, deps.limits)) ?? nowMs)) {
      // The keep-alive rules predicted an end that has not come: the assumption in keepAlive.ts is off.
      deps.telemetry.count('PoolsOutlivingPrediction');
    }
    head = (await deps.ledger.getJob(pool.name)) ?? head;
  }
  // Released (at this very instant, or SageMaker was asked since and said Available): decided for
  // again only on SageMaker's word in this sweep, a describe or a reconcile's listing.
  if (isStopping(head) && !looked && (!plan || plan.sooner)) {
    // Left alone now, but the first sweep after its stop looks: the next sweep's wake counts it.
    calm.after.set(head.name, head);
    return facts;
  }
  if (!knowledge) return facts;
  const acted = await decideAndAct(deps, head, knowledge, nowMs);
  calm.after.set(head.name, acted?.result.record ?? head);
  if (acted) {
    const repeatKey = repeatableKey(acted.request);
    if (repeatKey !== undefined && acted.result.facts.length === 0)
      calm.repeated.add(`${head.name}\n${repeatKey}`);
    else calm.quiet = false;
    facts.push(...acted.result.facts);
    countAction(tally, acted.result, acted.decision.action);
  }
  return facts;
};

/**
 * A pool presumed taken by a job (reusePresumption.ts): no policy decision, no expiry look or
 * warning until SageMaker's word on it comes, from a reconcile's listing, or from a describe once
 * the mark is overdue: a reconcile period old, and with no listing to settle it (none at all, or
 * a reconcile since the mark whose listing failed or did not reach the pool: throttled past the
 * SDK's retries, a member account's role without ListTrainingJobs). Confirmed, it is recorded
 * Reused; wrong, it is recorded as SageMaker shows it, and one still Available is decided for at
 * once, as an adopted pool is (decideAdopted), from what the statistics say of it. Left marked:
 * named in `left`.
 */
const handlePresumed = async (
  deps: SweepDeps,
  pool: JobRecord,
  managed: readonly JobRecord[],
  nowMs: number,
  plan: ReconcilePlan | undefined,
  /** When the last reconcile claimed started, as this sweep's claim learnt it; undefined: unknown. */
  reconcileStartedMs: number | undefined,
  tally: Tally,
  calm: Quiet,
  /** Where the pool is named when left marked, or when given back to the policy. */
  outcomes: { readonly left: Set<string>; readonly released: Set<string> },
): Promise<LedgerFact[]> => {
  const listing = plan && {
    gone: plan.describe.has(pool.name),
    available: plan.listedAvailable.has(pool.name),
    ...optional('ended', plan.ended.get(pool.name)),
  };
  const markedAtMs = pool.pool?.presumedAtMs ?? nowMs;
  const unlisted = !deps.reconciler || (reconcileStartedMs !== undefined && reconcileStartedMs > markedAtMs);
  const overdue =
    unlisted && nowMs - markedAtMs >= deps.reconcileEveryMs && !listing?.gone && !listing?.available;
  if (overdue) deps.telemetry.count('ReusePresumptionsOverdue');
  const outcome = await settlePresumption(deps, pool, listing, overdue);
  if (outcome.kind === 'left') {
    outcomes.left.add(pool.name);
    return [];
  }
  tally.reconciled++;
  // A presumption confirmed with nothing new to tell changes no other pool's decision: the pool
  // was no rival of theirs (`managed`) while marked.
  if (outcome.kind !== 'settled' || outcome.wrong || outcome.facts.length > 0) calm.quiet = false;
  if (outcome.kind === 'settled') {
    // A wrong presumption is what the events did not tell: a surprise, as any pool closed early.
    if (outcome.wrong && plan?.claim) tally.closedEarly++;
    return outcome.facts;
  }
  outcomes.released.add(pool.name);
  // Not closed, but what the events told was misleading: a surprise all the same, so the period
  // does not stretch while presumptions go wrong.
  if (plan?.claim) tally.closedEarly++;
  const knowledge = await gatherSweepKnowledge(deps.stats, [outcome.head], nowMs, deps.setup, managed);
  const acted = await decideAndAct(deps, outcome.head, knowledge, nowMs);
  if (!acted) return outcome.facts;
  countAction(tally, acted.result, acted.decision.action);
  return [...outcome.facts, ...acted.result.facts];
};

/**
 * An adopted pool gets its policy decision in the same sweep, as an event's pool would at once,
 * and from the same knowledge: what the sweep read at its start was read for the pools then
 * Available, which may not include this one's key, owner or team.
 */
const decideAdopted = async (
  deps: SweepDeps,
  facts: readonly LedgerFact[],
  rivals: readonly JobRecord[],
  nowMs: number,
  tally: Tally,
): Promise<LedgerFact[]> => {
  const out: LedgerFact[] = [];
  for (const fact of facts) {
    if (fact.kind !== 'pool-available') continue;
    const knowledge = await gatherSweepKnowledge(
      deps.stats,
      [fact.job],
      nowMs,
      deps.setup,
      rivals.filter((rival) => !isPresumedTaken(rival)),
    );
    const acted = await decideAndAct(deps, fact.job, knowledge, nowMs);
    if (!acted) continue;
    out.push(...acted.result.facts);
    countAction(tally, acted.result, acted.decision.action);
  }
  return out;
};

/** Decides for one Available pool and acts; undefined when the decision is to leave it. */
export const decideAndAct = async (
  deps: Pick<SweepDeps, 'setup' | 'onAction' | 'learnerMemo'> & ActionDeps,
  head: JobRecord,
  knowledge: SweepKnowledge,
  nowMs: number,
): Promise<{ decision: Decision; request: ActionRequest; result: ActionResult } | undefined> => {
  const situation = situationAt(head, knowledge, nowMs, deps.learnerMemo.at(nowMs));
  const { decision } = evaluatePool(deps.setup, situation);
  if (decision.action === 'leave') return undefined;
  const request = policyRequest(head, decision, decision.action);
  const result = await applyPoolAction(deps, request);
  if (result.firstTime) await deps.onAction?.(result, decision);
  return { decision, request, result };
};

/** What a policy decision asks of a pool. */
const policyRequest = (head: JobRecord, decision: Decision, action: PoolAction): ActionRequest => ({
  head,
  action,
  actor: `policy:${decision.rule}`,
  rule: decision.rule,
  cause: decision.cause,
  reason: decision.reason,
  dryRun: decision.dryRun,
  ...optional('keepAliveSeconds', decision.keepAliveSeconds),
  ...optional('untilMs', decision.endsAtMs),
});

/** The earlier of two instants, either perhaps absent. */
const earliest = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
  value === undefined ? {} : ({ [key]: value } as Record<K, V>);
