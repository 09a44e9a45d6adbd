import { DEFAULT_POLICY, DEFAULT_RULE_SETTINGS } from '../../lib/domain/policy/defaultPolicy';
import type { KeepAliveSettings, Policy, StrategyName } from '../../lib/domain/policy/policy';

export interface SimPolicyOptions {
  readonly strategy: StrategyName;
  /** The "buy" price of ski rental: how much longer a cold start takes than a warm one. */
  readonly coldStartSeconds: number;
  readonly waitingValuePerHourUsd: number;
  /** For `fixed` and for the hybrid histogram's fallback; null: the job's own keep-alive. */
  readonly fixedSeconds?: number | null;
  readonly minSamples?: number;
}

/**
 * The policy file a benchmark user would write to let a keep-alive strategy manage every pool:
 * no idle limits, no working hours, no spend caps, no warnings; extend when the strategy
 * predicts a reuse past the current expiry, stop when its time has passed. Everything else is
 * the built-in default (extension step 30 min, within 10 min of the expiry, hybrid-histogram
 * parameters of the paper).
 */
export const simPolicy = (options: SimPolicyOptions): Policy => {
  const keepAlive: KeepAliveSettings = {
    ...DEFAULT_RULE_SETTINGS.keepAlive,
    strategy: options.strategy,
    fixedSeconds: options.fixedSeconds ?? null,
    coldStartSeconds: options.coldStartSeconds,
    waitingValuePerHourUsd: options.waitingValuePerHourUsd,
    ...(options.minSamples !== undefined ? { minSamples: options.minSamples } : {}),
  };
  return {
    ...DEFAULT_POLICY,
    defaults: {
      ...DEFAULT_RULE_SETTINGS,
      workingHours: [],
      idle: { insideWorkingHoursSeconds: null, outsideWorkingHoursSeconds: null },
      extend: {
        ...DEFAULT_RULE_SETTINGS.extend,
        when: { ...DEFAULT_RULE_SETTINGS.extend.when, predictedReuse: true },
      },
      notifyLeadTimeSeconds: null,
      keepAlive,
    },
  };
};
