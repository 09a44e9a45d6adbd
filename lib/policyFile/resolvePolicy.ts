import { DEFAULT_POLICY } from '../domain/policy/defaultPolicy';
import { type Policy, type PolicyRule, type RuleSettings, WEEKDAYS } from '../domain/policy/policy';
import type { PolicyInput, RuleInput, SettingsInput } from './policySchema';

/** A value given in the file wins, including null ("off"); absent, the inherited one stays. */
const pick = <T>(value: T | undefined, inherited: T): T => (value === undefined ? inherited : value);

/** Settings written in the file, merged key by key over the settings they inherit. */
export const resolveSettings = (base: RuleSettings, input: SettingsInput): RuleSettings => ({
  // A list of windows replaces the inherited one whole: merging windows would be guesswork.
  workingHours:
    input.workingHours?.map((w) => ({
      timeZone: w.timeZone,
      days: WEEKDAYS.filter((day) => w.days.includes(day)),
      startMinute: w.start,
      endMinute: w.end,
      holidays: w.holidays ?? [],
    })) ?? base.workingHours,
  idle: {
    insideWorkingHoursSeconds: pick(input.idle?.insideWorkingHours, base.idle.insideWorkingHoursSeconds),
    outsideWorkingHoursSeconds: pick(input.idle?.outsideWorkingHours, base.idle.outsideWorkingHoursSeconds),
  },
  extend: {
    when: {
      reusedWithinSeconds: pick(input.extend?.when?.reusedWithin, base.extend.when.reusedWithinSeconds),
      ownerActiveWithinSeconds: pick(
        input.extend?.when?.ownerActiveWithin,
        base.extend.when.ownerActiveWithinSeconds,
      ),
      predictedReuse: pick(input.extend?.when?.predictedReuse, base.extend.when.predictedReuse),
    },
    stepSeconds: pick(input.extend?.step, base.extend.stepSeconds),
    withinSeconds: pick(input.extend?.within, base.extend.withinSeconds),
  },
  caps: {
    keepAlivePerCallSeconds: pick(input.caps?.keepAlivePerCall, base.caps.keepAlivePerCallSeconds),
    poolLifetimeSeconds: pick(input.caps?.poolLifetime, base.caps.poolLifetimeSeconds),
    idleSpendPerPoolPerDayUsd: pick(input.caps?.idleSpendPerPoolPerDay, base.caps.idleSpendPerPoolPerDayUsd),
    idleSpendPerTeamPerDayUsd: pick(input.caps?.idleSpendPerTeamPerDay, base.caps.idleSpendPerTeamPerDayUsd),
  },
  keepAlive: {
    strategy: pick(input.keepAlive?.strategy, base.keepAlive.strategy),
    fixedSeconds: pick(input.keepAlive?.fixed, base.keepAlive.fixedSeconds),
    coldStartSeconds: pick(input.keepAlive?.coldStart, base.keepAlive.coldStartSeconds),
    waitingValuePerHourUsd: pick(input.keepAlive?.waitingValuePerHour, base.keepAlive.waitingValuePerHourUsd),
    minSamples: pick(input.keepAlive?.minSamples, base.keepAlive.minSamples),
    hybrid: {
      binSeconds: pick(input.keepAlive?.hybrid?.bin, base.keepAlive.hybrid.binSeconds),
      rangeSeconds: pick(input.keepAlive?.hybrid?.range, base.keepAlive.hybrid.rangeSeconds),
      tailPercentile: pick(input.keepAlive?.hybrid?.tailPercentile, base.keepAlive.hybrid.tailPercentile),
      margin: pick(input.keepAlive?.hybrid?.margin, base.keepAlive.hybrid.margin),
      cvThreshold: pick(input.keepAlive?.hybrid?.cvThreshold, base.keepAlive.hybrid.cvThreshold),
      outOfRangeThreshold: pick(
        input.keepAlive?.hybrid?.outOfRangeThreshold,
        base.keepAlive.hybrid.outOfRangeThreshold,
      ),
    },
  },
  notifyLeadTimeSeconds: pick(input.notify?.leadTime, base.notifyLeadTimeSeconds),
  dryRun: pick(input.dryRun, base.dryRun),
  honourTags: {
    optOut: pick(input.honourTags?.optOut, base.honourTags.optOut),
    protect: pick(input.honourTags?.protect, base.honourTags.protect),
    idleLimit: pick(input.honourTags?.idleLimit, base.honourTags.idleLimit),
  },
});

const resolveRule = (defaults: RuleSettings, rule: RuleInput): PolicyRule => ({
  name: rule.name,
  match: {
    tags: rule.match?.tags ?? [],
    instanceTypes: rule.match?.instanceTypes ?? [],
    teams: rule.match?.teams ?? [],
    owners: rule.match?.owners ?? [],
    ...(rule.match?.accounts?.length ? { accounts: rule.match.accounts } : {}),
    ...(rule.match?.regions?.length ? { regions: rule.match.regions } : {}),
  },
  settings: resolveSettings(defaults, rule),
});

/** A validated document as the domain's Policy: rules over the file's defaults over `base`. */
export const resolvePolicy = (input: PolicyInput, base: Policy = DEFAULT_POLICY): Policy => {
  const defaults = resolveSettings(base.defaults, input.defaults ?? {});
  return {
    version: 1,
    dryRun: pick(input.dryRun, base.dryRun),
    tagKeys: {
      optOut: pick(input.tagKeys?.optOut, base.tagKeys.optOut),
      protect: pick(input.tagKeys?.protect, base.tagKeys.protect),
      idleLimit: pick(input.tagKeys?.idleLimit, base.tagKeys.idleLimit),
    },
    defaults,
    rules: (input.rules ?? []).map((rule) => resolveRule(defaults, rule)),
  };
};
