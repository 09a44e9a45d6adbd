import { clampKeepAlive, expiryAfterJobEnd, expiryAfterUpdate, type KeepAliveLimits } from '../keepAlive';
import { activityEvidence, activityEvidenceEndsAtMs } from './activityEvidence';
import { DECISION_PERIOD_SECONDS } from './decisionPeriod';
import { formatDuration } from './duration';
import type { Policy, RuleSettings, StrategyName } from './policy';
import type { PoolFacts } from './poolFacts';
import type { SelectedRule } from './ruleSelection';
import { checkSpend, type SpendCheck, type SpendFacts } from './spendCaps';
import type { KeepAdvice } from './strategies';
import { describeIdleLimit, readTagOverrides, shortenIdleLimit, type TagOverrides } from './tagOverrides';
import {
  describeLocalTime,
  type WorkingHoursStatus,
  workingHoursAt,
  workingHoursChangeAtMs,
} from './workingHours';

/**
 * The policy decision for one pool at one instant. Pure: `nowMs` and every fact are inputs.
 *
 * PRECEDENCE — the first step that applies decides; this list is the only statement of it.
 *  1. opt-out tag (when the rule honours it)        -> leave: poolwarden takes no action at all
 *  2. status is not Available (unknown included)    -> leave: a pool in use is never touched
 *  3. Available-since or expiry unknown             -> leave: never act on a guess
 *  4. a hard cap is reached: the rule's lifetime cap, the pool's or the team's idle spend per day
 *                                                   -> stop
 *  5. the idle limit is reached (inside/outside working hours, shortened by the idle-limit tag)
 *                                                   -> stop
 *  6. the pool ends within `extend.within`, extensions are on (`predictedReuse`, or an activity
 *     condition that holds), the expected-cost check says keeping past the expiry costs less
 *     than stopping (expectedCost.ts: activity is evidence inside it, never an override) and
 *     the caps leave room
 *                                                   -> extend, bounded by the step, the per-call
 *                                                      cap, the lifetime cap, the idle limit, the
 *                                                      spend caps and the expected-cost horizon
 *                                                      (reached a decision minute past it)
 *  7. the keep-alive strategy's time has passed     -> stop
 *  8. the predicted expiry has passed               -> leave: SageMaker ends the pool on its own,
 *                                                      the reconciler records how it ended
 *  9. the pool will end (expiry or a stop above) within the notification lead time
 *                                                   -> warn
 * 10. otherwise                                     -> leave
 *
 * Protection (the protect tag up to the job's own keep-alive, or a person's hold) turns every
 * stop of steps 4, 5 and 7 into "leave" until it runs out; it never extends anything, so it can
 * only keep what the job itself asked for, which SageMaker would have kept without poolwarden.
 * Caps always bound extensions, whatever the tags say. The kill switch, the policy's dry run and
 * the rule's dry run all make the decision a dry run; the action is still computed and recorded.
 */
export type DecisionAction = 'leave' | 'extend' | 'stop' | 'warn';

export type DecisionCause =
  | 'opted-out'
  | 'not-available'
  | 'facts-missing'
  | 'lifetime-cap'
  | 'spend-cap'
  | 'idle-limit'
  | 'extension'
  | 'strategy'
  | 'ending-soon'
  | 'protected'
  | 'extension-planned'
  | 'past-expiry'
  | 'within-limits';

export interface Decision {
  readonly action: DecisionAction;
  /** Machine-readable: which step of the precedence decided. */
  readonly cause: DecisionCause;
  /** extend: the KeepAlivePeriodInSeconds to set (already within every cap). */
  readonly keepAliveSeconds?: number;
  /** extend: the predicted new expiry; warn: when the pool will end or be stopped. */
  readonly endsAtMs?: number;
  /** For people: names the numbers that decided. */
  readonly reason: string;
  /** The rule the decision was taken under ("defaults" when none matched). */
  readonly rule: string;
  readonly dryRun: boolean;
}

export interface ActivityFacts {
  /** The pool owner's latest training-job submission, any match key. */
  readonly ownerLastSubmittedAtMs?: number;
}

export interface DecisionInput {
  readonly pool: PoolFacts;
  readonly nowMs: number;
  readonly policy: Pick<Policy, 'dryRun' | 'tagKeys'>;
  /** From selectRule(policy, pool). */
  readonly rule: SelectedRule;
  readonly activity: ActivityFacts;
  readonly spend: SpendFacts;
  /** On-demand USD per instance-hour of the pool's instance type; unknown: spend caps block extensions. */
  readonly pricePerInstanceHourUsd?: number;
  /** The predictor's output: adviseKeepAlive(rule.settings.keepAlive, pool, …). */
  readonly advice?: KeepAdvice;
  /**
   * The expected-cost check (costAwareKeep) every extension must pass; absent (price unknown):
   * nothing is kept past its expiry, since what cannot be priced cannot be shown to pay.
   */
  readonly keepCheck?: KeepAdvice;
  /** The deployment's limits (configuration); the rule's caps can only tighten them. */
  readonly limits: KeepAliveLimits;
  /** One configuration value that turns every action into a dry run. */
  readonly killSwitch: boolean;
  /** false: the reason is left empty, the decision the same otherwise (evaluatePool's explain). */
  readonly explain?: boolean;
}

/**
 * An extension must ask for at least this much keep-alive and move the expiry by at least as
 * much to be worth an UpdateTrainingJob call. It also keeps an "extension" from ever setting 0,
 * which would terminate the pool.
 */
const MIN_EXTENSION_SECONDS = 60;

/**
 * How far an extension bounded by the expected-cost horizon reaches past it: one decision period
 * (the sweep looks every minute, the next decision instant expectedCost.ts prices). The horizon
 * is where keeping stops paying *if the pool is stopped there*; whether to keep on from there is
 * the decision taken at the horizon, with the pool idle that long. An expiry set at the horizon
 * itself would end the pool before that decision, so the horizon would be chosen once.
 */
const DECIDE_AT_HORIZON_SECONDS = DECISION_PERIOD_SECONDS;

/** The facts of an Available pool once its rule, tags, clock and caps have been read. */
interface Situation {
  readonly input: DecisionInput;
  readonly settings: RuleSettings;
  readonly nowMs: number;
  readonly availableSinceMs: number;
  readonly expiresAtMs: number;
  readonly idleSeconds: number;
  readonly tags: TagOverrides;
  readonly hours: WorkingHoursStatus;
  readonly idleLimitSeconds: number | null;
  readonly limits: KeepAliveLimits;
  readonly idleUsdPerSecond: number | undefined;
  readonly spend: SpendCheck;
  readonly protection: Protection | undefined;
  readonly activity: readonly string[];
  readonly timeZone: string;
}

interface Protection {
  readonly untilMs: number;
  readonly by: string;
}

interface Extension {
  readonly keepAliveSeconds: number;
  readonly expiresAtMs: number;
  readonly because: string;
  readonly boundBy: string;
}

type ExtensionPlan = { readonly extension: Extension } | { readonly whyNot: string };

/** The rule's caps tighten the deployment's limits; they never loosen them. */
export const tightenLimits = (limits: KeepAliveLimits, settings: RuleSettings): KeepAliveLimits => ({
  perCallCapSeconds: Math.min(
    limits.perCallCapSeconds,
    settings.caps.keepAlivePerCallSeconds ?? Number.POSITIVE_INFINITY,
  ),
  lifetimeCapSeconds: Math.min(
    limits.lifetimeCapSeconds,
    settings.caps.poolLifetimeSeconds ?? Number.POSITIVE_INFINITY,
  ),
});

const at = (s: Situation, ms: number): string => {
  const delta = ms - s.nowMs;
  const relative = delta >= 0 ? `in ${formatDuration(delta / 1000)}` : `${formatDuration(-delta / 1000)} ago`;
  return `${describeLocalTime(ms, s.timeZone)} (${relative})`;
};

const protectionOf = (
  input: DecisionInput,
  tags: TagOverrides,
  availableSinceMs: number,
  expiresAtMs: number,
): Protection | undefined => {
  const { pool } = input;
  const candidates: Protection[] = [];
  if (tags.protect) {
    // The job's own keep-alive as SageMaker counts it; unknown: the current expiry.
    const untilMs =
      pool.ownKeepAliveSeconds === undefined
        ? expiresAtMs
        : expiryAfterJobEnd(
            availableSinceMs,
            pool.ownKeepAliveSeconds,
            pool.bornAtMs ?? availableSinceMs,
            input.limits,
          );
    candidates.push({ untilMs, by: `tag ${input.policy.tagKeys.protect}` });
  }
  if (pool.heldUntilMs !== undefined) {
    candidates.push({ untilMs: pool.heldUntilMs, by: 'a hold set by a person' });
  }
  const longest = candidates.sort((a, b) => b.untilMs - a.untilMs)[0];
  return longest && longest.untilMs > input.nowMs ? longest : undefined;
};

/** Recent activity named by the rule: evidence inside the expected-cost check, listed in reasons. */
const activityOf = (input: DecisionInput, settings: RuleSettings): readonly string[] =>
  activityEvidence(settings.extend.when, input.pool, input.activity.ownerLastSubmittedAtMs, input.nowMs)
    .because;

const situationOf = (input: DecisionInput, availableSinceMs: number, expiresAtMs: number): Situation => {
  const settings = input.rule.settings;
  const tags = readTagOverrides(input.pool.tags, input.policy.tagKeys, settings.honourTags);
  const hours = workingHoursAt(settings.workingHours, input.nowMs);
  const ruleLimit = hours.inside
    ? settings.idle.insideWorkingHoursSeconds
    : settings.idle.outsideWorkingHoursSeconds;
  const idleUsdPerSecond =
    input.pricePerInstanceHourUsd !== undefined && input.pool.instanceCount !== undefined
      ? (input.pricePerInstanceHourUsd * input.pool.instanceCount) / 3600
      : undefined;
  return {
    input,
    settings,
    nowMs: input.nowMs,
    availableSinceMs,
    expiresAtMs,
    idleSeconds: Math.max(0, (input.nowMs - availableSinceMs) / 1000),
    tags,
    hours,
    idleLimitSeconds: shortenIdleLimit(ruleLimit, tags.idleLimitSeconds),
    limits: tightenLimits(input.limits, settings),
    idleUsdPerSecond,
    spend: checkSpend(settings.caps, input.spend, input.pool.team, idleUsdPerSecond),
    protection: protectionOf(input, tags, availableSinceMs, expiresAtMs),
    activity: activityOf(input, settings),
    timeZone: settings.workingHours[0]?.timeZone ?? 'UTC',
  };
};

const describeIdle = (s: Situation): string => {
  const where = s.hours.inside ? 'inside working hours' : 'outside working hours';
  const holiday = s.hours.holiday ? `, holiday ${s.hours.holiday}` : '';
  const tag =
    s.tags.idleLimitSeconds !== undefined ? `, shortened by tag ${s.input.policy.tagKeys.idleLimit}` : '';
  return `idle ${formatDuration(s.idleSeconds)}, limit ${describeIdleLimit(s.idleLimitSeconds)} ${where} (${s.hours.localTime}${holiday})${tag}`;
};

/** Step 4: the rule's lifetime cap and the spend caps. */
const hardCapReached = (s: Situation): { cause: DecisionCause; reason: string } | undefined => {
  const bornAtMs = s.input.pool.bornAtMs;
  if (bornAtMs !== undefined) {
    const endMs = bornAtMs + s.limits.lifetimeCapSeconds * 1000;
    if (s.nowMs >= endMs) {
      return {
        cause: 'lifetime-cap',
        reason: `pool is ${formatDuration((s.nowMs - bornAtMs) / 1000)} old ≥ lifetime cap ${formatDuration(s.limits.lifetimeCapSeconds)}`,
      };
    }
  }
  if (s.spend.kind === 'reached') return { cause: 'spend-cap', reason: s.spend.reason };
  return undefined;
};

/** Step 6: what an extension would be now, or why there is none. */
const planExtension = (s: Situation): ExtensionPlan => {
  const { input, settings } = s;
  const check = input.keepCheck;
  if (!settings.extend.when.predictedReuse && s.activity.length === 0) {
    return { whyNot: 'no extension condition holds' };
  }
  if (!check) return { whyNot: 'the price is unknown, so no keep can be shown to pay' };
  if (!(Number.isFinite(check.keepUntilMs) && check.keepUntilMs > s.expiresAtMs)) {
    return { whyNot: `not worth it past the expiry: ${check.basis}` };
  }
  const because = [check.basis];
  const bornAtMs = input.pool.bornAtMs;
  if (bornAtMs === undefined) {
    return { whyNot: "the pool's birth is unknown, so its lifetime cap cannot be checked" };
  }
  // A reached cap whose stop protection deferred must still block any extension.
  if (s.spend.kind !== 'headroom') return { whyNot: s.spend.reason };

  const bounds: { label: string; untilMs: number }[] = [
    {
      label: `step ${formatDuration(settings.extend.stepSeconds)}`,
      untilMs: s.nowMs + settings.extend.stepSeconds * 1000,
    },
  ];
  bounds.push({
    label: 'expected-cost horizon',
    untilMs: check.keepUntilMs + DECIDE_AT_HORIZON_SECONDS * 1000,
  });
  if (s.idleLimitSeconds !== null) {
    bounds.push({
      label: `idle limit ${formatDuration(s.idleLimitSeconds)}`,
      untilMs: s.availableSinceMs + s.idleLimitSeconds * 1000,
    });
  }
  if (s.spend.boundBy && Number.isFinite(s.spend.seconds)) {
    bounds.push({ label: s.spend.boundBy, untilMs: s.nowMs + Math.floor(s.spend.seconds) * 1000 });
  }
  const tightest = bounds.reduce((a, b) => (b.untilMs < a.untilMs ? b : a));
  let boundBy = tightest.label;

  // keepAlive.ts owns the maths of the per-call cap and the lifetime cap.
  const wishedSeconds = (tightest.untilMs - s.nowMs) / 1000;
  let keepAliveSeconds = clampKeepAlive(wishedSeconds, s.limits);
  if (wishedSeconds > s.limits.perCallCapSeconds) {
    boundBy = `per-call cap ${formatDuration(s.limits.perCallCapSeconds)}`;
  }
  const capped = expiryAfterUpdate(s.nowMs, keepAliveSeconds, bornAtMs, s.limits);
  if (capped < s.nowMs + keepAliveSeconds * 1000) {
    keepAliveSeconds = clampKeepAlive((capped - s.nowMs) / 1000, s.limits);
    boundBy = `lifetime cap ${formatDuration(s.limits.lifetimeCapSeconds)}`;
  }
  const expiresAtMs = expiryAfterUpdate(s.nowMs, keepAliveSeconds, bornAtMs, s.limits);
  if (
    keepAliveSeconds < MIN_EXTENSION_SECONDS ||
    expiresAtMs < s.expiresAtMs + MIN_EXTENSION_SECONDS * 1000
  ) {
    return { whyNot: `${because.join('; ')}, but the ${boundBy} leaves no room past the current expiry` };
  }
  return { extension: { keepAliveSeconds, expiresAtMs, because: because.join('; '), boundBy } };
};

/** The stops planned for later (idle limit, strategy, lifetime cap), each deferred by protection. */
const plannedStops = (s: Situation): { atMs: number; what: string }[] => {
  const deferred = (ms: number) => Math.max(ms, s.protection?.untilMs ?? ms);
  const stops: { atMs: number; what: string }[] = [];
  if (s.idleLimitSeconds !== null) {
    stops.push({
      atMs: deferred(s.availableSinceMs + s.idleLimitSeconds * 1000),
      what: `stopped at the idle limit ${formatDuration(s.idleLimitSeconds)}`,
    });
  }
  const advice = s.input.advice;
  if (advice && advice.keepUntilMs < s.expiresAtMs) {
    stops.push({ atMs: deferred(advice.keepUntilMs), what: `stopped by the ${advice.strategy} strategy` });
  }
  const bornAtMs = s.input.pool.bornAtMs;
  if (bornAtMs !== undefined) {
    stops.push({
      atMs: deferred(bornAtMs + s.limits.lifetimeCapSeconds * 1000),
      what: `stopped at the lifetime cap ${formatDuration(s.limits.lifetimeCapSeconds)}`,
    });
  }
  return stops;
};

const NOT_WATCHED = (): void => {};

export const decide = (input: DecisionInput): Decision => decideSeeing(input, NOT_WATCHED);

/**
 * `decide`, and until when its decision holds (decisionHoldsUntilMs): the pool's situation read
 * once for both, as the sweep and a replay ask for both at every evaluation.
 */
export const decideWithHold = (
  input: DecisionInput,
  learnedChangesAtMs = Number.POSITIVE_INFINITY,
): { readonly decision: Decision; readonly holdsUntilMs: number } => {
  let situation: Situation | undefined;
  const decision = decideSeeing(input, (s) => {
    situation = s;
  });
  return { decision, holdsUntilMs: holdsUntilIn(input, decision, learnedChangesAtMs, situation) };
};

/** The decision; `seen` is given the situation it read, if a step before that did not decide. */
const decideSeeing = (input: DecisionInput, seen: (s: Situation) => void): Decision => {
  const { pool, rule } = input;
  const dryRun = input.killSwitch || input.policy.dryRun || rule.settings.dryRun;
  // The reason is written when the decision is made, unless the caller reads none.
  const decision = (
    action: DecisionAction,
    cause: DecisionCause,
    reason: () => string,
    extra: { keepAliveSeconds?: number; endsAtMs?: number } = {},
  ): Decision => ({
    action,
    cause,
    ...extra,
    reason: input.explain === false ? '' : reason(),
    rule: rule.name,
    dryRun,
  });

  // 1. Opt-out.
  const tags = readTagOverrides(pool.tags, input.policy.tagKeys, rule.settings.honourTags);
  if (tags.optOut) {
    return decision('leave', 'opted-out', () => `tag ${input.policy.tagKeys.optOut} opts the pool out`);
  }

  // 2. Only an Available pool is ever touched; unknown counts as in use.
  if (pool.status !== 'Available') {
    return decision(
      'leave',
      'not-available',
      () => `pool is ${pool.status ?? 'in an unknown state'}, not Available`,
    );
  }

  // 3. Never act on a guess.
  if (pool.availableSinceMs === undefined || pool.expiresAtMs === undefined) {
    return decision(
      'leave',
      'facts-missing',
      () => 'pool is Available but its idle start or expiry is unknown',
    );
  }

  const s = situationOf(input, pool.availableSinceMs, pool.expiresAtMs);
  seen(s);
  const ignored = s.tags.ignored.length > 0 ? `; ignored tags: ${s.tags.ignored.join(', ')}` : '';
  let blocked: (() => string) | undefined;
  const stop = (cause: DecisionCause, reason: () => string): Decision | undefined => {
    const protection = s.protection;
    if (!protection) return decision('stop', cause, () => reason() + ignored);
    blocked ??= () =>
      `${reason()}, but ${protection.by} protects the pool until ${at(s, protection.untilMs)}`;
    return undefined;
  };

  // 4. Hard caps.
  const cap = hardCapReached(s);
  if (cap) {
    const stopped = stop(cap.cause, () => cap.reason);
    if (stopped) return stopped;
  }

  // 5. Idle limit.
  if (s.idleLimitSeconds !== null && s.idleSeconds >= s.idleLimitSeconds) {
    const stopped = stop('idle-limit', () => describeIdle(s));
    if (stopped) return stopped;
  }

  // 6. Extension.
  const plan = planExtension(s);
  const remainingMs = s.expiresAtMs - s.nowMs;
  if ('extension' in plan && remainingMs <= s.settings.extend.withinSeconds * 1000) {
    const e = plan.extension;
    return decision(
      'extend',
      'extension',
      () =>
        `${e.because}; keep-alive ${formatDuration(e.keepAliveSeconds)} until ${at(s, e.expiresAtMs)}, bounded by the ${e.boundBy}${ignored}`,
      { keepAliveSeconds: e.keepAliveSeconds, endsAtMs: e.expiresAtMs },
    );
  }

  // 7. The strategy's own stop (activity already weighed inside it as evidence).
  const advice = input.advice;
  if (advice && advice.keepUntilMs < s.expiresAtMs && s.nowMs >= advice.keepUntilMs) {
    const stopped = stop('strategy', () => advice.basis);
    if (stopped) return stopped;
  }

  // 8. Past the predicted expiry: nothing left to warn about.
  if (remainingMs <= 0 && !('extension' in plan)) {
    return decision(
      'leave',
      'past-expiry',
      () =>
        `predicted expiry ${at(s, s.expiresAtMs)} has passed; the reconciler will see how the pool ended${ignored}`,
    );
  }

  // 9. Warn before the pool ends, whatever ends it.
  const ends = [
    ...('extension' in plan ? [] : [{ atMs: s.expiresAtMs, what: 'its keep-alive runs out' }]),
    ...plannedStops(s),
  ].sort((a, b) => a.atMs - b.atMs);
  const first = ends[0];
  const lead = s.settings.notifyLeadTimeSeconds;
  if (first && lead !== null && first.atMs - s.nowMs <= lead * 1000) {
    const whyNot = 'whyNot' in plan ? `; not extended: ${plan.whyNot}` : '';
    return decision(
      'warn',
      'ending-soon',
      () => `pool ends ${at(s, first.atMs)}: ${first.what}${whyNot}${ignored}`,
      {
        endsAtMs: first.atMs,
      },
    );
  }

  // 10. Leave.
  const protectedBy = blocked;
  if (protectedBy) return decision('leave', 'protected', () => protectedBy() + ignored);
  if ('extension' in plan) {
    return decision(
      'leave',
      'extension-planned',
      () =>
        `${plan.extension.because}; will extend within ${formatDuration(s.settings.extend.withinSeconds)} of the expiry ${at(s, s.expiresAtMs)}${ignored}`,
    );
  }
  return decision(
    'leave',
    'within-limits',
    () => `${describeIdle(s)}; expires ${at(s, s.expiresAtMs)}${ignored}`,
  );
};

/** The strategies whose advice reads the learned gaps (the others: the prices or fixed times). */
const STRATEGIES_THAT_LEARN: ReadonlySet<StrategyName> = new Set(['adaptive', 'hybrid-histogram']);

/** The earliest of the instants given after `after` (Infinity: none): edges kept as they come, not listed. */
class EarliestAfter {
  earliest = Number.POSITIVE_INFINITY;

  constructor(private readonly after: number) {}

  push(ms: number): void {
    if (ms > this.after && ms < this.earliest) this.earliest = ms;
  }
}

/** Edges nearer than this are taken as reached: the bound stays on the safe side of rounding. */
const HOLD_MARGIN_MS = 2000;

/**
 * Until when `decide` gives the same action if nothing but the clock changes: the
 * pool's idle time and its own idle spend grow, the team's spend at `spend.teamIdleUsdPerSecond`;
 * every other input (facts, tags, learned gaps, the advice's inputs, the team's other pools)
 * stays as it is, and a caller that sees one change must decide again. It is the first instant at
 * which an edge of the precedence above may be crossed: a cap, an idle limit (or working hours
 * beginning or ending while they could matter), a protection's end, the expiry, the extension
 * window and the room an extension would have, a warning's lead time, the strategy's time, or the
 * instant its advice or the expected-cost check may change. Never later than the true change,
 * sometimes earlier. A stop or an extension acts now: it holds only now.
 *
 * `learnedChangesAtMs`: when the learned gaps may change with the clock alone (a replay's next
 * refresh); it counts only where the decision reads them: a strategy that learns, and the
 * expected-cost check once an extension could be made.
 */
export const decisionHoldsUntilMs = (
  input: DecisionInput,
  decision: Decision,
  learnedChangesAtMs = Number.POSITIVE_INFINITY,
): number => holdsUntilIn(input, decision, learnedChangesAtMs);

/** decisionHoldsUntilMs, given the situation `decide` read, if it read one. */
const holdsUntilIn = (
  input: DecisionInput,
  decision: Decision,
  learnedChangesAtMs: number,
  situation?: Situation,
): number => {
  const { pool, nowMs } = input;
  if (decision.action === 'stop' || decision.action === 'extend') return nowMs;
  // Steps 1 to 3 read facts only, not the clock.
  if (pool.status !== 'Available' || pool.availableSinceMs === undefined || pool.expiresAtMs === undefined) {
    return Number.POSITIVE_INFINITY;
  }
  if (decision.cause === 'opted-out') return Number.POSITIVE_INFINITY;
  const s = situation ?? situationOf(input, pool.availableSinceMs, pool.expiresAtMs);
  const { settings } = s;
  const leadMs = (settings.notifyLeadTimeSeconds ?? 0) * 1000;
  const minExtensionMs = MIN_EXTENSION_SECONDS * 1000;
  const edges = new EarliestAfter(nowMs);
  const warnedAndReached = (ms: number) => {
    edges.push(ms - leadMs);
    edges.push(ms);
  };
  // Whether an extension could be made matters to the action only from the extension window or
  // the warning's lead time on (before, to the cause alone): its edges count from there.
  const planMattersFromMs = s.expiresAtMs - Math.max(settings.extend.withinSeconds * 1000, leadMs);
  const planEdge = (ms: number) => edges.push(Math.max(ms, planMattersFromMs));
  // Each fixed bound of an extension leaves less than the minimum keep-alive from this on.
  const extensionBound = (ms: number) => planEdge(ms - minExtensionMs);

  warnedAndReached(s.expiresAtMs);
  edges.push(s.expiresAtMs - settings.extend.withinSeconds * 1000);
  // The step and the per-call cap move with now: from these on they leave room past the expiry.
  planEdge(s.expiresAtMs + minExtensionMs - settings.extend.stepSeconds * 1000);
  planEdge(s.expiresAtMs + minExtensionMs - s.limits.perCallCapSeconds * 1000);
  if (pool.bornAtMs !== undefined) {
    const lifetimeEndMs = pool.bornAtMs + s.limits.lifetimeCapSeconds * 1000;
    warnedAndReached(lifetimeEndMs);
    extensionBound(lifetimeEndMs);
  }
  if (s.protection) warnedAndReached(s.protection.untilMs);

  if (s.idleLimitSeconds !== null) {
    warnedAndReached(s.availableSinceMs + s.idleLimitSeconds * 1000);
    extensionBound(s.availableSinceMs + s.idleLimitSeconds * 1000);
  }
  const inside = shortenIdleLimit(settings.idle.insideWorkingHoursSeconds, s.tags.idleLimitSeconds);
  const outside = shortenIdleLimit(settings.idle.outsideWorkingHoursSeconds, s.tags.idleLimitSeconds);
  if (inside !== outside && settings.workingHours.length > 0) {
    // Working hours choose the limit: their next edge counts once either limit could matter to
    // a stop, a warning or an extension.
    const shorter = Math.min(inside ?? Number.POSITIVE_INFINITY, outside ?? Number.POSITIVE_INFINITY);
    const mattersFromMs =
      s.availableSinceMs +
      shorter * 1000 -
      Math.max(leadMs, settings.extend.stepSeconds * 1000) -
      minExtensionMs;
    if (mattersFromMs > nowMs) edges.push(mattersFromMs);
    else {
      const changesAtMs = workingHoursChangeAtMs(settings.workingHours, nowMs);
      if (changesAtMs <= nowMs) return nowMs;
      edges.push(changesAtMs);
    }
  }

  // Each cap is reached when its spend, growing at its rate, meets it; an extension's bound by it
  // (now + the headroom at the pool's price) moves unless the spend grows at exactly that price.
  const price = s.idleUsdPerSecond;
  if (s.spend.kind === 'headroom' && price !== undefined && price > 0) {
    const poolRate = input.spend.poolIdleUsdPerSecond ?? price;
    const teamRate = input.spend.teamIdleUsdPerSecond ?? poolRate;
    const { caps } = settings;
    const spent: { capUsd: number | null; spentUsd: number | undefined; rate: number }[] = [
      { capUsd: caps.idleSpendPerPoolPerDayUsd, spentUsd: input.spend.poolIdleUsdToday, rate: poolRate },
    ];
    if (pool.team !== undefined) {
      spent.push({
        capUsd: caps.idleSpendPerTeamPerDayUsd,
        spentUsd: input.spend.teamIdleUsdToday,
        rate: teamRate,
      });
    }
    for (const { capUsd, spentUsd, rate } of spent) {
      if (capUsd === null || spentUsd === undefined || rate <= 0) continue;
      const headroomUsd = capUsd - spentUsd;
      edges.push(Math.max(nowMs + 1, nowMs + (headroomUsd / rate) * 1000));
      const drift = rate / price - 1;
      if (drift !== 0) {
        const boundMs = nowMs + (headroomUsd / price) * 1000;
        planEdge(nowMs + (boundMs - s.expiresAtMs - minExtensionMs) / drift);
        planEdge(nowMs + (boundMs - nowMs - minExtensionMs) / (drift + 1));
      }
    }
  }

  const advice = input.advice;
  if (advice) {
    if (STRATEGIES_THAT_LEARN.has(advice.strategy)) edges.push(learnedChangesAtMs);
    if (advice.holdsUntilMs !== undefined) {
      if (advice.holdsUntilMs <= nowMs) return nowMs;
      edges.push(advice.holdsUntilMs);
    }
    warnedAndReached(advice.keepUntilMs);
  }
  const check = input.keepCheck;
  if (check && (settings.extend.when.predictedReuse || s.activity.length > 0)) {
    if (check.holdsUntilMs !== undefined) {
      if (check.holdsUntilMs <= nowMs && nowMs >= planMattersFromMs) return nowMs;
      planEdge(check.holdsUntilMs);
    }
    extensionBound(check.keepUntilMs + DECIDE_AT_HORIZON_SECONDS * 1000);
    planEdge(learnedChangesAtMs);
  }
  edges.push(
    activityEvidenceEndsAtMs(settings.extend.when, pool, input.activity.ownerLastSubmittedAtMs, nowMs),
  );

  return Math.max(nowMs, edges.earliest - HOLD_MARGIN_MS);
};
