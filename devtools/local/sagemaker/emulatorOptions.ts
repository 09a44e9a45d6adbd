import { DEFAULT_KEEP_ALIVE_LIMITS, type KeepAliveLimits } from '../../../lib/domain/keepAlive';
import { ASSUMED_POOL_CHOICE } from '../../../lib/domain/poolChoice';
import type { Clock } from '../../../lib/ports/clock';
import type { EventStyle } from './eventStyle';
import type { TrainingJobStateChangeEvent } from './jobStateEvent';
import type { PoolChoiceRule } from './poolChoice';

/** Seconds from CreateTrainingJob to TrainingStartTime. */
export interface StartupSeconds {
  readonly cold: number;
  readonly warm: number;
}

/** Fault injection: decides, per call, whether the API answers ThrottlingException instead. */
export type ThrottleHook = (operation: string, callNumber: number) => boolean;

export interface ThrottleOptions {
  /** Throttle every Nth call (counted over all operations, or over `operations` when given). */
  readonly everyNth?: number;
  /** Restrict throttling to these operations, e.g. ['UpdateTrainingJob']. */
  readonly operations?: readonly string[];
  /** Full control; consulted after `everyNth`. */
  readonly hook?: ThrottleHook;
}

export interface EmulatorOptions {
  readonly clock: Clock;
  readonly onEvent?: (event: TrainingJobStateChangeEvent) => void;
  readonly eventStyle?: EventStyle;
  readonly region?: string;
  readonly accountId?: string;
  readonly startupSeconds?: Partial<StartupSeconds>;
  /** From StopTrainingJob (status Stopping) to status Stopped. */
  readonly stopDelaySeconds?: number;
  /** Warm pool quota per instance type, in instances. */
  readonly quotas?: Readonly<Record<string, number>>;
  /** Quota for instance types absent from `quotas`. SageMaker's own default is 0. */
  readonly defaultQuota?: number;
  readonly keepAliveLimits?: Partial<KeepAliveLimits>;
  readonly throttle?: ThrottleOptions;
  /** Which matching Available pool a new job takes (warmPoolRules.ts); absent: poolwarden's assumption. */
  readonly poolChoice?: PoolChoiceRule;
}

export interface ResolvedOptions {
  readonly clock: Clock;
  readonly eventStyle: EventStyle;
  readonly region: string;
  readonly accountId: string;
  readonly startupSeconds: StartupSeconds;
  readonly stopDelaySeconds: number;
  readonly quotas: Readonly<Record<string, number>>;
  readonly defaultQuota: number;
  readonly keepAliveLimits: KeepAliveLimits;
  readonly poolChoice: PoolChoiceRule;
}

/**
 * P90 startup latencies from the seed article (Fast File Mode): 143 s for a first job,
 * 21 s for a job that lands on a warm pool.
 */
export const DEFAULT_STARTUP_SECONDS: StartupSeconds = { cold: 143, warm: 21 };
export const DEFAULT_STOP_DELAY_SECONDS = 5;
/** Generous, so that the demo shows pools; a real account starts at 0. */
export const DEFAULT_WARM_POOL_QUOTA = 100;
export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';

const nonNegative = (name: string, value: number): number => {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number`);
  return value;
};

export const resolveOptions = (options: EmulatorOptions): ResolvedOptions => {
  const quotas = options.quotas ?? {};
  for (const [type, quota] of Object.entries(quotas)) nonNegative(`quota of ${type}`, quota);
  return {
    clock: options.clock,
    eventStyle: options.eventStyle ?? 'documented',
    region: options.region ?? DEFAULT_REGION,
    accountId: options.accountId ?? DEFAULT_ACCOUNT_ID,
    startupSeconds: {
      cold: nonNegative('startupSeconds.cold', options.startupSeconds?.cold ?? DEFAULT_STARTUP_SECONDS.cold),
      warm: nonNegative('startupSeconds.warm', options.startupSeconds?.warm ?? DEFAULT_STARTUP_SECONDS.warm),
    },
    stopDelaySeconds: nonNegative('stopDelaySeconds', options.stopDelaySeconds ?? DEFAULT_STOP_DELAY_SECONDS),
    quotas,
    defaultQuota: nonNegative('defaultQuota', options.defaultQuota ?? DEFAULT_WARM_POOL_QUOTA),
    keepAliveLimits: { ...DEFAULT_KEEP_ALIVE_LIMITS, ...options.keepAliveLimits },
    poolChoice: options.poolChoice ?? ASSUMED_POOL_CHOICE,
  };
};
