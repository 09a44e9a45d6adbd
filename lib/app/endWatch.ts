import { type EndWatchSettings, RUN_DURATIONS_PER_KEY, watchVerdict } from '../domain/endWatch';
import { poolIdleUsdPerHour } from '../domain/jobPrice';
import type { JobRecord } from '../domain/jobRecord';
import type { PriceTable } from '../domain/prices';
import type { Ledger } from '../ports/ledger';
import type { UsageStats } from '../ports/usageStats';
import { readAllPages } from './readAllPages';

export interface EndWatchDeps {
  readonly ledger: Ledger;
  readonly stats: UsageStats;
  readonly prices: PriceTable;
  readonly settings: EndWatchSettings;
  readonly pageSize: number;
  readonly sweepEveryMs: number;
}

export interface EndWatchPlan {
  /** Running jobs (as the ledger believes) to describe in this sweep. */
  readonly describe: readonly JobRecord[];
  /** The first instant after now at which a sweep has a watched job to describe; infinite: none. */
  readonly nextAtMs: number;
  /** How many running jobs are watched: due now or at a later sweep. */
  readonly watching: number;
}

/** Whether a job's pool is expensive enough for the end watch to look at it at all. */
export const watchWorthy = (record: JobRecord, prices: PriceTable, settings: EndWatchSettings): boolean => {
  const usd = record.job ? poolIdleUsdPerHour(prices, record.job) : undefined;
  return usd !== undefined && usd >= settings.minUsdPerHour && record.job?.matchKey !== undefined;
};

const NOTHING: EndWatchPlan = { describe: [], nextAtMs: Number.POSITIVE_INFINITY, watching: 0 };

/**
 * Which running jobs this sweep describes to see their end before their event does: those whose
 * pool would be expensive idle and whose end is due (endWatch.ts). Durations are read only for
 * those expensive enough, one read per match key.
 */
export const planEndWatch = async (deps: EndWatchDeps, nowMs: number): Promise<EndWatchPlan> => {
  if (!Number.isFinite(deps.settings.minUsdPerHour)) return NOTHING;
  const running = await readAllPages((cursor) => deps.ledger.runningJobs(deps.pageSize, cursor));
  const durations = new Map<string, Promise<number[]>>();
  const durationsOf = (key: string) => {
    let read = durations.get(key);
    if (!read) {
      read = deps.stats
        .recentRunDurations(key, RUN_DURATIONS_PER_KEY)
        .then((runs) => runs.map((r) => r.seconds));
      durations.set(key, read);
    }
    return read;
  };
  const describe: JobRecord[] = [];
  let nextAtMs = Number.POSITIVE_INFINITY;
  let watching = 0;
  for (const record of running) {
    const job = record.job;
    if (!job?.matchKey || !watchWorthy(record, deps.prices, deps.settings)) continue;
    const candidate = {
      createdAtMs: job.createdAtMs,
      usdPerHour: poolIdleUsdPerHour(deps.prices, job),
      durationsSeconds: await durationsOf(job.matchKey),
    };
    const verdict = watchVerdict(candidate, deps.settings, nowMs, deps.sweepEveryMs);
    if (verdict.kind === 'unwatched') continue;
    watching++;
    if (verdict.kind === 'describe') describe.push(record);
    if (verdict.nextAtMs !== undefined) nextAtMs = Math.min(nextAtMs, verdict.nextAtMs);
  }
  return { describe, nextAtMs, watching };
};
