import { historyDay } from '../domain/historyDay';
import type { JobRecord } from '../domain/jobRecord';
import { gapScopeId } from '../domain/policy/gapDistribution';
import { hourlyPrice, instanceCostUsd, type PriceTable } from '../domain/prices';
import type { UsageStats } from '../ports/usageStats';
import type { FactReactor } from './factReactor';
import type { LedgerFact } from './ledgerFacts';

/** The scopes a pool's gaps are learnt under (the policy's rule scope is not stored: rules change). */
const storedScopes = (record: JobRecord): string[] => [
  ...(record.job?.matchKey ? [gapScopeId({ kind: 'matchKey', key: record.job.matchKey })] : []),
  ...(record.job?.owner ? [gapScopeId({ kind: 'owner', key: record.job.owner })] : []),
];

/** A hop that ended (reused or not): its idle gap for the strategies, its idle spend for the caps. */
const recordHopEnd = async (
  stats: UsageStats,
  prices: PriceTable,
  record: JobRecord,
  reused: boolean,
  onIdleSpend?: (usd: number) => void,
) => {
  const pool = record.pool;
  if (pool?.billableSeconds === undefined || pool.availableSinceMs === undefined) return;
  const atMs = pool.availableSinceMs + pool.billableSeconds * 1000;
  const gap = { job: record.name, atMs, gapSeconds: pool.billableSeconds, reused };
  await Promise.all(storedScopes(record).map((scope) => stats.addGap(scope, gap)));
  const job = record.job;
  const price = job ? hourlyPrice(prices, job.criteria.instanceType, job.location?.region) : undefined;
  if (job?.team && price !== undefined) {
    const usd = instanceCostUsd(pool.billableSeconds, job.criteria.instanceCount, price);
    await stats.addIdleSpend(job.team, historyDay(atMs), record.name, usd);
  }
  if (price !== undefined && job)
    onIdleSpend?.(instanceCostUsd(pool.billableSeconds, job.criteria.instanceCount, price));
};

/**
 * Keeps the statistics the policies learn from: owners' last submissions, idle gaps (exact for
 * a reuse, censored for a pool that ended unused) and idle spend. SageMaker's billable seconds
 * of a reused pool are exactly its idle gap.
 */
export const usageStatsReactor = (
  stats: UsageStats,
  prices: PriceTable,
  /** Told the idle cost of every hop that ended (the IdleCostUsd metric of the dashboard). */
  onIdleSpend?: (usd: number) => void,
): FactReactor => ({
  name: 'usage-stats',
  async react(facts: readonly LedgerFact[]) {
    for (const fact of facts) {
      switch (fact.kind) {
        case 'job-started':
          if (fact.job.job?.owner) await stats.noteSubmission(fact.job.job.owner, fact.job.job.createdAtMs);
          break;
        case 'pool-reused':
          await recordHopEnd(stats, prices, fact.fromJob, true, onIdleSpend);
          break;
        case 'pool-ended':
          await recordHopEnd(stats, prices, fact.job, false, onIdleSpend);
          break;
        default:
          break;
      }
    }
  },
});
