import type { Policy, PolicyTagKeys, RuleSettings } from './policy';

export const DEFAULT_TAG_KEYS: PolicyTagKeys = {
  optOut: 'poolwarden:opt-out',
  protect: 'poolwarden:protect',
  idleLimit: 'poolwarden:idle-limit',
};

/**
 * What poolwarden does when no policy file is given. It is meant to be safe to switch on
 * anywhere:
 * - it never extends a pool: every pool ends at the job's own keep-alive or earlier;
 * - it stops a pool only outside working hours (Mon-Fri 08:00-19:00 UTC), and only after 2 h
 *   idle, which a pool reaches only when someone (a person, another tool) kept it longer than
 *   SageMaker's default per-call cap of 1 h;
 * - the keep-alive strategy is `fixed` at the job's own keep-alive, so it never stops early;
 * - it warns owners 10 minutes before a pool ends; dry run is off.
 * Set your own time zone and holidays in a policy file: UTC is only a neutral starting point.
 */
export const DEFAULT_RULE_SETTINGS: RuleSettings = {
  workingHours: [
    {
      timeZone: 'UTC',
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      startMinute: 8 * 60,
      endMinute: 19 * 60,
      holidays: [],
    },
  ],
  idle: { insideWorkingHoursSeconds: null, outsideWorkingHoursSeconds: 2 * 3600 },
  extend: {
    when: { reusedWithinSeconds: null, ownerActiveWithinSeconds: null, predictedReuse: false },
    stepSeconds: 30 * 60,
    withinSeconds: 10 * 60,
  },
  caps: {
    keepAlivePerCallSeconds: null,
    poolLifetimeSeconds: null,
    idleSpendPerPoolPerDayUsd: null,
    idleSpendPerTeamPerDayUsd: null,
  },
  keepAlive: {
    strategy: 'fixed',
    fixedSeconds: null,
    // Seed article, P90: ~140 s to start on a new cluster against ~20 s on a warm pool.
    coldStartSeconds: 120,
    waitingValuePerHourUsd: 0,
    minSamples: 8,
    // The parameters of "Serverless in the Wild": 1-minute bins over 4 hours, 99th percentile
    // plus 10 %, CV threshold 2, half the gaps out of range.
    hybrid: {
      binSeconds: 60,
      rangeSeconds: 4 * 3600,
      tailPercentile: 0.99,
      margin: 0.1,
      cvThreshold: 2,
      outOfRangeThreshold: 0.5,
    },
  },
  notifyLeadTimeSeconds: 10 * 60,
  dryRun: false,
  honourTags: { optOut: true, protect: true, idleLimit: true },
};

export const DEFAULT_POLICY: Policy = {
  version: 1,
  dryRun: false,
  tagKeys: DEFAULT_TAG_KEYS,
  defaults: DEFAULT_RULE_SETTINGS,
  rules: [],
};
