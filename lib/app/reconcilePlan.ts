import { namedErrorMessage } from '../domain/errorMessage';
import type { JobLocation } from '../domain/jobLocation';
import { poolIdleUsdPerHour } from '../domain/jobPrice';
import type { JobRecord } from '../domain/jobRecord';
import type { KeepAliveLimits } from '../domain/keepAlive';
import type { OwnerTagKeys } from '../domain/owner';
import type { PriceTable } from '../domain/prices';
import {
  couldStretchIdle,
  dearJobsBoundStretch,
  isSurprise,
  nextReconcilePeriodMs,
  type ReconcileFindings,
  type ReconcilePeriodSettings,
  stretchLimitMs,
  surpriseOnRecord,
} from '../domain/reconcilePeriod';
import { POOL_TRANSITIONS_MOVE_LAST_MODIFIED, recentPoolsWindowMs } from '../domain/reconcileWindow';
import { isPresumedTaken } from '../domain/reusePresumption';
import { isTerminal } from '../domain/trainingJob';
import { mayUseWarmPools } from '../domain/warmPool';
import type { Ledger } from '../ports/ledger';
import type { FullListResume, ReconcileClaim, ReconcileSchedule } from '../ports/reconcileSchedule';
import type { TrainingJobDescription } from '../ports/trainingJobs';
import type { JobListing, WarmPoolCatalog } from '../ports/warmPoolCatalog';
import { listedEnd } from './listedEnd';
import {
  CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS,
  type EndTimeliness,
  LATE_END_GRACE_MS,
  type ListingPace,
  learntLate,
  type RecordedEnd,
  SOONER_LISTING_EVERY_MS,
} from './listingPace';
import type { MissingPools } from './missingPools';
import { readAllPages } from './readAllPages';
import type { RecordedEnds } from './recordedEnds';
import type { StretchGuard } from './stretchGuard';

/** What the sweep needs to list SageMaker's pools and adopt the ones the ledger never heard of. */
export interface ReconcileDeps {
  readonly catalog: WarmPoolCatalog;
  readonly schedule: ReconcileSchedule;
  readonly tagKeys: OwnerTagKeys;
  readonly describeConcurrency: number;
  /** How long ago a job holding an Available pool may last have changed (see reconcileWindow.ts). */
  readonly listWindowMs: number;
  /** How often a reconcile lists the Available pools of the whole window (28 days), not only of the recent hours. */
  readonly fullReconcileEveryMs: number;
  /**
   * The longest a run of quiet reconciles stretches the period to (reconcilePeriod.ts); absent:
   * the period stays the base (`reconcileEveryMs`).
   */
  readonly longestEveryMs?: number;
  /** The longest it stretches to while no running job's pool is dear idle (stretchLimitMs); absent: `longestEveryMs`. */
  readonly idleLongestEveryMs?: number;
  /**
   * The container's watch over a period stretched past the longest (stretchGuard.ts) and the
   * prices it reads the running jobs with; absent: the period stretches no further than the longest.
   */
  readonly stretch?: { readonly guard: StretchGuard; readonly prices: PriceTable };
  /** The deployment's own account and region, for naming adopted jobs of other accounts. */
  readonly home?: JobLocation;
  /** The container's memory of ended jobs read recorded; absent: each listing's are read again. */
  readonly recordedEnds?: RecordedEnds;
  /** The container's memory of pools SageMaker does not know (missingPools.ts); absent: never recorded ended. */
  readonly missingPools?: MissingPools;
  /** The container's memory of how late the end events run; absent: listed once per period only. */
  readonly pace?: ListingPace;
  /**
   * When this period's claim was written, if before the sweep read its clock (a member with no
   * pool is claimed before its role is checked: sweepAccounts.ts): the reconcile's start, which
   * its done must name, for the schedule records a reconcile done only for the start it claimed.
   */
  readonly claimedAtMs?: number;
}

/** The sweep's settings a reconcile reads. */
export interface ReconcileTiming {
  readonly ledger: Ledger;
  readonly limits: KeepAliveLimits;
  readonly pageSize: number;
  readonly reconcileEveryMs: number;
  readonly forceReconcile?: boolean;
  /** Wall-clock milliseconds left in the invocation; absent: a full listing pages to its end at once. */
  readonly remainingMs?: () => number;
  /** What the sweep keeps back from its deadline (SweepDeps.safetyMarginMs). */
  readonly safetyMarginMs?: number;
}

/** What one reconcile must look at, from SageMaker's listings against the ledger's indexes. */
export interface ReconcilePlan {
  /** Whether every Available pool of the window was listed (or a part of that listing, see `fullListResume`), not only what changed. */
  readonly full: boolean;
  /** The full listing stopped for time before the end of the window: where the next reconcile goes on. */
  readonly fullListResume?: FullListResume;
  /** When the full listing this plan finished or went on with started, if at an earlier reconcile. */
  readonly fullListStartedMs?: number;
  /** Why the full listing's part stopped early (a page failed after others were read; Listing.interrupted). */
  readonly fullListInterrupted?: string;
  /**
   * The jobs the full listing showed Available that the listing of what changed did not list, with
   * when each was created: one left unadopted is named by no later listing of what changed (its
   * change is older than they reach), so the full listing goes on from it (settleReconcile).
   */
  readonly fullListOnly?: ReadonlyMap<string, number>;
  /** Whether this is a listing between reconciles because the end events run late (listingPace.ts). */
  readonly sooner: boolean;
  /** The reconcile this plan is for (absent for a listing between reconciles): its findings set the next one's due time. */
  readonly claim?: {
    readonly startMs: number;
    readonly grantedMs?: number;
    /** The account's first reconcile: nothing on record vouches for its events yet. */
    readonly first: boolean;
    /**
     * The reconcile claimed before this one never recorded its listing done, or only in part
     * (it left lost ends unadopted: listedThrough), as reconcilePeriod.ts counts it.
     */
    readonly abandoned: boolean;
    readonly lastSurpriseAtMs?: number;
    /** The last listing done, whose changes on this plan listed; absent: none in reach (its running jobs are described). */
    readonly listedMs?: number;
    /** The earliest a listing mark this reconcile holds back may be (listedThrough). */
    readonly listedFloorMs: number;
  };
  /** Pools the ledger holds Available that SageMaker no longer shows Available: looked at. */
  readonly describe: ReadonlySet<string>;
  /** Of those, the ones whose end the listing tells in full (listedEnd.ts): observed from it, not described. */
  readonly ended: ReadonlyMap<string, TrainingJobDescription>;
  /** The jobs its listings showed holding an Available pool: a pool presumed taken among them was not (settlePresumption.ts). */
  readonly listedAvailable: ReadonlySet<string>;
  /** Jobs SageMaker knows more of than the ledger (an end event lost, late or dead-lettered). */
  readonly adopt: readonly string[];
  /**
   * Of those, how many ended more than LATE_END_GRACE_MS before the listing (or at a time it does
   * not tell): what the events missed. A younger end is most likely one its event is about to
   * tell; adopting it is the sweep being early, not the events late.
   */
  readonly overdue: number;
  /**
   * The jobs its listings named that were created within LATE_END_GRACE_MS of the plan: a pool
   * found reused by one of them was most likely about to be told by its start event.
   */
  readonly justCreated: ReadonlySet<string>;
  /** When each job to adopt last changed, as its listing said (a reconcile that leaves it undone lists from there again). */
  readonly changedAtMs: ReadonlyMap<string, number>;
  /** Records the plan read from the ledger, by name: an adopted one need not be read again. */
  readonly read: ReadonlyMap<string, JobRecord>;
  /** Running in the ledger, with no listing to tell whether they ended: described. */
  readonly unsure: readonly JobRecord[];
  readonly listCalls: number;
}

/**
 * Once per reconcile period (whichever sweep claims it): one listing of the jobs modified in the
 * recent window (recentPoolsWindowMs) or since the previous reconcile, whichever reaches further
 * back; it costs a page or a few whatever the history. It shows every job that ended since the
 * previous reconcile and every pool Available that nobody extended: a pool the ledger holds
 * Available that it does not show Available is looked at (it ended, was reused, or is older than
 * the window), since a pool's own transitions are not assumed to move LastModifiedTime
 * (reconcileWindow.ts): from the listing's own line when that tells the end in full (its
 * WarmPoolStatus with the billable seconds), else by a describe. Once per full period, or when the chain of reconciles broke, every
 * Available pool of the 28-day window is listed too, whose cost follows the history
 * (ListTrainingJobs pages before it filters). Sets both against the ledger's Available pools
 * and, when no listing of what changed can tell which running jobs ended, its running jobs.
 */
export const planReconcile = async (
  deps: ReconcileTiming,
  reconciler: ReconcileDeps,
  pools: readonly JobRecord[],
  nowMs: number,
  /** Told the claim's answer, before any listing (which may fail): whose reconcile is in force. */
  onClaim?: (claim: ReconcileClaim) => void,
): Promise<ReconcilePlan | undefined> => {
  const every = deps.reconcileEveryMs;
  reconciler.pace?.noteAvailable(pools);
  const claim = await claimReconcile(deps, reconciler, nowMs, pools);
  onClaim?.(claim);
  if (!claim.claimed) return planSooner(deps, reconciler, pools, nowMs);
  const startMs = reconciler.claimedAtMs ?? nowMs;
  // What changed since the last listing done covers everything only if the reconciles came about
  // when due, and a claim since that died left no more than a period unlisted; a period of
  // overlap, as ever. The listing reaches back to the last listing done, never to a claim alone.
  const granted = Math.max(every, claim.grantedMs ?? every);
  // The longest period a reconcile may have granted: past the longest while no dear job ran.
  const reach = 2 * Math.max(granted, periodSettings(deps, reconciler).idleLongestMs ?? every);
  const listed = claim.lastListedMs;
  const changedSince =
    listed !== undefined &&
    claim.previousStartMs !== undefined &&
    claim.previousStartMs >= nowMs - 2 * granted &&
    listed >= nowMs - reach
      ? listed - every
      : undefined;
  // A full listing under way goes on (it stopped for time at an earlier reconcile).
  const resume = claim.fullListResume;
  const full =
    resume !== undefined ||
    deps.forceReconcile === true ||
    changedSince === undefined ||
    claim.lastFullListMs === undefined ||
    claim.lastFullListMs <= nowMs - reconciler.fullReconcileEveryMs;
  const claimed = {
    startMs,
    ...(claim.grantedMs !== undefined ? { grantedMs: claim.grantedMs } : {}),
    first: claim.previousStartMs === undefined,
    abandoned: claim.previousStartMs !== undefined && claim.previousStartMs !== listed,
    ...(claim.lastSurpriseAtMs !== undefined ? { lastSurpriseAtMs: claim.lastSurpriseAtMs } : {}),
    ...(changedSince !== undefined && listed !== undefined ? { listedMs: listed } : {}),
    // A listing mark held back no further than this keeps the next reconcile, a base period on,
    // within the reach (the reach is twice the idle longest, whatever was granted).
    listedFloorMs: nowMs - reach + 2 * every,
  };
  const draft = new PlanDraft(deps, reconciler, pools, nowMs);

  // The listing of what changed (a page or a few) before the full one, whose pages follow the
  // history: what the events missed lately is found whatever the full listing's fate.
  const recentSince = nowMs - recentPoolsWindowMs(deps.limits, every);
  const listing =
    changedSince === undefined
      ? undefined
      : await reconciler.catalog.changedJobs(
          POOL_TRANSITIONS_MOVE_LAST_MODIFIED ? changedSince : Math.min(changedSince, recentSince),
        );
  let fullList: Pick<
    ReconcilePlan,
    'full' | 'fullListResume' | 'fullListStartedMs' | 'fullListInterrupted' | 'fullListOnly'
  > = {
    full,
  };
  const part = full
    ? await reconciler.catalog
        .availablePools(nowMs - reconciler.listWindowMs, {
          ...(resume ? { createdFromMs: resume.fromMs } : {}),
          keepPaging: fullListingBudget(deps),
        })
        .catch((error: unknown) => {
          // Nothing listed at all: the reconcile fails whole, its claim left without done.
          if (!listing) throw error;
          return namedErrorMessage(error);
        })
    : undefined;
  if (typeof part === 'string') {
    // Its first page failed (throttled past the retries) after the listing of what changed was
    // read, whose findings stand. No part of the full listing is done and no pool counts as
    // covered: one under way goes on from where it was, one not begun is due again at the next.
    fullList = {
      full: resume !== undefined,
      ...(resume ? { fullListResume: resume, fullListStartedMs: resume.startedMs } : {}),
      fullListInterrupted: part,
    };
  } else if (part) {
    draft.counted(part);
    draft.setAvailable(part.jobs, {
      ...(resume ? { fromMs: resume.fromMs } : {}),
      ...(part.resumeFromMs !== undefined ? { untilMs: part.resumeFromMs } : {}),
    });
    const startedMs = resume?.startedMs ?? startMs;
    const changedListed = new Set(listing?.jobs.map((job) => job.name));
    fullList = {
      full,
      fullListOnly: new Map(
        part.jobs.flatMap((job) =>
          job.createdAtMs === undefined || changedListed.has(job.name)
            ? []
            : [[job.name, job.createdAtMs] as const],
        ),
      ),
      ...(part.resumeFromMs !== undefined
        ? { fullListResume: { fromMs: part.resumeFromMs, startedMs } }
        : {}),
      ...(resume ? { fullListStartedMs: resume.startedMs } : {}),
      ...(part.interrupted ? { fullListInterrupted: part.interrupted } : {}),
    };
  }
  if (!listing || changedSince === undefined) {
    // Nothing tells which running jobs ended since: each is described.
    const running = await readAllPages((cursor) => deps.ledger.runningJobs(deps.pageSize, cursor));
    return draft.plan(
      { ...fullList, sooner: false, claim: claimed },
      running.filter((r) => !draft.adopts(r.name)),
    );
  }

  draft.counted(listing);
  // The pools a full listing did not reach in this reconcile (before its part began, after it
  // stopped) are set against the recent window's, as between full listings.
  if ((!fullList.full || resume || fullList.fullListResume) && !POOL_TRANSITIONS_MOVE_LAST_MODIFIED)
    draft.setAvailable(listing.jobs.filter((j) => j.warmPoolStatus === 'Available'));
  const changed = listing.jobs.filter(
    (j) => j.lastModifiedMs === undefined || j.lastModifiedMs > changedSince,
  );
  const timeliness = await draft.setChanged({ listed: listing.jobs, changed });
  reconciler.pace?.noteListing(nowMs, timeliness);
  return draft.plan({ ...fullList, sooner: false, claim: claimed });
};

/**
 * How long the full listing may page: half of the invocation's time left after its first page,
 * less the safety margin. The other half is the pools' (their policy, the adoptions, the
 * reconcile's record); what it does not reach, the next reconcile lists on from where it stopped.
 * The clock is read only once there is a second page: a listing of a page costs no reading.
 */
const fullListingBudget = (deps: ReconcileTiming): (() => boolean) => {
  const { remainingMs } = deps;
  if (!remainingMs) return () => true;
  const marginMs = deps.safetyMarginMs ?? 0;
  let keepMs: number | undefined;
  return () => {
    const leftMs = remainingMs();
    keepMs ??= marginMs + (leftMs - marginMs) / 2;
    return leftMs > keepMs;
  };
};

/**
 * Claims this period's reconcile: when the previous reconcile's findings made it due, or a base
 * period after it while the end events run late (a longer period was granted on the events'
 * word, which no longer holds), or at once when forced.
 */
export const claimReconcile = async (
  deps: Pick<ReconcileTiming, 'reconcileEveryMs' | 'forceReconcile' | 'ledger' | 'pageSize'>,
  reconciler: ReconcileDeps,
  nowMs: number,
  /** The Available pools the sweep read: those presumed taken count as running dear jobs do. */
  pools: readonly JobRecord[] = [],
): Promise<ReconcileClaim> => {
  const guard = reconciler.stretch?.guard;
  const presumed = pools.filter(isPresumedTaken);
  await checkStretch(deps, reconciler, nowMs, presumed);
  const rule = deps.forceReconcile
    ? 'forced'
    : eventsLate(reconciler) || guard?.cutShort === true
      ? 'base'
      : 'granted';
  const claim = await reconciler.schedule.claim(nowMs, deps.reconcileEveryMs, rule);
  // A stretch this container did not grant, told by the item the claim was refused with, is
  // watched from now on: when the running jobs no longer allow it, the reconcile is claimed at once.
  const { inForce } = claim;
  if (!inForce || !guard?.learnt(inForce, periodSettings(deps, reconciler).longestMs) || rule !== 'granted')
    return claim;
  await checkStretch(deps, reconciler, nowMs, presumed);
  return guard.cutShort ? reconciler.schedule.claim(nowMs, deps.reconcileEveryMs, 'base') : claim;
};

/** The reconcile period's settings (reconcilePeriod.ts): no stretch past the longest without a guard over it. */
const periodSettings = (
  deps: Pick<ReconcileTiming, 'reconcileEveryMs'>,
  reconciler: ReconcileDeps,
): ReconcilePeriodSettings => {
  const longestMs = reconciler.longestEveryMs ?? deps.reconcileEveryMs;
  const idleLongestMs = reconciler.stretch ? (reconciler.idleLongestEveryMs ?? longestMs) : longestMs;
  return { baseMs: deps.reconcileEveryMs, longestMs, idleLongestMs: Math.max(longestMs, idleLongestMs) };
};

/** While the period is stretched past the longest, once per longest period: do the running jobs still allow it? */
const checkStretch = async (
  deps: Pick<ReconcileTiming, 'reconcileEveryMs' | 'ledger' | 'pageSize'>,
  reconciler: ReconcileDeps,
  nowMs: number,
  presumed: readonly JobRecord[],
): Promise<void> => {
  const stretch = reconciler.stretch;
  if (!stretch?.guard.checkDue(nowMs)) return;
  const dearest = await dearestRunningUsdPerHour(deps, stretch.prices, presumed).catch(() => undefined);
  stretch.guard.checked(
    nowMs,
    dearest === undefined ? undefined : stretchLimitMs(periodSettings(deps, reconciler), dearest),
  );
};

/**
 * What the dearest pool a job the ledger holds running may leave costs an hour idle (0: none;
 * unknown prices count as dear). SageMaker's events do not carry the keep-alive, so a job whose
 * keep-alive the ledger does not know may leave a pool; only one known to ask for none, or on a
 * cluster that keeps none (spot, heterogeneous), does not.
 */
const dearestRunningUsdPerHour = async (
  deps: Pick<ReconcileTiming, 'ledger' | 'pageSize'>,
  prices: PriceTable,
  /** Pools presumed taken (reusePresumption.ts): each idles unmanaged until the next reconcile if wrongly so. */
  presumed: readonly JobRecord[] = [],
): Promise<number> => {
  const running = await readAllPages((cursor) => deps.ledger.runningJobs(deps.pageSize, cursor));
  const fromRunning = running.reduce((dearest, record) => {
    const job = record.job;
    if (!job || job.keepAliveSeconds === 0 || !mayUseWarmPools(job)) return dearest;
    return Math.max(dearest, poolIdleUsdPerHour(prices, job) ?? Number.POSITIVE_INFINITY);
  }, 0);
  return presumed.reduce((dearest, record) => {
    if (!isPresumedTaken(record)) return dearest;
    const job = record.job;
    return Math.max(dearest, (job && poolIdleUsdPerHour(prices, job)) ?? Number.POSITIVE_INFINITY);
  }, fromRunning);
};

/** Whether the end events run late (listingPace.ts), or a pool was recorded late since the last reconcile. */
const eventsLate = (reconciler: ReconcileDeps): boolean =>
  reconciler.pace?.soonerListing === true || reconciler.pace?.lateRecordSince === true;

/** What the sweep saw after a reconcile's listing, beyond the plan itself. */
export interface ReconcileAftermath {
  /** Pools and jobs whose work failed, or was left for lack of time. */
  readonly incomplete: number;
  /** Of those, the jobs to adopt (`adopt`) or describe (`unsure`) the plan named. */
  readonly undone: readonly string[];
  /** Actions found without an outcome and finished. */
  readonly finished: number;
  /** Pools the sweep looked at and found no longer Available before their predicted end. */
  readonly closedEarly: number;
  /**
   * Pools still presumed taken after the sweep (reusePresumption.ts; absent: none): were the
   * presumption wrong, each idles unmanaged until the next reconcile, as a running job's lost end.
   */
  readonly presumed?: readonly JobRecord[];
}

/**
 * Records a reconcile done: when the next is due, from what its listing found against the ledger
 * (`pools`, the Available pools it was set against) and what the sweep's work after it met
 * (reconcilePeriod.ts), and whether it listed in full. Returns that due time.
 */
export const settleReconcile = async (
  deps: Pick<ReconcileTiming, 'reconcileEveryMs' | 'ledger' | 'pageSize'>,
  reconciler: ReconcileDeps,
  prices: PriceTable,
  plan: ReconcilePlan,
  pools: readonly JobRecord[],
  after: ReconcileAftermath,
): Promise<number | undefined> => {
  const { claim } = plan;
  if (!claim) return undefined;
  const seen: Omit<ReconcileFindings, 'dearestRunningUsdPerHour'> = {
    abandoned: claim.abandoned,
    adopted: plan.overdue,
    closedEarly: after.closedEarly,
    unsure: plan.unsure.length,
    intents: after.finished + pools.filter((p) => p.pendingAction !== undefined).length,
    incomplete: after.incomplete,
    eventsLate: eventsLate(reconciler),
  };
  reconciler.pace?.reconciled();
  const settings = periodSettings(deps, reconciler);
  const quiet: ReconcileFindings = { ...seen, dearestRunningUsdPerHour: 0 };
  const surprise = surpriseOnRecord(quiet, claim.first);
  // The running jobs are read only when they could bound a stretch (a quiet reconcile in an
  // account whose events are not yet trusted), or let it pass the longest (no job running).
  const bounded =
    settings.longestMs > settings.baseMs &&
    !isSurprise(quiet) &&
    dearJobsBoundStretch(surprise ? claim.startMs : claim.lastSurpriseAtMs, claim.startMs);
  const idleMatters = !isSurprise(quiet) && couldStretchIdle(settings, claim.grantedMs);
  const dearest =
    bounded || idleMatters ? await dearestRunningUsdPerHour(deps, prices, after.presumed) : undefined;
  const findings: ReconcileFindings = {
    ...seen,
    dearestRunningUsdPerHour: bounded ? (dearest ?? 0) : 0,
    ...(idleMatters && dearest !== undefined ? { dearestRunningPastLongest: dearest } : {}),
  };
  const fullListResume = fullListLeft(plan, claim.startMs, after.undone);
  // A full listing under way keeps the base period: it goes on at the next reconcile, not a stretch later.
  const periodMs = fullListResume
    ? settings.baseMs
    : nextReconcilePeriodMs(settings, claim.grantedMs, findings);
  const nextDueAtMs = claim.startMs + periodMs;
  reconciler.stretch?.guard.granted(claim.startMs, periodMs, settings.longestMs);
  const listedThroughMs = listedThrough(plan, after.undone);
  await reconciler.schedule.done(claim.startMs, {
    ...(listedThroughMs !== undefined ? { listedThroughMs } : {}),
    fullList: plan.full && !fullListResume,
    ...(plan.fullListStartedMs !== undefined ? { fullListStartedMs: plan.fullListStartedMs } : {}),
    ...(fullListResume ? { fullListResume } : {}),
    nextDueAtMs,
    surprise,
  });
  return nextDueAtMs;
};

/**
 * Where the full listing goes on at the next reconcile: where its part stopped, or from the
 * earliest created of the jobs only it found that this reconcile left unadopted (failed, or out of
 * time), which no listing of what changed would name again before the next full listing.
 */
const fullListLeft = (
  plan: ReconcilePlan,
  startMs: number,
  undone: readonly string[],
): FullListResume | undefined => {
  const created = undone.flatMap((name) => {
    const createdAtMs = plan.fullListOnly?.get(name);
    return createdAtMs === undefined ? [] : [createdAtMs];
  });
  if (created.length === 0) return plan.fullListResume;
  return {
    fromMs: Math.min(...created, plan.fullListResume?.fromMs ?? Number.POSITIVE_INFINITY),
    startedMs: plan.fullListStartedMs ?? startMs,
  };
};

/**
 * Up to when a reconcile's listing of what changed counts as done (ReconcileOutcome.listedThroughMs):
 * its start, unless it left a job it named undone (an adoption that failed or had no time). A
 * lost end is named as changed only by a listing that reaches back to its change (an ended pool
 * is not listed Available), so the next reconcile lists from the earliest change among them. Never
 * from before where this reconcile's own listing began: the next reaches no further back than
 * this one did (pages are taken before they are filtered), and a job this one found only among
 * the Available pools is found there again while Available. Never before the floor that keeps
 * the next reconcile within the reach (`listedFloorMs`): a job that keeps failing is retried by
 * the listings until its change falls below it, not forever, and the chain of listings holds, so
 * no reconcile lists in full for it. Without a listing of what changed in reach (this one listed in
 * full and described the running jobs, some of which it had no time for), from the floor: the
 * chain is joined again, and a job left undescribed that ends later is listed as changed.
 */
const listedThrough = (plan: ReconcilePlan, undone: readonly string[]): number | undefined => {
  const claim = plan.claim;
  if (!claim || undone.length === 0) return undefined;
  const floorMs = claim.listedFloorMs;
  const listedMs = claim.listedMs;
  const earliest =
    listedMs === undefined
      ? floorMs
      : undone.reduce(
          (soonest, name) => Math.min(soonest, plan.changedAtMs.get(name) ?? listedMs),
          claim.startMs,
        );
  return Math.min(claim.startMs, Math.max(listedMs ?? floorMs, earliest, floorMs));
};

/**
 * Between reconciles, while the end events run late (listingPace.ts): one listing of the jobs
 * modified since the previous listing, less a period for safety, a page or so. It adopts the
 * ends the events have not told yet and looks at the pools it shows ended; it does not list the
 * Available pools, so a pool it does not name is trusted as the ledger holds it until the reconcile.
 */
const planSooner = async (
  deps: ReconcileTiming,
  reconciler: ReconcileDeps,
  pools: readonly JobRecord[],
  nowMs: number,
): Promise<ReconcilePlan | undefined> => {
  const pace = reconciler.pace;
  if (!pace?.listsSooner(nowMs)) return undefined;
  // Never further back than a reconcile period: a container that slept while others reconciled
  // would otherwise list hours of history (pages are taken before they are filtered).
  const since = Math.max(pace.listedAtMs ?? nowMs, nowMs - deps.reconcileEveryMs) - SOONER_LISTING_EVERY_MS;
  const listing = await reconciler.catalog.changedJobs(since);
  const draft = new PlanDraft(deps, reconciler, pools, nowMs);
  draft.counted(listing);
  pace.noteListing(nowMs, await draft.setChanged({ listed: listing.jobs, changed: listing.jobs }));
  return draft.plan({ full: false, sooner: true });
};

/**
 * Within a sweep's invocation, between its scheduled listings, while the end events run late
 * (catchUpListings.ts): one listing of the jobs modified since the last listing of what changed, less
 * a minute for safety, a page nearly always. Only what it says to adopt is acted on at once; a
 * pool it shows ended waits for the next sweep, whose own listing reaches back over this one.
 */
export const planCatchUp = async (
  deps: ReconcileTiming,
  reconciler: ReconcileDeps,
  pools: readonly JobRecord[],
  nowMs: number,
  /** Whether an end younger than CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS is adopted at once, from what the ledger holds of it. */
  adoptsYoung: (record: JobRecord | undefined) => boolean,
): Promise<{
  readonly adopt: readonly string[];
  readonly read: ReadonlyMap<string, JobRecord>;
  /** Pools listed Available that the ledger recorded Available while the sweep waited between catch-up listings (their late event came). */
  readonly recorded: readonly JobRecord[];
  readonly listCalls: number;
}> => {
  const pace = reconciler.pace;
  const since =
    Math.max(pace?.changesListedAtMs ?? nowMs, nowMs - deps.reconcileEveryMs) - SOONER_LISTING_EVERY_MS;
  const listing = await reconciler.catalog.changedJobs(since);
  // A pool listed Available that the sweep did not read may have been recorded by its event
  // since: read first, so that it counts as an end recorded in time, not one found unrecorded.
  const known = new Set(pools.map((p) => p.name));
  const unread = listing.jobs
    .filter((job) => job.warmPoolStatus === 'Available' && !known.has(job.name))
    .map((job) => job.name);
  const fetched = new Map(
    (unread.length > 0 ? await deps.ledger.getJobs(unread) : []).map((r) => [r.name, r]),
  );
  const isRecorded = (name: string) => fetched.get(name)?.pool?.status === 'Available';
  // A young end is left to its event (the next listing overlaps), unless its event came already
  // or its pool is worth adopting at once: see CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS.
  const settled = listing.jobs.filter(
    (job) =>
      job.endedAtMs === undefined ||
      job.endedAtMs <= nowMs - CATCH_UP_LEAVES_ENDS_TO_EVENTS_MS ||
      (job.warmPoolStatus === 'Available' &&
        !known.has(job.name) &&
        (isRecorded(job.name) || adoptsYoung(fetched.get(job.name)))),
  );
  const recorded = settled.flatMap((job) => {
    const record = fetched.get(job.name);
    return record && isRecorded(job.name) ? [record] : [];
  });
  const draft = new PlanDraft(deps, reconciler, [...pools, ...recorded], nowMs);
  draft.counted(listing);
  const timeliness = await draft.setChanged({ listed: settled, changed: settled });
  pace?.noteCatchUp(nowMs, timeliness);
  const plan = draft.plan({ full: false, sooner: true });
  const read = new Map(plan.read);
  for (const record of fetched.values()) read.set(record.name, record);
  return { adopt: plan.adopt, read, recorded, listCalls: plan.listCalls };
};

/**
 * Whether the ledger holds what became of an ended job's pool. `InUse` is what linking a reuse
 * writes on the job that took the pool; once that job has ended, the pool is Available, Reused or
 * Terminated, and an end handled only up to its snapshot write (the invocation died, its retries
 * were lost) leaves `InUse` behind: the pool is not recorded.
 */
const arrivedOnTime = (job: JobListing, record: JobRecord | undefined): boolean =>
  record?.endEventAtMs !== undefined &&
  job.endedAtMs !== undefined &&
  !learntLate(job.endedAtMs, record.endEventAtMs);

const poolRecorded = (record: JobRecord): boolean =>
  record.pool !== undefined && record.pool.status !== 'InUse';

/**
 * One plan as its listings fill it: each listing is set against the ledger's Available pools
 * (`pools`), and what it shows to look at or to adopt accumulates here, in the order found.
 */
class PlanDraft {
  private readonly known: ReadonlySet<string>;
  private readonly describe = new Set<string>();
  private readonly adopt = new Set<string>();
  /** When each listed job ended, as its listing said: what it adopts is overdue or not by it. */
  private readonly endedAtMs = new Map<string, number | undefined>();
  private readonly changedAtMs = new Map<string, number>();
  private readonly justCreated = new Set<string>();
  private readonly listedAvailable = new Set<string>();
  private ended: ReadonlyMap<string, TrainingJobDescription> = new Map();
  private read: ReadonlyMap<string, JobRecord> = new Map();
  private listCalls = 0;

  constructor(
    private readonly deps: ReconcileTiming,
    private readonly reconciler: ReconcileDeps,
    private readonly pools: readonly JobRecord[],
    private readonly nowMs: number,
  ) {
    this.known = new Set(pools.map((p) => p.name));
  }

  /** A listing made for the plan: its calls are the plan's. */
  counted(listing: { readonly calls: number }): void {
    this.listCalls += listing.calls;
  }

  adopts(name: string): boolean {
    return this.adopt.has(name);
  }

  /**
   * The pools a listing shows Available: one the ledger never heard of is adopted, and a pool it
   * holds Available that is not among them is looked at, if the listing covered when its job was
   * created (`created`: a part of a full listing; absent bounds: from the first, to the last).
   */
  setAvailable(jobs: readonly JobListing[], created: { fromMs?: number; untilMs?: number } = {}): void {
    const listed = new Set(jobs.map((j) => j.name));
    for (const job of jobs) this.noteEnd(job);
    for (const name of listed) this.listedAvailable.add(name);
    for (const name of listed) if (!this.known.has(name)) this.adopt.add(name);
    const whole = created.fromMs === undefined && created.untilMs === undefined;
    const covered = (pool: JobRecord): boolean => {
      const createdAtMs = pool.job?.createdAtMs;
      if (createdAtMs === undefined) return whole;
      return (
        createdAtMs >= (created.fromMs ?? createdAtMs) && createdAtMs < (created.untilMs ?? createdAtMs + 1)
      );
    };
    for (const pool of this.pools) if (!listed.has(pool.name) && covered(pool)) this.describe.add(pool.name);
  }

  private noteEnd(job: JobListing): void {
    if (job.createdAtMs !== undefined && job.createdAtMs > this.nowMs - LATE_END_GRACE_MS)
      this.justCreated.add(job.name);
    if (!this.endedAtMs.has(job.name) || job.endedAtMs !== undefined)
      this.endedAtMs.set(job.name, job.endedAtMs);
    if (job.lastModifiedMs !== undefined) this.changedAtMs.set(job.name, job.lastModifiedMs);
  }

  /**
   * The jobs a listing shows changed: a pool the ledger holds Available that is no longer
   * Available is looked at, an Available pool it never heard of is adopted, and so is an ended
   * job whose end (or pool) it does not hold. Tells how late the end events run by the way.
   */
  async setChanged(listing: {
    readonly listed: readonly JobListing[];
    readonly changed: readonly JobListing[];
  }): Promise<EndTimeliness> {
    const { deps, reconciler, nowMs, known, describe, adopt } = this;
    const endedLongAgo = (job: JobListing) =>
      job.endedAtMs !== undefined && job.endedAtMs <= nowMs - LATE_END_GRACE_MS;
    const late: string[] = [];
    const pending: string[] = [];
    const recorded: RecordedEnd[] = [];
    const recordedEnd = (job: JobListing, record: JobRecord | undefined): RecordedEnd => {
      const endedAtMs = job.endedAtMs ?? record?.job?.endedAtMs;
      return {
        name: job.name,
        ...(endedAtMs !== undefined ? { endedAtMs } : {}),
        ...(record?.endEventAtMs !== undefined ? { endEventAtMs: record.endEventAtMs } : {}),
      };
    };
    const byName = new Map(this.pools.map((p) => [p.name, p]));
    const unheardOf = new Set<string>();
    // Ends a listing found unrecorded before: the record in hand may predate their event. Read
    // again once the grace is over, when one read tells for good (endVerdict), not at every
    // overlapping listing before.
    const awaited = new Set<string>();
    for (const job of listing.changed) {
      this.noteEnd(job);
      const awaits = endedLongAgo(job) && reconciler.pace?.awaits(job.name) === true;
      if (known.has(job.name)) {
        // Held Available: its end and its pool are recorded (an end event on time, as a rule).
        if (awaits) awaited.add(job.name);
        else if (isTerminal(job.status)) recorded.push(recordedEnd(job, byName.get(job.name)));
        if (job.warmPoolStatus !== undefined && job.warmPoolStatus !== 'Available') describe.add(job.name);
      } else if (job.warmPoolStatus === 'Available') {
        (endedLongAgo(job) ? late : pending).push(job.name);
        adopt.add(job.name);
      } else if (
        isTerminal(job.status) &&
        (awaits || !reconciler.recordedEnds?.covers(job.name, job.warmPoolStatus !== undefined))
      ) {
        unheardOf.add(job.name);
      }
    }
    // Ended jobs not Available in the ledger: most are recorded already; one batch read tells which
    // are not, a job the ledger still holds running among them (those this container read
    // recorded at an earlier reconcile are not read again). Only these can have ended unseen
    // since the previous reconcile, so the running-jobs index is not read: a period in which
    // nothing ended costs no read of the ledger here.
    const read = new Map((await deps.ledger.getJobs([...unheardOf, ...awaited])).map((r) => [r.name, r]));
    for (const record of read.values())
      if (record.job && isTerminal(record.job.status))
        reconciler.recordedEnds?.note(record.name, poolRecorded(record));
    for (const job of listing.changed) {
      if (awaited.has(job.name)) recorded.push(recordedEnd(job, read.get(job.name) ?? byName.get(job.name)));
      if (!unheardOf.has(job.name)) continue;
      const record = read.get(job.name);
      const endRecorded = record?.job !== undefined && isTerminal(record.job.status);
      if (endRecorded) recorded.push(recordedEnd(job, record));
      // Its event came on time, but its handling has not written the end yet (a describe that
      // failed, Lambda retrying): judged by that arrival once recorded, not late for the listing.
      else if (endedLongAgo(job) && !arrivedOnTime(job, record)) late.push(job.name);
      else pending.push(job.name);
      if (!endRecorded || (job.warmPoolStatus !== undefined && !(record && poolRecorded(record))))
        adopt.add(job.name);
    }
    const ended = new Map<string, TrainingJobDescription>();
    for (const line of listing.listed) {
      if (line.warmPoolStatus === 'Available') this.listedAvailable.add(line.name);
      const record = describe.has(line.name) ? byName.get(line.name) : undefined;
      const end = record && listedEnd(record, line);
      if (end) ended.set(line.name, end);
    }
    this.read = read;
    this.ended = ended;
    return { late, pending, recorded };
  }

  /** The plan as its listings filled it; `unsure`: running jobs no listing tells ended, to describe. */
  plan(
    kind: Pick<ReconcilePlan, 'full' | 'sooner' | 'claim'>,
    unsure: readonly JobRecord[] = [],
  ): ReconcilePlan {
    const graceEndsAtMs = this.nowMs - LATE_END_GRACE_MS;
    const overdue = [...this.adopt].filter((name) => {
      const endedAtMs = this.endedAtMs.get(name);
      return endedAtMs === undefined || endedAtMs <= graceEndsAtMs;
    }).length;
    return {
      ...kind,
      describe: this.describe,
      ended: this.ended,
      listedAvailable: this.listedAvailable,
      adopt: [...this.adopt],
      changedAtMs: new Map(
        [...this.adopt].flatMap((name) => {
          const changedAtMs = this.changedAtMs.get(name);
          return changedAtMs === undefined ? [] : [[name, changedAtMs] as const];
        }),
      ),
      overdue,
      justCreated: this.justCreated,
      read: this.read,
      unsure,
      listCalls: this.listCalls,
    };
  }
}
