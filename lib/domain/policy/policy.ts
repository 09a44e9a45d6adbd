/**
 * The policy as the domain sees it: every value resolved (the loader merges a rule over the
 * defaults and the defaults over DEFAULT_POLICY), durations in seconds, money in USD.
 * `null` always means "off": no limit, no cap, no condition.
 */

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One working-hours window. A pool is "inside working hours" when any of the rule's windows holds. */
export interface WorkingHoursWindow {
  /** IANA zone: weekdays, hours and holidays are read on this zone's wall clock, so DST is handled. */
  readonly timeZone: string;
  readonly days: readonly Weekday[];
  /** Minutes after local midnight, 0..1439. */
  readonly startMinute: number;
  /** Minutes after local midnight, 1..1440. A window with end <= start runs overnight into the next day. */
  readonly endMinute: number;
  /** Local ISO dates (YYYY-MM-DD) on which the window does not open. */
  readonly holidays: readonly string[];
}

export interface IdleLimits {
  /** Idle time after which the pool is stopped while inside working hours. */
  readonly insideWorkingHoursSeconds: number | null;
  readonly outsideWorkingHoursSeconds: number | null;
}

/** Any one condition that holds lets poolwarden extend a pool that is about to end. */
export interface ExtendConditions {
  /** The pool was taken over by a job at most this long ago. */
  readonly reusedWithinSeconds: number | null;
  /** The pool's owner submitted any training job at most this long ago. */
  readonly ownerActiveWithinSeconds: number | null;
  /** The keep-alive strategy wants the pool kept past its current expiry. */
  readonly predictedReuse: boolean;
}

export interface ExtendSettings {
  readonly when: ExtendConditions;
  /** The keep-alive one extension asks for, counted from the update. */
  readonly stepSeconds: number;
  /** Extend only once the pool would end within this time: fewer UpdateTrainingJob calls. */
  readonly withinSeconds: number;
}

/** Admin bounds. Nothing (a tag, a strategy, an extension condition) may go past them. */
export interface Caps {
  /** Per UpdateTrainingJob call; also bounded by the deployment's KeepAliveLimits. */
  readonly keepAlivePerCallSeconds: number | null;
  /** From the birth of the pool; also bounded by the deployment's KeepAliveLimits. */
  readonly poolLifetimeSeconds: number | null;
  readonly idleSpendPerPoolPerDayUsd: number | null;
  readonly idleSpendPerTeamPerDayUsd: number | null;
}

export const STRATEGY_NAMES = ['fixed', 'break-even', 'hybrid-histogram', 'adaptive'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Options of the hybrid-histogram policy of "Serverless in the Wild" (ATC '20). */
export interface HybridHistogramOptions {
  readonly binSeconds: number;
  /** Gaps at or beyond this are out of range (the paper uses 4 hours). */
  readonly rangeSeconds: number;
  /** Fraction, e.g. 0.99: keep up to the bin holding this share of the observed gaps. */
  readonly tailPercentile: number;
  /** Fraction added to the tail, e.g. 0.1. */
  readonly margin: number;
  /** Below this coefficient of variation of the bin counts the gaps show no pattern: fall back. */
  readonly cvThreshold: number;
  /** At or above this share of out-of-range gaps the histogram says nothing: fall back. */
  readonly outOfRangeThreshold: number;
}

export interface KeepAliveSettings {
  readonly strategy: StrategyName;
  /** The fixed keep-alive; null means the job's own keep-alive (what users set today). */
  readonly fixedSeconds: number | null;
  /** How much longer a job takes to start without a warm pool: the "buy" price in ski rental. */
  readonly coldStartSeconds: number;
  /** What a person waiting for a cold start costs, in USD per hour; 0 counts only the cluster. */
  readonly waitingValuePerHourUsd: number;
  /**
   * Fewer observed gaps than this: the hybrid histogram falls back to fixed. The adaptive strategy
   * needs no minimum: its learned distribution is shrunk toward broader scopes and, last, the
   * built-in prior (gapLearner.ts), which it decides on alone while nothing is learned.
   */
  readonly minSamples: number;
  readonly hybrid: HybridHistogramOptions;
}

/** Which job tags the admin lets users apply to pools under this rule. */
export interface TagPowers {
  readonly optOut: boolean;
  readonly protect: boolean;
  readonly idleLimit: boolean;
}

export interface RuleSettings {
  /** Empty: never inside working hours. */
  readonly workingHours: readonly WorkingHoursWindow[];
  readonly idle: IdleLimits;
  readonly extend: ExtendSettings;
  readonly caps: Caps;
  readonly keepAlive: KeepAliveSettings;
  /** Warn the owner this long before the pool ends; null: never warn. */
  readonly notifyLeadTimeSeconds: number | null;
  readonly dryRun: boolean;
  readonly honourTags: TagPowers;
}

/** `key` alone: the tag exists (any value). */
export interface TagCondition {
  readonly key: string;
  readonly value?: string;
}

/** Every listed criterion must hold; inside one list of alternatives, any entry may. Empty: every pool. */
export interface RuleMatch {
  /** All must hold. */
  readonly tags: readonly TagCondition[];
  /** Globs (`*`, `?`); any may match. */
  readonly instanceTypes: readonly string[];
  readonly teams: readonly string[];
  readonly owners: readonly string[];
  /** Account ids and region names; absent or empty: any. */
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

export interface PolicyRule {
  readonly name: string;
  readonly match: RuleMatch;
  readonly settings: RuleSettings;
}

/** The job tag keys users may set on a training job to steer poolwarden. */
export interface PolicyTagKeys {
  /** poolwarden takes no action on the pool at all. */
  readonly optOut: string;
  /** poolwarden never stops the pool before the job's own keep-alive ends. */
  readonly protect: string;
  /** A duration that shortens (never lengthens) the rule's idle limits. */
  readonly idleLimit: string;
}

export interface Policy {
  readonly version: 1;
  /** Every decision is a dry run, whatever the rules say. */
  readonly dryRun: boolean;
  readonly tagKeys: PolicyTagKeys;
  readonly defaults: RuleSettings;
  /** First match wins; no match: the defaults. */
  readonly rules: readonly PolicyRule[];
}

/** The name recorded for decisions taken under the defaults. */
export const DEFAULTS_RULE_NAME = 'defaults';
