import { poolCosts } from './costModel';
import { clampKeepAlive, expiryAfterUpdate, type KeepAliveLimits } from './keepAlive';
import { tightenLimits } from './policy/decide';
import { formatDuration, formatUsd } from './policy/duration';
import { chooseKeep } from './policy/expectedCost';
import { type GapScope, gapScopes } from './policy/gapDistribution';
import { learnHierarchical, type TimedGap } from './policy/gapLearner';
import type { PoolFacts } from './policy/poolFacts';
import type { SelectedRule } from './policy/ruleSelection';
import { checkSpend, type SpendFacts } from './policy/spendCaps';
import { describeLocalTime, endOfWorkingDay, workingHoursAt } from './policy/workingHours';

/** What a person can ask for from a pool message. */
export type PoolButton = 'extend' | 'stop' | 'keep-until-end-of-day' | 'snooze';

/** One step of a plan, in order: at most a keep-alive change, then at most a hold. */
export type PlanStep =
  | { readonly action: 'extend'; readonly keepAliveSeconds: number; readonly expiresAtMs: number }
  | { readonly action: 'stop' }
  | { readonly action: 'hold'; readonly untilMs: number };

export type ButtonPlan =
  | {
      readonly kind: 'act';
      readonly steps: readonly [PlanStep, ...PlanStep[]];
      /** For the decision record and the reply: what bounded the plan. */
      readonly reason: string;
    }
  /** Nothing to do, and why (outside working hours, no room under a cap, already held). */
  | { readonly kind: 'refuse'; readonly reason: string };

export interface ButtonPlanInput {
  readonly button: PoolButton;
  /** The pool as the ledger holds it; the caller checked it is Available. */
  readonly pool: PoolFacts;
  /** From selectRule(policy, pool): its extend step, caps and working hours apply. */
  readonly rule: SelectedRule;
  /** The deployment's limits; the rule's caps only tighten them. */
  readonly limits: KeepAliveLimits;
  readonly nowMs: number;
  /** How long Snooze holds off the idle policy. */
  readonly snoozeSeconds: number;
  readonly spend: SpendFacts;
  /** USD per instance-hour; unknown: a spend cap cannot be checked, so nothing is kept longer. */
  readonly pricePerInstanceHourUsd?: number;
  /** The learned idle gaps by scope (usage statistics): the expected-cost check of a keep. */
  readonly gaps?: (scope: GapScope) => readonly TimedGap[] | undefined;
}

/**
 * A person clicking Keep or Extend is evidence that a reuse is near: it multiplies the hazard of
 * a same-key submission in the expected-cost check. It still cannot keep a pool whose idle price
 * no likely reuse can pay for.
 */
export const PERSON_KEEP_HAZARD_RATIO = 4;

/**
 * The expected-cost check of a keep asked for in Slack: undefined when it passes (or when nothing
 * is learned or priced, so the person's word is all there is), else why it does not pay.
 */
const keepDoesNotPay = (input: ButtonPlanInput): string | undefined => {
  const { pool, nowMs } = input;
  if (!input.gaps || input.pricePerInstanceHourUsd === undefined || pool.instanceCount === undefined)
    return undefined;
  if (pool.availableSinceMs === undefined) return undefined;
  const learned = learnHierarchical(gapScopes(pool), input.gaps, nowMs);
  if (!learned) return undefined;
  const settings = input.rule.settings.keepAlive;
  const costs = poolCosts({
    pricePerInstanceHourUsd: input.pricePerInstanceHourUsd,
    instanceCount: pool.instanceCount,
    coldStartSeconds: settings.coldStartSeconds,
    waitingValuePerHourUsd: settings.waitingValuePerHourUsd,
  });
  const idle = Math.max(0, (nowMs - pool.availableSinceMs) / 1000);
  const choice = chooseKeep(learned.distribution, idle, costs, {
    hazardRatio: PERSON_KEEP_HAZARD_RATIO,
    maxIdleSeconds: Number.POSITIVE_INFINITY,
    nextDecisionSeconds: idle + 60,
  });
  if (choice.keepUntilIdleSeconds > idle) return undefined;
  return `keeping it is not expected to pay even with your click as evidence (hazard × ${PERSON_KEEP_HAZARD_RATIO}): idling costs ${formatUsd(costs.idleUsdPerSecond * 3600)}/h against ${formatUsd(costs.coldStartUsd)} for a cold start, and ${learned.basis} show no reuse soon enough; stop it, or snooze to hold the idle policy off`;
};

/** As in decide(): an extension must move the expiry by at least this much to be worth a call. */
const MIN_GAIN_SECONDS = 60;

interface Bound {
  readonly untilMs: number;
  readonly label: string;
}

/** The latest end every admin cap allows: the rule's lifetime cap and the idle spend caps. */
const capBounds = (input: ButtonPlanInput, limits: KeepAliveLimits): Bound[] | { refuse: string } => {
  const { pool, nowMs } = input;
  const bornAtMs = pool.bornAtMs;
  if (bornAtMs === undefined)
    return { refuse: "the pool's birth is unknown, so its lifetime cap cannot be checked" };
  const bounds: Bound[] = [
    {
      untilMs: bornAtMs + limits.lifetimeCapSeconds * 1000,
      label: `lifetime cap ${formatDuration(limits.lifetimeCapSeconds)}`,
    },
  ];
  const idleUsdPerSecond =
    input.pricePerInstanceHourUsd !== undefined && pool.instanceCount !== undefined
      ? (input.pricePerInstanceHourUsd * pool.instanceCount) / 3600
      : undefined;
  const spend = checkSpend(input.rule.settings.caps, input.spend, pool.team, idleUsdPerSecond);
  if (spend.kind !== 'headroom') return { refuse: spend.reason };
  if (spend.boundBy && Number.isFinite(spend.seconds)) {
    bounds.push({ untilMs: nowMs + Math.floor(spend.seconds) * 1000, label: spend.boundBy });
  }
  return bounds;
};

const tightest = (bounds: readonly Bound[]): Bound =>
  bounds.reduce((a, b) => (b.untilMs < a.untilMs ? b : a));

/**
 * A keep-alive that ends as close to `wished.untilMs` as every cap allows (keepAlive.ts does the
 * maths), without a step when it would not move the expiry later; `boundBy` names the tightest bound.
 */
const extensionTo = (
  input: ButtonPlanInput,
  wished: Bound,
  caps: readonly Bound[],
  limits: KeepAliveLimits,
): { readonly step?: PlanStep & { action: 'extend' }; readonly boundBy: string } => {
  const { nowMs, pool } = input;
  const bound = tightest([wished, ...caps]);
  let boundBy = bound.label;
  const wishedSeconds = (bound.untilMs - nowMs) / 1000;
  const keepAliveSeconds = clampKeepAlive(wishedSeconds, limits);
  if (wishedSeconds > limits.perCallCapSeconds) {
    boundBy = `per-call cap ${formatDuration(limits.perCallCapSeconds)}`;
  }
  const expiresAtMs = expiryAfterUpdate(nowMs, keepAliveSeconds, pool.bornAtMs ?? nowMs, limits);
  const current = pool.expiresAtMs ?? nowMs;
  if (keepAliveSeconds < MIN_GAIN_SECONDS || expiresAtMs < current + MIN_GAIN_SECONDS * 1000)
    return { boundBy };
  return { step: { action: 'extend', keepAliveSeconds, expiresAtMs }, boundBy };
};

const zoneOf = (input: ButtonPlanInput) => input.rule.settings.workingHours[0]?.timeZone ?? 'UTC';

/**
 * What a click on a pool button does, under the pool's rule. Pure: the caller gathers the facts.
 *
 * - Stop: keep-alive 0, now.
 * - Extend: the expiry moves later by the rule's extend step (from the current expiry), bounded
 *   by the per-call cap, the lifetime cap and the idle spend caps; then a hold until the new
 *   expiry, so that the idle policy does not stop what the person just asked to keep.
 * - Keep until end of day: a keep-alive up to the end of the rule's working window under way
 *   (bounded by the same caps) and a hold until then; refused outside working hours.
 * - Snooze: a hold for the configured time (bounded by the caps); the keep-alive is unchanged,
 *   so the pool still ends at its expiry: only the idle policy's stops wait.
 * A hold never shortens an existing one.
 */
export const planPoolButton = (input: ButtonPlanInput): ButtonPlan => {
  const { nowMs, pool, rule } = input;
  if (input.button === 'stop')
    return { kind: 'act', steps: [{ action: 'stop' }], reason: 'keep-alive set to 0' };

  const limits = tightenLimits(input.limits, rule.settings);
  const caps = capBounds(input, limits);
  if ('refuse' in caps) return { kind: 'refuse', reason: caps.refuse };
  const held = pool.heldUntilMs ?? Number.NEGATIVE_INFINITY;
  const currentExpiry = pool.expiresAtMs ?? nowMs;
  const zone = zoneOf(input);

  if (input.button === 'extend' || input.button === 'keep-until-end-of-day') {
    const why = keepDoesNotPay(input);
    if (why) return { kind: 'refuse', reason: why };
  }

  switch (input.button) {
    case 'extend': {
      const step = rule.settings.extend.stepSeconds;
      const wished: Bound = {
        untilMs: Math.max(nowMs, currentExpiry) + step * 1000,
        label: `step ${formatDuration(step)} of rule ${rule.name}`,
      };
      const { step: extend, boundBy } = extensionTo(input, wished, caps, limits);
      if (!extend) {
        return {
          kind: 'refuse',
          reason: `the ${boundBy} leaves no room past the current expiry ${describeLocalTime(currentExpiry, zone)}`,
        };
      }
      return {
        kind: 'act',
        steps:
          held >= extend.expiresAtMs ? [extend] : [extend, { action: 'hold', untilMs: extend.expiresAtMs }],
        reason: `keep-alive ${formatDuration(extend.keepAliveSeconds)} until ${describeLocalTime(extend.expiresAtMs, zone)}, bounded by the ${boundBy}`,
      };
    }
    case 'keep-until-end-of-day': {
      const hours = workingHoursAt(rule.settings.workingHours, nowMs);
      const endOfDay = endOfWorkingDay(rule.settings.workingHours, nowMs);
      if (endOfDay === undefined) {
        return {
          kind: 'refuse',
          reason: `it is outside working hours (${hours.localTime}${hours.holiday ? `, holiday ${hours.holiday}` : ''}) under rule ${rule.name}: there is no working day to keep it until`,
        };
      }
      const wished: Bound = {
        untilMs: endOfDay,
        label: `end of the working day ${describeLocalTime(endOfDay, zone)}`,
      };
      const holdBound = tightest([wished, ...caps]);
      const extension = extensionTo(input, wished, caps, limits);
      const steps: PlanStep[] = extension.step ? [extension.step] : [];
      if (holdBound.untilMs > held && holdBound.untilMs > nowMs)
        steps.push({ action: 'hold', untilMs: holdBound.untilMs });
      const [first, ...rest] = steps;
      if (!first) {
        return {
          kind: 'refuse',
          reason: `the pool is already kept and held until ${describeLocalTime(Math.max(held, currentExpiry), zone)}`,
        };
      }
      const keptUntil = extension.step ? extension.step.expiresAtMs : currentExpiry;
      const short =
        keptUntil < holdBound.untilMs
          ? `; the ${extension.boundBy} keeps it only until ${describeLocalTime(keptUntil, zone)}: extend again before then`
          : '';
      return {
        kind: 'act',
        steps: [first, ...rest],
        reason: `kept for the working day until ${describeLocalTime(holdBound.untilMs, zone)}, bounded by the ${holdBound.label}${short}`,
      };
    }
    case 'snooze': {
      const wished: Bound = {
        untilMs: nowMs + input.snoozeSeconds * 1000,
        label: `snooze ${formatDuration(input.snoozeSeconds)}`,
      };
      const bound = tightest([wished, ...caps]);
      if (bound.untilMs <= held) {
        return {
          kind: 'refuse',
          reason: `auto-stop is already held off until ${describeLocalTime(held, zone)}`,
        };
      }
      if (bound.untilMs < nowMs + MIN_GAIN_SECONDS * 1000) {
        return { kind: 'refuse', reason: `the ${bound.label} leaves no room to snooze` };
      }
      return {
        kind: 'act',
        steps: [{ action: 'hold', untilMs: bound.untilMs }],
        reason: `auto-stop held off until ${describeLocalTime(bound.untilMs, zone)}, bounded by the ${bound.label}; the keep-alive still ends the pool at ${describeLocalTime(currentExpiry, zone)}`,
      };
    }
  }
};
