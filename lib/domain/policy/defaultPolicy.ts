import { COLD_START_PENALTY_SECONDS } from '../costModel';
import type { Policy, PolicyTagKeys, RuleSettings } from './policy';

export const DEFAULT_TAG_KEYS: PolicyTagKeys = {
  optOut: 'poolwarden:opt-out',
  protect: 'poolwarden:protect',
  idleLimit: 'poolwarden:idle-limit',
};

/**
 * What poolwarden does when no policy file is given: the expected-cost policy, because it is
 * what pays on workloads nobody tuned for (bench/results.md, held-out team weeks):
 * - keep-alive strategy `adaptive`: at every sweep minute, keep a pool only while the learned
 *   chance of a same-key job, times what a cold start costs (122 s of the cluster plus $60/h of
 *   a waiting person), beats the expected idle price; so an expensive cluster is released at
 *   once and a cheap one kept through a long gap;
 * - `predictedReuse`: the same check may extend a pool past the job's own keep-alive, 30 min at a
 *   time, never cost-blind: recent activity is not an extension condition here;
 * - a key with few gaps borrows from its owner, team, instance family and all pools, and with
 *   nothing learned anywhere the decision runs on a built-in prior (gapLearner.ts): this beats
 *   falling back to break-even (minSamples 2 is then only the hybrid histogram's);
 * - as a safety net it stops a pool idle 2 h outside working hours (Mon-Fri 08:00-19:00 UTC);
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
    when: { reusedWithinSeconds: null, ownerActiveWithinSeconds: null, predictedReuse: true },
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
    strategy: 'adaptive',
    fixedSeconds: null,
    // Seed article, P90: 143 s to start on a new cluster against 21 s on a warm pool.
    coldStartSeconds: COLD_START_PENALTY_SECONDS,
    waitingValuePerHourUsd: 60,
    minSamples: 2,
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
