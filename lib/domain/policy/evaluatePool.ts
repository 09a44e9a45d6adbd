import type { JobRecord } from '../jobRecord';
import type { KeepAliveLimits } from '../keepAlive';
import { hourlyPrice, type PriceTable } from '../prices';
import { type Decision, decide } from './decide';
import { type GapDistribution, type GapScope, gapScopes, pickGapDistribution } from './gapDistribution';
import type { Policy } from './policy';
import { type PoolFacts, poolFactsOfHead } from './poolFacts';
import { type SelectedRule, selectRule } from './ruleSelection';
import type { SpendFacts } from './spendCaps';
import { adviseKeepAlive } from './strategies';

/** What a deployment decides with: the policy, its limits, the kill switch and the prices. */
export interface PolicySetup {
  readonly policy: Policy;
  readonly limits: KeepAliveLimits;
  readonly killSwitch: boolean;
  readonly prices: PriceTable;
}

/** What is known about one pool at one instant, gathered by the caller. */
export interface PoolSituation {
  readonly head: JobRecord;
  readonly nowMs: number;
  readonly ownerLastSubmittedAtMs?: number;
  readonly spend: SpendFacts;
  /** Learned idle gaps by scope; undefined where none are known. */
  readonly gaps: (scope: GapScope) => GapDistribution | undefined;
}

export interface Evaluation {
  readonly facts: PoolFacts;
  readonly rule: SelectedRule;
  readonly decision: Decision;
}

/**
 * The whole policy step for one pool: facts, rule, learned gaps, the rule's strategy, decision.
 * The sweep, the event handler and the benchmarks' simulation all call this, so that what is
 * measured is what runs.
 */
export const evaluatePool = (setup: PolicySetup, situation: PoolSituation): Evaluation => {
  const facts = poolFactsOfHead(situation.head);
  const rule = selectRule(setup.policy, facts);
  const price = facts.instanceType
    ? hourlyPrice(setup.prices, facts.instanceType, facts.location?.region)
    : undefined;
  const gaps = pickGapDistribution(
    gapScopes(facts, rule.name),
    situation.gaps,
    rule.settings.keepAlive.minSamples,
  );
  const advice = adviseKeepAlive(rule.settings.keepAlive, facts, situation.nowMs, gaps?.distribution, price);
  const decision = decide({
    pool: facts,
    nowMs: situation.nowMs,
    policy: setup.policy,
    rule,
    activity:
      situation.ownerLastSubmittedAtMs !== undefined
        ? { ownerLastSubmittedAtMs: situation.ownerLastSubmittedAtMs }
        : {},
    spend: situation.spend,
    ...(price !== undefined ? { pricePerInstanceHourUsd: price } : {}),
    ...(advice ? { advice } : {}),
    limits: setup.limits,
    killSwitch: setup.killSwitch,
  });
  return { facts, rule, decision };
};
