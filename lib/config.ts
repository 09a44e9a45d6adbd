import * as z from 'zod';
import { DEFAULT_KEEP_ALIVE_LIMITS, type KeepAliveLimits } from './domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS, type OwnerTagKeys } from './domain/owner';

/** A configuration problem found at cold start, naming every variable at fault. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid poolwarden configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** Parses the environment with a schema: every problem named at once, as one ConfigError. */
export const parseEnvironment = <S extends z.ZodType>(schema: S, env: Environment): z.infer<S> => {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  return result.data;
};

/** A comma-separated list variable, with its default when unset. */
export const envList = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((s) =>
      s
        ? s
            .split(',')
            .map((k) => k.trim())
            .filter(Boolean)
        : [...fallback],
    );

const seconds = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const tagList = envList;

const environment = z.object({
  POOLWARDEN_TABLE: z.string().min(3, 'must name the ledger table'),
  POOLWARDEN_KEEP_ALIVE_CAP_SECONDS: seconds(DEFAULT_KEEP_ALIVE_LIMITS.perCallCapSeconds).refine(
    (s) => s <= 21_600,
    'SageMaker allows at most 21600 seconds per call',
  ),
  POOLWARDEN_POOL_LIFETIME_CAP_SECONDS: seconds(DEFAULT_KEEP_ALIVE_LIMITS.lifetimeCapSeconds),
  POOLWARDEN_DESCRIBE_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  POOLWARDEN_OWNER_TAG_KEYS: tagList(DEFAULT_OWNER_TAG_KEYS.owner),
  POOLWARDEN_TEAM_TAG_KEYS: tagList(DEFAULT_OWNER_TAG_KEYS.team),
  POOLWARDEN_EMAIL_TAG_KEYS: tagList(DEFAULT_OWNER_TAG_KEYS.email),
  POOLWARDEN_SLACK_CHANNEL_TAG_KEYS: tagList(DEFAULT_OWNER_TAG_KEYS.slackChannel),
  POOLWARDEN_SLACK_USER_TAG_KEYS: tagList(DEFAULT_OWNER_TAG_KEYS.slackUser),
});

export interface CoreConfig {
  readonly tableName: string;
  readonly limits: KeepAliveLimits;
  readonly describeConcurrency: number;
  readonly tagKeys: OwnerTagKeys;
}

export const loadCoreConfig = (env: Environment): CoreConfig => {
  const e = parseEnvironment(environment, env);
  return {
    tableName: e.POOLWARDEN_TABLE,
    limits: {
      perCallCapSeconds: e.POOLWARDEN_KEEP_ALIVE_CAP_SECONDS,
      lifetimeCapSeconds: e.POOLWARDEN_POOL_LIFETIME_CAP_SECONDS,
    },
    describeConcurrency: e.POOLWARDEN_DESCRIBE_CONCURRENCY,
    tagKeys: {
      owner: e.POOLWARDEN_OWNER_TAG_KEYS,
      team: e.POOLWARDEN_TEAM_TAG_KEYS,
      email: e.POOLWARDEN_EMAIL_TAG_KEYS,
      slackChannel: e.POOLWARDEN_SLACK_CHANNEL_TAG_KEYS,
      slackUser: e.POOLWARDEN_SLACK_USER_TAG_KEYS,
    },
  };
};

const switchValue = z
  .enum(['on', 'off', 'true', 'false'], { message: 'must be on or off' })
  .default('off')
  .transform((v) => v === 'on' || v === 'true');

const policyEnvironment = z.object({
  POOLWARDEN_KILL_SWITCH: switchValue,
  POOLWARDEN_KILL_SWITCH_PARAM: z.string().startsWith('/', 'must be an SSM parameter name').optional(),
  POOLWARDEN_POLICY_PARAM: z.string().startsWith('/', 'must be an SSM parameter name').optional(),
  POOLWARDEN_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(4),
  POOLWARDEN_RECONCILE_MINUTES: z.coerce.number().positive().max(1440).default(15),
});

/** How the policies run: the kill switch, where the policy comes from, the sweep's pace. */
export interface PolicyConfig {
  /** Every action becomes a dry run (a runtime SSM parameter, when named, overrides this). */
  readonly killSwitch: boolean;
  readonly killSwitchParam?: string;
  /** An SSM parameter holding the policy file's text; absent: the built-in default policy. */
  readonly policyParam?: string;
  readonly sweepConcurrency: number;
  readonly reconcileEveryMs: number;
}

export const loadPolicyConfig = (env: Environment): PolicyConfig => {
  const e = parseEnvironment(policyEnvironment, env);
  return {
    killSwitch: e.POOLWARDEN_KILL_SWITCH,
    ...(e.POOLWARDEN_KILL_SWITCH_PARAM ? { killSwitchParam: e.POOLWARDEN_KILL_SWITCH_PARAM } : {}),
    ...(e.POOLWARDEN_POLICY_PARAM ? { policyParam: e.POOLWARDEN_POLICY_PARAM } : {}),
    sweepConcurrency: e.POOLWARDEN_SWEEP_CONCURRENCY,
    reconcileEveryMs: e.POOLWARDEN_RECONCILE_MINUTES * 60_000,
  };
};
