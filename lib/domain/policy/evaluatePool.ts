import type { JobRecord } from '../jobRecord';
import type { KeepAliveLimits } from '../keepAlive';
import { hourlyPrice, type PriceTable } from '../prices';
import { activityEvidence } from './activityEvidence';
import { type Decision, type DecisionInput, decide, decisionHoldsUntilMs, tightenLimits } from './decide';
import { type ClockedGaps, clockedGaps } from './gapClock';
import { type GapScope, gapScopes } from './gapDistribution';
import {
  builtInPrior,
  DEFAULT_GAP_LEARNING,
  type GapLearnerMemo,
  type GapLearningOptions,
  type LearnedGaps,
  learnHierarchical,
  type TimedGap,
} from './gapLearner';
import type { Policy } from './policy';
import { type PoolFacts, poolFactsOfHead } from './poolFacts';
import { type SelectedRule, selectRule } from './ruleSelection';
import type { SameKeyRank } from './sameKeyRank';
import type { SpendFacts } from './spendCaps';
import { costAwareKeep, createStrategy, keepAliveContext } from './strategies';

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
  /** Reuses learned distributions between calls while the samples are unchanged (simulations). */
  readonly memo?: GapLearnerMemo;
  readonly learning?: GapLearningOptions;
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

/**
 * A memo's scope for the match key's gaps shifted to one head start-up: a key whose heads start
 * warm and cold in turn keeps a level for each (siblings under the same broader levels, which are
 * learned once), instead of relearning its one level at every other decision. Kept per start-up
 * and key, so that a memo's lookup builds no string; a replay has a few start-ups.
 */
const shiftedKeyScopes = new Map<number, Map<string, GapScope>>();
const MAX_SHIFTED_KEY_SCOPES = 100_000;
let shiftedKeyScopeCount = 0;
const shiftedKeyScope = (key: GapScope, headStartupSeconds: number): GapScope => {
  let byKey = shiftedKeyScopes.get(headStartupSeconds);
  const known = byKey?.get(key.key);
  if (known) return known;
  const scope: GapScope = { kind: 'matchKey', key: `${key.key}#started in ${headStartupSeconds}s` };
  if (shiftedKeyScopeCount >= MAX_SHIFTED_KEY_SCOPES) return scope;
  if (!byKey) {
    byKey = new Map();
    shiftedKeyScopes.set(headStartupSeconds, byKey);
  }
  byKey.set(key.key, scope);
  shiftedKeyScopeCount++;
  return scope;
};

/** The scopes and lookup a memo learns from: the shifted key under its own scope. */
const memoScopes = (
  scopes: readonly GapScope[],
  lookup: PoolSituation['gaps'],
  headStartupSeconds: number,
): { scopes: readonly GapScope[]; lookup: PoolSituation['gaps'] } => {
  const key = scopes[0];
  if (key?.kind !== 'matchKey') return { scopes, lookup };
  const shifted = shiftedKeyScope(key, headStartupSeconds);
  return {
    scopes: [shifted, ...scopes.slice(1)],
    lookup: (scope) => lookup(scope === shifted ? key : scope),
  };
};

const memoLearn = (
  memo: GapLearnerMemo,
  scopes: readonly GapScope[],
  clocked: ClockedGaps,
  headStartupSeconds: number | undefined,
  situation: PoolSituation,
) => {
  const asked =
    clocked.shifted && headStartupSeconds !== undefined
      ? memoScopes(scopes, clocked.lookup, headStartupSeconds)
      : { scopes, lookup: clocked.lookup };
  return memo.learn(asked.scopes, asked.lookup, situation.nowMs, situation.learning);
};

/** The learned gaps with how the key's clock was chosen in their basis (read lazily, as the learner's own). */
const withClockBasis = (learned: LearnedGaps, clocked: ClockedGaps): LearnedGaps => {
  if (!clocked.chosen) return learned;
  let basis: string | undefined;
  return {
    distribution: learned.distribution,
    scope: learned.scope,
    get basis(): string {
      basis ??= `${learned.basis}; ${clocked.basis}`;
      return basis;
    },
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
  const clocked = clockedGaps(
    scopes,
    situation.gaps,
    facts.headStartupSeconds,
    (situation.learning ?? DEFAULT_GAP_LEARNING).gapClock,
  );
  // Nothing learned in any scope: the built-in prior, with the learning options' figures.
  const learned = withClockBasis(
    (situation.memo
      ? memoLearn(situation.memo, scopes, clocked, facts.headStartupSeconds, situation)
      : learnHierarchical(scopes, clocked.lookup, situation.nowMs, situation.learning)) ??
      builtInPrior(situation.learning),
    clocked,
  );
  const settings = rule.settings.keepAlive;
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
  const ctx = keepAliveContext(settings, facts, situation.nowMs, learned, price, {
    evidence,
    maxIdleSeconds,
    ...(situation.sameKey ? { sameKey: situation.sameKey } : {}),
  });
  const advice = ctx ? createStrategy(settings).advise(ctx) : undefined;
  const keepCheck = ctx ? (settings.strategy === 'adaptive' ? advice : costAwareKeep(ctx)) : undefined;
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
  };
  const decision = decide(decisionInput);
  const holdsUntilMs = decisionHoldsUntilMs(
    decisionInput,
    decision,
    situation.memo?.nextRefreshAtMs(situation.nowMs),
  );
  return { facts, rule, decision, holdsUntilMs };
};
