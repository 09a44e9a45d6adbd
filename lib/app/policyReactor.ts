import type { JobRecord } from '../domain/jobRecord';
import { isPresumedTaken } from '../domain/reusePresumption';
import type { FactReactor } from './factReactor';
import type { LedgerFact } from './ledgerFacts';
import { decideAndAct, type SweepDeps } from './sweep';
import { gatherSweepKnowledge } from './sweepStats';

export type PolicyReactorDeps = Pick<
  SweepDeps,
  | 'setup'
  | 'onAction'
  | 'stats'
  | 'learnerMemo'
  | 'ledger'
  | 'trainingJobs'
  | 'decisions'
  | 'clock'
  | 'limits'
>;

/**
 * The policy applied the moment a pool becomes Available, not a minute later at the sweep:
 * a rule may stop a pool at once outside working hours. The same decision code as the sweep.
 */
export const policyReactor = (deps: PolicyReactorDeps): FactReactor => ({
  name: 'policy',
  async react(facts: readonly LedgerFact[]) {
    const available = facts.flatMap((f) => (f.kind === 'pool-available' ? [f] : []));
    const pools = available.map((f) => f.job);
    if (pools.length === 0) return;
    const nowMs = deps.clock.now();
    // The other Available pools of their keys compete for the same next jobs (sameKeyRank.ts):
    // read from the index, unless the handling that told the facts knows them already.
    const known = new Map<string, readonly JobRecord[]>();
    for (const fact of available) {
      const key = fact.job.job?.matchKey;
      if (key !== undefined && fact.sameKeyAvailable) known.set(key, fact.sameKeyAvailable);
    }
    const keys = [...new Set(pools.flatMap((p) => (p.job?.matchKey ? [p.job.matchKey] : [])))];
    // A pool presumed taken (reusePresumption.ts) is held by a job: no rival for the next ones.
    const rivals = (
      await Promise.all(keys.map(async (key) => known.get(key) ?? deps.ledger.availableByMatchKey(key)))
    )
      .flat()
      .filter((rival) => !isPresumedTaken(rival));
    const knowledge = await gatherSweepKnowledge(deps.stats, pools, nowMs, deps.setup, rivals);
    for (const pool of pools) await decideAndAct(deps, pool, knowledge, nowMs);
  },
});
