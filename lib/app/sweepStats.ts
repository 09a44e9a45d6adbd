import { historyDay } from '../domain/historyDay';
import { jobUnitPrice } from '../domain/jobPrice';
import type { JobRecord } from '../domain/jobRecord';
import type { PolicySetup, PoolSituation } from '../domain/policy/evaluatePool';
import { type GapScope, gapScopeId, gapScopes } from '../domain/policy/gapDistribution';
import { GAPS_PER_SCOPE, type GapLearnerMemo, type TimedGap } from '../domain/policy/gapLearner';
import type { Policy } from '../domain/policy/policy';
import { policyReads } from '../domain/policy/policyReads';
import { type RankedPool, type SameKeyRank, sameKeyRankOf, sameKeyRanks } from '../domain/policy/sameKeyRank';
import type { SpendFacts } from '../domain/policy/spendCaps';
import { instanceCostUsd, type PriceTable } from '../domain/prices';
import type { UsageStats } from '../ports/usageStats';

/** What one sweep knows about activity, gaps and spend, read once for all its pools. */
export interface SweepKnowledge {
  ownerLastSubmittedAt(owner: string | undefined): number | undefined;
  gaps(scope: GapScope): readonly TimedGap[] | undefined;
  spend(record: JobRecord): SpendFacts;
  /** The pool's rank among the Available pools of its match key that were read; undefined without a key. */
  sameKey(record: JobRecord): SameKeyRank | undefined;
}

/** A ledger record as SageMaker's choice rule sees it. */
const rankedPoolOf = (record: JobRecord): RankedPool => ({
  id: record.name,
  ...(record.job?.matchKey !== undefined ? { matchKey: record.job.matchKey } : {}),
  ...(record.pool?.expiresAtMs !== undefined ? { expiresAtMs: record.pool.expiresAtMs } : {}),
  ...(record.pool?.availableSinceMs !== undefined ? { availableSinceMs: record.pool.availableSinceMs } : {}),
});

/** The Available pools of one sweep, ranked once per key (ranks do not depend on the instant). */
interface RankedPools {
  readonly byKey: ReadonlyMap<string, readonly RankedPool[]>;
  readonly ranks: ReadonlyMap<string, SameKeyRank>;
}

const rankedOf = new WeakMap<readonly JobRecord[], RankedPools>();

const rankPools = (records: readonly JobRecord[]): RankedPools => {
  const unique = new Map<string, { readonly key: string; readonly pool: RankedPool }>();
  for (const record of records) {
    const key = record.job?.matchKey;
    if (key === undefined || record.pool?.status !== 'Available') continue;
    unique.set(record.name, { key, pool: rankedPoolOf(record) });
  }
  const byKey = new Map<string, RankedPool[]>();
  for (const { key, pool } of unique.values()) {
    const list = byKey.get(key);
    if (list) list.push(pool);
    else byKey.set(key, [pool]);
  }
  return { byKey, ranks: sameKeyRanks([...unique.values()].map((u) => u.pool)) };
};

/** The sweep looks ahead with the same pools at many instants: rank them once. */
const rankedPools = (pools: readonly JobRecord[], rivals: readonly JobRecord[]): RankedPools => {
  if (rivals.length > 0) return rankPools([...pools, ...rivals]);
  const known = rankedOf.get(pools);
  if (known) return known;
  const ranked = rankPools(pools);
  rankedOf.set(pools, ranked);
  return ranked;
};

const DAY_MS = 86_400_000;
/** The start of historyDay(ms) (a UTC day), by arithmetic: the look-ahead asks it per pool and minute. */
const startOfDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** Idle spend of an Available pool since the start of today (UTC), up to now. */
const liveIdleUsdToday = (record: JobRecord, nowMs: number, prices: PriceTable): number | undefined => {
  const job = record.job;
  const since = record.pool?.availableSinceMs;
  const price = job ? jobUnitPrice(prices, job) : undefined;
  if (!job || since === undefined || price === undefined) return undefined;
  const seconds = Math.max(0, (nowMs - Math.max(since, startOfDay(nowMs))) / 1000);
  return instanceCostUsd(seconds, job.criteria.instanceCount, price);
};

/** What one sweep read of the usage statistics: with the pools and an instant, the whole knowledge. */
export interface SweepReadings {
  /** The UTC day the teams' spend was read for. */
  readonly day: string;
  readonly lastByOwner: ReadonlyMap<string, number | undefined>;
  readonly gapsByScope: ReadonlyMap<string, readonly TimedGap[] | undefined>;
  readonly endedSpendByTeam: ReadonlyMap<string, number>;
}

/**
 * Reads, for the pools of one sweep, the owners' last submissions, the learnt gaps of every
 * scope involved and the teams' idle spend today: one read per owner, scope and team, not per
 * pool. Owners and teams are read only when some rule of the policy decides on them.
 */
export const readSweepStats = async (
  stats: UsageStats,
  policy: Policy,
  pools: readonly JobRecord[],
  nowMs: number,
): Promise<SweepReadings> => {
  const reads = policyReads(policy);
  const owners = reads.ownerActivity
    ? [...new Set(pools.flatMap((p) => (p.job?.owner ? [p.job.owner] : [])))]
    : [];
  const scopes = new Map<string, GapScope>();
  for (const pool of pools) {
    const job = pool.job;
    for (const scope of gapScopes({ ...job, ...(job ? { instanceType: job.criteria.instanceType } : {}) }))
      scopes.set(gapScopeId(scope), scope);
  }
  const teams = reads.teamSpend ? [...new Set(pools.flatMap((p) => (p.job?.team ? [p.job.team] : [])))] : [];
  const day = historyDay(nowMs);

  const [lastSubmitted, gaps, endedSpend] = await Promise.all([
    Promise.all(owners.map(async (o) => [o, await stats.ownerLastSubmittedAt(o)] as const)),
    Promise.all(
      [...scopes.keys()].map(async (id) => {
        const read = await stats.recentGaps(id, GAPS_PER_SCOPE);
        // A withdrawn sample (a presumed reuse proved wrong) counts for nothing; the array is kept
        // as read otherwise, as the gap learner's memo keys on it.
        const samples = read.some((g) => g.withdrawn) ? read.filter((g) => !g.withdrawn) : read;
        return [id, samples.length > 0 ? samples : undefined] as const;
      }),
    ),
    Promise.all(teams.map(async (t) => [t, await stats.idleSpend(t, day)] as const)),
  ]);
  return {
    day,
    lastByOwner: new Map(lastSubmitted),
    gapsByScope: new Map(gaps),
    endedSpendByTeam: new Map(endedSpend),
  };
};

/**
 * The knowledge at `nowMs` (on the day of the readings) from what was read: a team's spend today
 * is what its ended hops cost today plus what its Available pools have cost since midnight, every
 * one that was read (`pools` and `rivals`): a decision on one pool must see its team's others, or
 * a click would grant a hold to a team already over its cap.
 * Pure, so that the sweep can also tell when its decisions could next change.
 */
export const knowledgeAt = (
  readings: SweepReadings,
  pools: readonly JobRecord[],
  nowMs: number,
  prices: PriceTable,
  /**
   * The other Available pools that were read: those of `pools`' keys compete with them for their
   * keys' jobs, and those of their teams idle on their teams' spend (the sweep's are all in `pools`).
   */
  rivals: readonly JobRecord[] = [],
): SweepKnowledge => {
  const ranked = rankedPools(pools, rivals);
  const teamSpend = new Map(readings.endedSpendByTeam);
  const liveByPool = new Map(pools.map((p) => [p.name, liveIdleUsdToday(p, nowMs, prices)]));
  const addTeamSpend = (pool: JobRecord, live: number | undefined) => {
    const team = pool.job?.team;
    if (team && live !== undefined) teamSpend.set(team, (teamSpend.get(team) ?? 0) + live);
  };
  for (const pool of pools) addTeamSpend(pool, liveByPool.get(pool.name));
  const counted = new Set(liveByPool.keys());
  for (const rival of rivals) {
    if (counted.has(rival.name) || rival.pool?.status !== 'Available') continue;
    counted.add(rival.name);
    addTeamSpend(rival, liveIdleUsdToday(rival, nowMs, prices));
  }
  return {
    ownerLastSubmittedAt: (owner) => (owner ? readings.lastByOwner.get(owner) : undefined),
    gaps: (scope) => readings.gapsByScope.get(gapScopeId(scope)),
    spend: (record) => {
      const poolIdleUsdToday = liveByPool.get(record.name);
      const teamIdleUsdToday = record.job?.team ? teamSpend.get(record.job.team) : undefined;
      return {
        ...(poolIdleUsdToday !== undefined ? { poolIdleUsdToday } : {}),
        ...(teamIdleUsdToday !== undefined ? { teamIdleUsdToday } : {}),
      };
    },
    sameKey: (record) => {
      const key = record.job?.matchKey;
      if (key === undefined) return undefined;
      // A pool not among those read (adopted in this sweep) is ranked among them as it is now.
      return (
        ranked.ranks.get(record.name) ?? sameKeyRankOf(rankedPoolOf(record), ranked.byKey.get(key) ?? [])
      );
    },
  };
};

/**
 * What the policy step is told about one pool at one instant; `memo` is the container's learner
 * memo at that instant (ContainerLearnerMemo), which learns what the plain learner would.
 */
export const situationAt = (
  head: JobRecord,
  knowledge: SweepKnowledge,
  nowMs: number,
  memo: GapLearnerMemo,
): PoolSituation => {
  const ownerLastSubmittedAtMs = knowledge.ownerLastSubmittedAt(head.job?.owner);
  const sameKey = knowledge.sameKey(head);
  return {
    head,
    nowMs,
    ...(ownerLastSubmittedAtMs !== undefined ? { ownerLastSubmittedAtMs } : {}),
    ...(sameKey !== undefined ? { sameKey } : {}),
    spend: knowledge.spend(head),
    gaps: knowledge.gaps,
    memo,
  };
};

/** Reads and knows at once, for one instant. */
export const gatherSweepKnowledge = async (
  stats: UsageStats,
  pools: readonly JobRecord[],
  nowMs: number,
  setup: Pick<PolicySetup, 'policy' | 'prices'>,
  rivals: readonly JobRecord[] = [],
): Promise<SweepKnowledge> =>
  knowledgeAt(await readSweepStats(stats, setup.policy, pools, nowMs), pools, nowMs, setup.prices, rivals);
