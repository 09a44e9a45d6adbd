import { historyDay } from '../domain/historyDay';
import type { JobRecord } from '../domain/jobRecord';
import {
  type GapDistribution,
  type GapScope,
  gapScopeId,
  gapScopes,
  learnGaps,
} from '../domain/policy/gapDistribution';
import type { SpendFacts } from '../domain/policy/spendCaps';
import { hourlyPrice, instanceCostUsd, type PriceTable } from '../domain/prices';
import type { UsageStats } from '../ports/usageStats';

/** How many recent gaps a scope's distribution is learnt from. */
const GAPS_PER_SCOPE = 300;

/** What one sweep knows about activity, gaps and spend, read once for all its pools. */
export interface SweepKnowledge {
  ownerLastSubmittedAt(owner: string | undefined): number | undefined;
  gaps(scope: GapScope): GapDistribution | undefined;
  spend(record: JobRecord): SpendFacts;
}

const startOfDay = (ms: number) => Date.parse(`${historyDay(ms)}T00:00:00Z`);

/** Idle spend of an Available pool since the start of today (UTC), up to now. */
const liveIdleUsdToday = (record: JobRecord, nowMs: number, prices: PriceTable): number | undefined => {
  const job = record.job;
  const since = record.pool?.availableSinceMs;
  const price = job ? hourlyPrice(prices, job.criteria.instanceType, job.location?.region) : undefined;
  if (!job || since === undefined || price === undefined) return undefined;
  const seconds = Math.max(0, (nowMs - Math.max(since, startOfDay(nowMs))) / 1000);
  return instanceCostUsd(seconds, job.criteria.instanceCount, price);
};

/**
 * Reads, for the pools of one sweep, the owners' last submissions, the learnt gaps of every
 * scope involved and the teams' idle spend today: one read per owner, scope and team, not per
 * pool. A team's spend today is what its ended hops cost today plus what its Available pools
 * have cost since midnight.
 */
export const gatherSweepKnowledge = async (
  stats: UsageStats,
  pools: readonly JobRecord[],
  nowMs: number,
  prices: PriceTable,
): Promise<SweepKnowledge> => {
  const owners = [...new Set(pools.flatMap((p) => (p.job?.owner ? [p.job.owner] : [])))];
  const scopes = new Map<string, GapScope>();
  for (const pool of pools) {
    for (const scope of gapScopes({ ...pool.job }, ''))
      if (scope.kind !== 'rule') scopes.set(gapScopeId(scope), scope);
  }
  const teams = [...new Set(pools.flatMap((p) => (p.job?.team ? [p.job.team] : [])))];
  const today = historyDay(nowMs);

  const [lastSubmitted, gaps, endedSpend] = await Promise.all([
    Promise.all(owners.map(async (o) => [o, await stats.ownerLastSubmittedAt(o)] as const)),
    Promise.all(
      [...scopes.keys()].map(async (id) => {
        const samples = await stats.recentGaps(id, GAPS_PER_SCOPE);
        return [id, samples.length > 0 ? learnGaps(samples) : undefined] as const;
      }),
    ),
    Promise.all(teams.map(async (t) => [t, await stats.idleSpend(t, today)] as const)),
  ]);
  const lastByOwner = new Map(lastSubmitted);
  const gapsByScope = new Map(gaps);
  const teamSpend = new Map(endedSpend);
  const liveByPool = new Map(pools.map((p) => [p.name, liveIdleUsdToday(p, nowMs, prices)]));
  for (const pool of pools) {
    const team = pool.job?.team;
    const live = liveByPool.get(pool.name);
    if (team && live !== undefined) teamSpend.set(team, (teamSpend.get(team) ?? 0) + live);
  }
  return {
    ownerLastSubmittedAt: (owner) => (owner ? lastByOwner.get(owner) : undefined),
    gaps: (scope) => gapsByScope.get(gapScopeId(scope)),
    spend: (record) => {
      const poolIdleUsdToday = liveByPool.get(record.name);
      const teamIdleUsdToday = record.job?.team ? teamSpend.get(record.job.team) : undefined;
      return {
        ...(poolIdleUsdToday !== undefined ? { poolIdleUsdToday } : {}),
        ...(teamIdleUsdToday !== undefined ? { teamIdleUsdToday } : {}),
      };
    },
  };
};
