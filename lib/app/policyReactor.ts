import type { FactReactor } from './factReactor';
import type { LedgerFact } from './ledgerFacts';
import { decideAndAct, type SweepDeps } from './sweep';
import { gatherSweepKnowledge } from './sweepStats';

export type PolicyReactorDeps = Pick<
  SweepDeps,
  'setup' | 'onAction' | 'stats' | 'ledger' | 'trainingJobs' | 'decisions' | 'clock' | 'limits'
>;

/**
 * The policy applied the moment a pool becomes Available, not a minute later at the sweep:
 * a rule may stop a pool at once outside working hours. The same decision code as the sweep.
 */
export const policyReactor = (deps: PolicyReactorDeps): FactReactor => ({
  name: 'policy',
  async react(facts: readonly LedgerFact[]) {
    const pools = facts.flatMap((f) => (f.kind === 'pool-available' ? [f.job] : []));
    if (pools.length === 0) return;
    const nowMs = deps.clock.now();
    // The other Available pools of their keys compete for the same next jobs (sameKeyRank.ts).
    const keys = [...new Set(pools.flatMap((p) => (p.job?.matchKey ? [p.job.matchKey] : [])))];
    const rivals = (await Promise.all(keys.map((key) => deps.ledger.availableByMatchKey(key)))).flat();
    const knowledge = await gatherSweepKnowledge(deps.stats, pools, nowMs, deps.setup, rivals);
    for (const pool of pools) await decideAndAct(deps, pool, knowledge, nowMs);
  },
});
