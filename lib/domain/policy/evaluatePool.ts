import type { JobRecord } from '../jobRecord';
import type { KeepAliveLimits } from '../keepAlive';
import { hourlyPrice, type PriceTable } from '../prices';
import { activityEvidence } from './activityEvidence';
import { learnBothClocks } from './clockedLearning';
import { type Decision, type DecisionInput, decideWithHold, tightenLimits } from './decide';
import { type GapScope, gapScopes } from './gapDistribution';
import {
  builtInPrior,
  type GapLearnerMemo,
  type GapLearningOptions,
  type LearnedGaps,
  type TimedGap,
} from './gapLearner';
import type { Policy } from './policy';
import { type PoolFacts, poolFactsOfHead } from './poolFacts';
import { type SelectedRule, selectRule } from './ruleSelection';
import type { SameKeyRank } from './sameKeyRank';
import type { SpendFacts } from './spendCaps';
import { costAwareKeep, createStrategy, type KeepAdvice, keepAliveContext } from './strategies';

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
  /**
   * The pool's rank among the Available pools of its match key (sameKeyRank.ts), from the pools
   * the caller read; absent: priced as if it alone would catch the key's next job.
   */
  readonly sameKey?: SameKeyRank;
  /** Each scope's recent idle gaps; undefined where none are known. */
  readonly gaps: (scope: GapScope) => readonly TimedGap[] | undefined;
  /**
   * Reuses learned distributions between calls while the samples are unchanged: the deployed
   * sweep's and reactors' (one per container) and the simulations'.
   */
  readonly memo?: GapLearnerMemo;
  readonly learning?: GapLearningOptions;
  /**
   * false: the decision's reason and its advice's basis are left empty, the decision the same
   * otherwise. For a caller that reads neither (a replay's whatif table).
   */
  readonly explain?: boolean;
}

export interface Evaluation {
  readonly facts: PoolFacts;
  readonly rule: SelectedRule;
  readonly decision: Decision;
  /**
   * Until when this decision holds if only the clock moves (decisionHoldsUntilMs), the next
   * refresh of a memo's learned gaps counted where the decision reads them: a replay need not ask
   * before.
   */
  readonly holdsUntilMs: number;
}

/** The shorter of two keeps (both must favour keeping); it holds while both do. */
const bothFavour = (
  a: KeepAdvice | undefined,
  b: KeepAdvice | undefined,
  explain: boolean,
): KeepAdvice | undefined => {
  if (!a || !b) return a;
  const shorter = b.keepUntilMs < a.keepUntilMs ? b : a;
  const holds =
    a.holdsUntilMs === undefined
      ? b.holdsUntilMs
      : b.holdsUntilMs === undefined
        ? a.holdsUntilMs
        : Math.min(a.holdsUntilMs, b.holdsUntilMs);
  const { holdsUntilMs: _, ...rest } = shorter;
  return {
    ...rest,
    basis: !explain
      ? ''
      : shorter === b
        ? `${b.basis} (the shorter keep; on gaps from the end: ${a.basis})`
        : `${a.basis} (the shorter keep; on gaps from the submission: ${b.basis})`,
    ...(holds !== undefined ? { holdsUntilMs: holds } : {}),
  };
};

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
  const scopes = gapScopes(facts);
  // Nothing learned in any scope: the built-in prior, with the learning options' figures.
  const both = learnBothClocks(scopes, situation.gaps, facts.headStartupSeconds, situation.nowMs, {
    ...(situation.memo ? { memo: situation.memo } : {}),
    ...(situation.learning ? { learning: situation.learning } : {}),
  });
  const learned = both.learned ?? builtInPrior(situation.learning);
  const settings = rule.settings.keepAlive;
  const explain = situation.explain !== false;
  const evidence = activityEvidence(
    rule.settings.extend.when,
    facts,
    situation.ownerLastSubmittedAtMs,
    situation.nowMs,
  );
  const lifetimeSeconds = tightenLimits(setup.limits, rule.settings).lifetimeCapSeconds;
  const maxIdleSeconds =
    facts.bornAtMs !== undefined && facts.availableSinceMs !== undefined
      ? (facts.bornAtMs - facts.availableSinceMs) / 1000 + lifetimeSeconds
      : lifetimeSeconds;
  const adviseOn = (gaps: LearnedGaps) => {
    const ctx = keepAliveContext(settings, facts, situation.nowMs, gaps, price, {
      evidence,
      maxIdleSeconds,
      ...(situation.sameKey ? { sameKey: situation.sameKey } : {}),
      ...(explain ? {} : { explain: false }),
    });
    const advice = ctx ? createStrategy(settings).advise(ctx) : undefined;
    // An adaptive rule's own advice is the check, unless it fell back (price unknown): a fallback
    // shows no keep pays, so the check is then the cost-aware one, absent without a price.
    const keepCheck = ctx
      ? settings.strategy === 'adaptive' && !advice?.fellBackTo
        ? advice
        : costAwareKeep(ctx)
      : undefined;
    return { advice, keepCheck };
  };
  const onEnd = adviseOn(learned);
  // An undecided clock: a keep must pay on either clock's gaps (the shorter keep of the two).
  // Where the end clock's gaps keep nothing, the shorter keep is none whatever the other says.
  const keeps = (a: KeepAdvice | undefined) => a !== undefined && a.keepUntilMs > situation.nowMs;
  const onSubmissionGaps =
    both.undecided && (keeps(onEnd.advice) || keeps(onEnd.keepCheck)) ? both.undecided() : undefined;
  const onSubmission = onSubmissionGaps ? adviseOn(onSubmissionGaps) : undefined;
  const advice = bothFavour(onEnd.advice, onSubmission?.advice, explain);
  const keepCheck = bothFavour(onEnd.keepCheck, onSubmission?.keepCheck, explain);
  const decisionInput: DecisionInput = {
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
    ...(keepCheck ? { keepCheck } : {}),
    limits: setup.limits,
    killSwitch: setup.killSwitch,
    ...(explain ? {} : { explain: false }),
  };
  const { decision, holdsUntilMs } = decideWithHold(
    decisionInput,
    situation.memo?.nextRefreshAtMs(situation.nowMs),
  );
  return { facts, rule, decision, holdsUntilMs };
};
