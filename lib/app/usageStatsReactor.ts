import type { EndWatchSettings } from '../domain/endWatch';
import { historyDay } from '../domain/historyDay';
import { jobUnitPrice } from '../domain/jobPrice';
import type { JobRecord } from '../domain/jobRecord';
import { gapScopeId, gapScopes } from '../domain/policy/gapDistribution';
import { DEFAULT_GAP_LEARNING, GAPS_PER_SCOPE } from '../domain/policy/gapLearner';
import { instanceCostUsd, type PriceTable } from '../domain/prices';
import { presumedBillableSeconds } from '../domain/reusePresumption';
import type { OwnerSubmission, UsageStats } from '../ports/usageStats';
import { watchWorthy } from './endWatch';
import type { FactReactor } from './factReactor';
import type { LedgerFact } from './ledgerFacts';

/** The scopes a pool's gaps are learnt under: match key, owner, team, instance family. */
const storedScopes = (record: JobRecord): string[] => {
  const job = record.job;
  if (!job) return [];
  return gapScopes({ ...job, instanceType: job.criteria.instanceType }).map(gapScopeId);
};

/**
 * How long the hop's head took from its submission to its start (warm or cold), kept with its
 * gap: a scope whose next submission follows the last submission, not the end, is learned from it
 * (gapClock.ts). Nothing when either instant is unknown.
 */
const startupOf = (record: JobRecord): { startupSeconds?: number } => {
  const job = record.job;
  if (job?.startedAtMs === undefined || job.startedAtMs < job.createdAtMs) return {};
  return { startupSeconds: (job.startedAtMs - job.createdAtMs) / 1000 };
};

/**
 * A hop that ended (reused or not): its idle gap for the strategies, its idle spend for the caps,
 * and `submission` (of the job that reused it) in the same write. Whether anything was written:
 * a hop whose billable seconds are not known yet teaches nothing, and the submission is not sent.
 */
const recordHopEnd = async (
  stats: UsageStats,
  prices: PriceTable,
  record: JobRecord,
  reused: boolean,
  onIdleSpend?: (usd: number) => void,
  submission?: OwnerSubmission,
): Promise<boolean> => {
  const pool = record.pool;
  if (pool?.billableSeconds === undefined || pool.availableSinceMs === undefined) return false;
  const atMs = pool.availableSinceMs + pool.billableSeconds * 1000;
  const scopes = storedScopes(record);
  const startup = startupOf(record);
  // A pool poolwarden stopped says nothing yet about when a reuse would have come: the next
  // cold start of its key will (resolveMissedReuse). A censored gap at the stop would teach
  // "no reuse comes" from the policy's own stop, and trap a policy that stops at once there.
  const gap =
    !reused && pool.stoppedBy !== undefined
      ? {
          job: record.name,
          atMs,
          gapSeconds: pool.billableSeconds,
          reused,
          ...startup,
          unresolved: true,
          scopeIds: scopes,
        }
      : { job: record.name, atMs, gapSeconds: pool.billableSeconds, reused, ...startup };
  const job = record.job;
  const price = job ? jobUnitPrice(prices, job) : undefined;
  const usd =
    job && price !== undefined
      ? instanceCostUsd(pool.billableSeconds, job.criteria.instanceCount, price)
      : undefined;
  // The gap and the spend are one fact of the hop: one write.
  const spend =
    job?.team && usd !== undefined
      ? { team: job.team, day: historyDay(atMs), job: record.name, usd }
      : undefined;
  await stats.addGap(
    scopes,
    gap,
    ...(spend || submission ? [spend] : []),
    ...(submission ? [submission] : []),
  );
  if (usd !== undefined) onIdleSpend?.(usd);
  return true;
};

/**
 * A presumed reuse proved wrong: the sample its presumption wrote (same job and atMs, the
 * presumed end) is written over as withdrawn, and its idle spend as 0, so the hop counts once,
 * as SageMaker ends it; the idle-cost metric it counted is counted back (a negative count).
 */
const withdrawPresumedHop = async (
  stats: UsageStats,
  prices: PriceTable,
  marked: JobRecord,
  taker: string,
  onIdleSpend?: (usd: number) => void,
): Promise<void> => {
  const pool = marked.pool;
  if (!pool) return;
  const seconds = presumedBillableSeconds({ ...pool, presumedTakenBy: taker });
  if (seconds === undefined || pool.availableSinceMs === undefined) return;
  const atMs = pool.availableSinceMs + seconds * 1000;
  const job = marked.job;
  const price = job ? jobUnitPrice(prices, job) : undefined;
  const usd =
    job && price !== undefined ? instanceCostUsd(seconds, job.criteria.instanceCount, price) : undefined;
  const spend = job?.team ? { team: job.team, day: historyDay(atMs), job: marked.name, usd: 0 } : undefined;
  await stats.addGap(
    storedScopes(marked),
    { job: marked.name, atMs, gapSeconds: seconds, reused: true, ...startupOf(marked), withdrawn: true },
    ...(spend ? [spend] : []),
  );
  if (usd !== undefined && usd > 0) onIdleSpend?.(-usd);
};

/**
 * A cold start tells the gap the last pool poolwarden stopped with the same match key would have
 * had: the newest sample of the key that ended before this submission, if it is still
 * unresolved and within the horizon, is rewritten (same job, same atMs) as that exact gap in
 * every scope. A repeated fact finds it resolved and changes nothing.
 */
const resolveMissedReuse = async (stats: UsageStats, record: JobRecord) => {
  const job = record.job;
  if (!job?.matchKey) return;
  const keyScope = gapScopeId({ kind: 'matchKey', key: job.matchKey });
  // Fresh: the placeholder may have been written moments ago by another container (the sweep's).
  const recent = await stats.recentGaps(keyScope, GAPS_PER_SCOPE, { fresh: true });
  const last = recent.find((g) => g.atMs <= job.createdAtMs && !g.withdrawn);
  if (!last?.unresolved) return;
  const availableSinceMs = last.atMs - last.gapSeconds * 1000;
  const gapSeconds = (job.createdAtMs - availableSinceMs) / 1000;
  if (gapSeconds > DEFAULT_GAP_LEARNING.missedReuseHorizonSeconds) return;
  const exact = {
    job: last.job,
    atMs: last.atMs,
    gapSeconds,
    reused: true,
    ...(last.startupSeconds !== undefined ? { startupSeconds: last.startupSeconds } : {}),
  };
  await stats.addGap(last.scopeIds ?? [keyScope], exact);
};

/**
 * How long a completed job ran, from creation to end, under its match key: the end watch
 * expects the next job of the key to end around then. A failed or stopped job says nothing
 * about when the key's work completes. Only runs the watch could use are written: of a key
 * whose pool it would watch (watchWorthy; a key's instances, and so its price, are the same for
 * every job of it). With the watch off (the default) none is: a watch turned on, or made
 * cheaper, learns a key from its next completed job, as one run is enough for a window.
 */
const recordRunDuration = async (
  stats: UsageStats,
  prices: PriceTable,
  endWatch: EndWatchSettings | undefined,
  record: JobRecord,
) => {
  const job = record.job;
  if (job?.status !== 'Completed' || job.endedAtMs === undefined || !job.matchKey) return;
  if (endWatch && !watchWorthy(record, prices, endWatch)) return;
  const seconds = (job.endedAtMs - job.createdAtMs) / 1000;
  if (seconds <= 0) return;
  await stats.addRunDuration(job.matchKey, { job: record.name, atMs: job.endedAtMs, seconds });
};

/**
 * Keeps the statistics the policies learn from: owners' last submissions, idle gaps (exact for
 * a reuse, censored for a pool that ended unused) and idle spend. SageMaker's billable seconds
 * of a reused pool are exactly its idle gap.
 */
export const usageStatsReactor = (
  stats: UsageStats,
  prices: PriceTable,
  options: {
    /** Told the idle cost of every hop that ended (the IdleCostUsd metric of the dashboard). */
    readonly onIdleSpend?: (usd: number) => void;
    /** The end watch the run durations are learnt for; absent, every completed run is learnt. */
    readonly endWatch?: EndWatchSettings;
  } = {},
): FactReactor => ({
  name: 'usage-stats',
  async react(facts: readonly LedgerFact[]) {
    // The start fact carries the record as written before reuse detection ran: a reuse found in
    // the same handling comes as its own fact, and makes the start a warm one.
    const warm = new Set(facts.flatMap((f) => (f.kind === 'pool-reused' ? [f.toJob] : [])));
    // A warm start's submission is written with the gap of the hop it reused (one request); one
    // whose gap is not written (nothing to learn from it) is written on its own after them.
    const submissions = new Map<string, OwnerSubmission>();
    for (const fact of facts) {
      switch (fact.kind) {
        case 'job-started': {
          const job = fact.job.job;
          const submission = job?.owner ? { owner: job.owner, atMs: job.createdAtMs } : undefined;
          if (submission && warm.has(fact.job.name)) submissions.set(fact.job.name, submission);
          else if (submission) await stats.noteSubmission(submission.owner, submission.atMs);
          if (fact.job.reusedPoolOf === undefined && !warm.has(fact.job.name))
            await resolveMissedReuse(stats, fact.job);
          break;
        }
        case 'job-ended':
          await recordRunDuration(stats, prices, options.endWatch, fact.job);
          break;
        case 'pool-reused': {
          const submission = submissions.get(fact.toJob);
          // A reuse told again was counted in the idle-cost metric when first told.
          const onIdleSpend = fact.retold ? undefined : options.onIdleSpend;
          if (await recordHopEnd(stats, prices, fact.fromJob, true, onIdleSpend, submission))
            submissions.delete(fact.toJob);
          break;
        }
        case 'pool-ended':
          await recordHopEnd(stats, prices, fact.job, false, fact.retold ? undefined : options.onIdleSpend);
          break;
        case 'reuse-withdrawn':
          await withdrawPresumedHop(stats, prices, fact.fromJob, fact.toJob, options.onIdleSpend);
          break;
        default:
          break;
      }
    }
    for (const submission of submissions.values())
      await stats.noteSubmission(submission.owner, submission.atMs);
  },
});
