/**
 * How long the reconcile waits before listing SageMaker again, the way a level-triggered
 * controller backs off its resync while resyncing keeps finding nothing. Events are the fast
 * path and the reconcile is the guarantee: while every listing only confirms what the events
 * already told the ledger, the period doubles from the base up to the longest; the first
 * listing that finds anything the events missed, or any sign that they run late or get lost,
 * brings it back to the base, so that what follows a lost event is found at the base pace. In an
 * account whose events missed something within the last day (EVENTS_TRUSTED_AFTER_MS), the period
 * also stretches less while a job runs whose pool would be dear idle (LOST_END_IDLE_BUDGET_USD).
 */
export interface ReconcilePeriodSettings {
  /** The period after a surprise, and the first one (POOLWARDEN_RECONCILE_MINUTES). */
  readonly baseMs: number;
  /** The longest a run of quiet reconciles stretches it to (POOLWARDEN_RECONCILE_MAX_MINUTES). */
  readonly longestMs: number;
  /**
   * The longest it stretches to while no running job's pool is dear idle (stretchLimitMs;
   * POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES); absent: `longestMs`.
   */
  readonly idleLongestMs?: number;
}

/** What one reconcile (its listing and the sweep's work that followed it) found. */
export interface ReconcileFindings {
  /** Jobs SageMaker knows more of than the ledger: a pool or an end never recorded, a reuse never linked. */
  readonly adopted: number;
  /**
   * Pools the ledger held Available before their predicted end that SageMaker no longer shows
   * Available: reused or stopped with no event to tell. A pool past its predicted end (a stop
   * included: its predicted end is the stop) ending is what the ledger expected.
   */
  readonly closedEarly: number;
  /** Running jobs described because no listing could tell whether they ended (the chain of reconciles broke). */
  readonly unsure: number;
  /**
   * Whether the reconcile claimed before this one never recorded its listing done (it died, or
   * was claimed before listings were recorded): what it would have found is unknown.
   */
  readonly abandoned: boolean;
  /** Actions found without an outcome, or still in flight: an invocation died, or one is under way. */
  readonly intents: number;
  /** Work that failed or was left for lack of time: what it would have found is unknown. */
  readonly incomplete: number;
  /** Whether the end events run late (listingPace.ts): the listings are then what keeps the ledger right. */
  readonly eventsLate: boolean;
  /**
   * What the dearest pool a running job would leave costs an hour idle (0: none). Not a surprise,
   * but what a lost end would cost until the next reconcile: read only when the rest is quiet.
   */
  readonly dearestRunningUsdPerHour: number;
  /**
   * Like `dearestRunningUsdPerHour`, but read whatever the trust when a quiet reconcile could
   * stretch past `longestMs` (couldStretchIdle): the stretch passes it only as far as
   * LOST_END_IDLE_BUDGET_USD allows (nothing running: up to `idleLongestMs`). Absent: not read.
   */
  readonly dearestRunningPastLongest?: number;
}

/**
 * What a lost end event may cost before the reconcile finds it, while the account's events are not
 * trusted (EVENTS_TRUSTED_AFTER_MS): the period stretches no further than the dearest pool a
 * running job would leave idles for this much (the base at least). A lost
 * end leaves its pool idle until the next reconcile; four ml.p4d.24xlarge ($150 an hour idle)
 * keep the base period, two ml.g5.12xlarge ($14) allow 105 minutes, a job asking for no
 * keep-alive leaves no pool. What a listing costs is API pressure, not dollars: a pool idling
 * is the dearer mistake.
 */
export const LOST_END_IDLE_BUDGET_USD = 25;

/**
 * How long after the last surprise on record (surpriseOnRecord) an account's events are trusted, so that the
 * period stretches whatever the running jobs cost. A lost event is rare where EventBridge runs
 * well, and where one was just seen more may follow: a day of reconciles that found nothing the
 * events had not told covers a working day and a night. Until then LOST_END_IDLE_BUDGET_USD bounds
 * the stretch, as it does in an account never reconciled before.
 */
export const EVENTS_TRUSTED_AFTER_MS = 24 * 3_600_000;

/**
 * Whether a reconcile is recorded as the account's last surprise: it found one, or it is the
 * account's first, when nothing vouches for the events yet.
 */
export const surpriseOnRecord = (findings: ReconcileFindings, firstReconcile: boolean): boolean =>
  firstReconcile || isSurprise(findings);

/**
 * Whether the dear running jobs bound the stretch of a reconcile starting at `nowMs`: the last
 * surprise on record (surpriseOnRecord) is less than EVENTS_TRUSTED_AFTER_MS old. None on record:
 * an account reconciled since before surprises were recorded, trusted.
 */
export const dearJobsBoundStretch = (lastSurpriseAtMs: number | undefined, nowMs: number): boolean =>
  lastSurpriseAtMs !== undefined && nowMs - lastSurpriseAtMs < EVENTS_TRUSTED_AFTER_MS;

/** Whether a reconcile found something the events had not told, or a sign that they may not. */
export const isSurprise = (findings: ReconcileFindings): boolean =>
  findings.eventsLate ||
  findings.abandoned ||
  findings.adopted > 0 ||
  findings.closedEarly > 0 ||
  findings.unsure > 0 ||
  findings.intents > 0 ||
  findings.incomplete > 0;

/**
 * Whether a quiet reconcile granted `grantedMs` would stretch past the longest period, were no
 * job running: only then is it worth reading the running jobs for `dearestRunningPastLongest`.
 */
export const couldStretchIdle = (settings: ReconcilePeriodSettings, grantedMs: number | undefined): boolean =>
  (settings.idleLongestMs ?? settings.longestMs) > settings.longestMs &&
  2 * (grantedMs ?? settings.baseMs / 2) > settings.longestMs;

/**
 * The longest a quiet reconcile may stretch the period to past the longest, given what the
 * dearest pool a running job would leave costs an hour idle (`dearestRunningPastLongest`): as far
 * as a lost end of it would cost no more than LOST_END_IDLE_BUDGET_USD, up to the idle longest;
 * never less than the longest. What a reconcile guards against is a lost end event, and when
 * nothing dear runs (nights without the nightly jobs, weekends, cheap instances) a late find
 * costs little. A dear job started during such a stretch ends it (StretchGuard,
 * lib/app/stretchGuard.ts, reads the running jobs once per longest period meanwhile); only a job
 * whose start and end events were both lost goes unseen until the stretch ends.
 */
export const stretchLimitMs = (
  settings: ReconcilePeriodSettings,
  dearestRunningPastLongest: number,
): number =>
  Math.max(
    settings.longestMs,
    Math.min(settings.idleLongestMs ?? settings.longestMs, budgetMs(dearestRunningPastLongest)),
  );

/**
 * The period after a reconcile that was granted `grantedMs` (the time its claim allowed since
 * the one before; undefined for the first): twice that when it found nothing, at least the base
 * and at most the longest (past it, as far as stretchLimitMs allows, when the running jobs were
 * read for it); the base after a surprise.
 */
export const nextReconcilePeriodMs = (
  settings: ReconcilePeriodSettings,
  grantedMs: number | undefined,
  findings: ReconcileFindings,
): number => {
  const { baseMs } = settings;
  if (isSurprise(findings)) return baseMs;
  const atRiskMs = budgetMs(findings.dearestRunningUsdPerHour);
  const past = findings.dearestRunningPastLongest;
  const capMs = past === undefined ? settings.longestMs : stretchLimitMs(settings, past);
  const longestMs = Math.max(baseMs, Math.min(capMs, atRiskMs));
  return Math.min(longestMs, Math.max(baseMs, 2 * (grantedMs ?? baseMs / 2)));
};

/** How long a pool costing `usdPerHour` idle takes to spend LOST_END_IDLE_BUDGET_USD (0: never). */
const budgetMs = (usdPerHour: number): number =>
  usdPerHour > 0 ? (LOST_END_IDLE_BUDGET_USD / usdPerHour) * 3_600_000 : Number.POSITIVE_INFINITY;

/**
 * Which due time a claim honours:
 * - `granted`: the one the previous reconcile's findings set, a longer period after quiet ones,
 *   and never sooner than the base period;
 * - `base`: the base period alone, whatever was granted (the end events run late: a longer period
 *   is not to be trusted then);
 * - `forced`: none (an operator's reconcile).
 */
export type ClaimRule = 'granted' | 'base' | 'forced';

/**
 * Whether a reconcile last claimed at `startedAtMs`, the next due at `dueAtMs` (undefined: none
 * recorded), lets a claim at `nowMs` through. DynamoReconcileSchedule's condition expression is
 * this rule, written for DynamoDB.
 */
export const isReconcileDue = (
  item: { readonly startedAtMs: number; readonly dueAtMs: number | undefined },
  nowMs: number,
  baseMs: number,
  rule: ClaimRule,
): boolean => {
  if (rule === 'forced') return item.startedAtMs <= nowMs;
  if (item.startedAtMs > nowMs - baseMs) return false;
  return rule === 'base' || item.dueAtMs === undefined || item.dueAtMs <= nowMs;
};
