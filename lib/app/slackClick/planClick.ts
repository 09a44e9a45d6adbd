import type { JobRecord } from '../../domain/jobRecord';
import type { PolicySetup } from '../../domain/policy/evaluatePool';
import { poolFactsOfHead } from '../../domain/policy/poolFacts';
import { type SelectedRule, selectRule } from '../../domain/policy/ruleSelection';
import { type ButtonPlan, type PoolButton, planPoolButton } from '../../domain/poolButtonPlan';
import { hourlyPrice } from '../../domain/prices';
import { gatherSweepKnowledge } from '../sweepStats';
import type { SlackClickDeps } from './slackClickDeps';

export interface ClickPlan {
  readonly rule: SelectedRule;
  readonly plan: ButtonPlan;
}

/** Step 3: what the button means for this pool under its rule, its caps and today's spend. */
export const planClick = async (
  deps: SlackClickDeps,
  setup: PolicySetup,
  head: JobRecord,
  button: PoolButton,
  nowMs: number,
): Promise<ClickPlan> => {
  const facts = poolFactsOfHead(head);
  const rule = selectRule(setup.policy, facts);
  const knowledge =
    button === 'stop' ? undefined : await gatherSweepKnowledge(deps.stats, [head], nowMs, setup);
  const spend = knowledge ? knowledge.spend(head) : {};
  const price = facts.instanceType
    ? hourlyPrice(setup.prices, facts.instanceType, facts.location?.region)
    : undefined;
  const plan = planPoolButton({
    button,
    pool: facts,
    rule,
    limits: setup.limits,
    nowMs,
    snoozeSeconds: deps.snoozeSeconds,
    spend,
    ...(price !== undefined ? { pricePerInstanceHourUsd: price } : {}),
    ...(knowledge ? { gaps: knowledge.gaps } : {}),
  });
  return { rule, plan };
};
