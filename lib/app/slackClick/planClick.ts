import type { JobRecord } from '../../domain/jobRecord';
import type { PolicySetup } from '../../domain/policy/evaluatePool';
import { policyReads } from '../../domain/policy/policyReads';
import { poolFactsOfHead } from '../../domain/policy/poolFacts';
import { type SelectedRule, selectRule } from '../../domain/policy/ruleSelection';
import { type ButtonPlan, type PoolButton, planPoolButton } from '../../domain/poolButtonPlan';
import { hourlyPrice } from '../../domain/prices';
import { availableHeads } from '../poolQueries';
import { gatherSweepKnowledge } from '../sweepStats';
import type { SlackClickDeps } from './slackClickDeps';

export interface ClickPlan {
  readonly rule: SelectedRule;
  readonly plan: ButtonPlan;
}

/**
 * The team's other Available pools, when a cap on the team's idle spend applies: a button that
 * grants time must see what the whole team idles today, as the sweep does, or its hold would keep
 * a pool up past the cap. Read whole (one index, paged) only then: a click is rare.
 */
const teammates = async (deps: SlackClickDeps, setup: PolicySetup, head: JobRecord): Promise<JobRecord[]> => {
  const team = head.job?.team;
  if (!team || !policyReads(setup.policy).teamSpend) return [];
  return (await availableHeads(deps.ledger)).filter(
    (pool) => pool.job?.team === team && pool.name !== head.name,
  );
};

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
    button === 'stop'
      ? undefined
      : await gatherSweepKnowledge(deps.stats, [head], nowMs, setup, await teammates(deps, setup, head));
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
