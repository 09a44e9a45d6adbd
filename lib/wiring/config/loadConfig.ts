import * as z from 'zod/mini';
import { DEFAULT_CATCH_UP_EVERY_MS } from '../../domain/catchUpEvery';
import { DEFAULT_END_WATCH } from '../../domain/endWatch';
import { ACCOUNT_PATTERN, type JobLocation, REGION_PATTERN } from '../../domain/jobLocation';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../domain/keepAlive';
import { DEFAULT_OWNER_TAG_KEYS } from '../../domain/owner';
import { isTimeZone } from '../../domain/timeZone';
import { DEFAULT_TIME_ZONE_TAG_KEYS } from '../../notify/recipient';
import { DEFAULT_RETRY_POLICY, deliveryWorstCaseMs } from '../../notify/retry';
import { isLoopbackUrl } from '../../notify/slackSecrets';
import { failTransform } from '../../schema/zodMini';
import type { PoolwardenConfig, SlackActionsConfig, SlackConfig } from './config';
import { ConfigError, type Environment } from './configError';
import { flag, listVariable, optional, ssmParameterName, switchVariable, wholeNumber } from './variables';

/** A delivery must fit in the 30 s Lambda with room left to record its outcome. */
const DELIVERY_TIME_LIMIT_MS = 25_000;

const seconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.nonnegative()), fallback);

/** Secret values are checked for shape only: no message ever repeats them. */
const webhookUrl = z.string().check(
  z.refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === 'https:' || isLoopbackUrl(url);
    } catch {
      return false;
    }
  }, 'must be an https URL (http only on loopback)'),
);
const botToken = z.string().check(z.regex(/^xox[bp]-/, 'must be a Slack bot token (xoxb-…)'));

/** `123456789012/us-east-1,210987654321/eu-west-1`: each item an account id and a region. */
const memberLocations = z.pipe(
  listVariable([]),
  z.transform((items, ctx): JobLocation[] => {
    const locations: JobLocation[] = [];
    for (const item of items) {
      const [account = '', region = '', ...rest] = item.split('/');
      if (rest.length > 0 || !ACCOUNT_PATTERN.test(account) || !REGION_PATTERN.test(region)) {
        ctx.issues.push({
          code: 'custom',
          message: `"${item}" must be a 12-digit account id and a region, such as 123456789012/us-east-1`,
          input: items,
        });
        continue;
      }
      if (!locations.some((l) => l.account === account && l.region === region))
        locations.push({ account, region });
    }
    return locations;
  }),
);

/** Every variable poolwarden reads (serverless.yml and the README document them). */
const environment = z
  .object({
    POOLWARDEN_TABLE: z.string().check(z.minLength(3, 'must name the ledger table')),
    POOLWARDEN_KEEP_ALIVE_CAP_SECONDS: seconds(DEFAULT_KEEP_ALIVE_LIMITS.perCallCapSeconds).check(
      z.refine((s) => s <= 21_600, 'SageMaker allows at most 21600 seconds per call'),
    ),
    POOLWARDEN_POOL_LIFETIME_CAP_SECONDS: seconds(DEFAULT_KEEP_ALIVE_LIMITS.lifetimeCapSeconds),
    POOLWARDEN_DESCRIBE_CONCURRENCY: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(50)),
      5,
    ),
    // A warm start presumes the job took its first candidate pool and the next reconcile's
    // listing confirms it (domain/reusePresumption.ts); false describes the candidates instead.
    POOLWARDEN_PRESUME_REUSE: switchVariable(true),
    // What rides in the Available-pool index beside the pools (adapters/dynamo/byExpiryRiders.ts).
    POOLWARDEN_LEDGER_RIDERS: z._default(
      z.enum(['off', 'write', 'on'], { message: 'must be off, write or on' }),
      'on',
    ),
    POOLWARDEN_OWNER_TAG_KEYS: listVariable(DEFAULT_OWNER_TAG_KEYS.owner),
    POOLWARDEN_TEAM_TAG_KEYS: listVariable(DEFAULT_OWNER_TAG_KEYS.team),
    POOLWARDEN_EMAIL_TAG_KEYS: listVariable(DEFAULT_OWNER_TAG_KEYS.email),
    POOLWARDEN_SLACK_CHANNEL_TAG_KEYS: listVariable(DEFAULT_OWNER_TAG_KEYS.slackChannel),
    POOLWARDEN_SLACK_USER_TAG_KEYS: listVariable(DEFAULT_OWNER_TAG_KEYS.slackUser),

    POOLWARDEN_HOME_ACCOUNT: optional(
      z.string().check(z.regex(ACCOUNT_PATTERN, 'must be a 12-digit AWS account id')),
    ),
    POOLWARDEN_HOME_REGION: optional(
      z.string().check(z.regex(REGION_PATTERN, 'must be an AWS region such as eu-west-1')),
    ),
    // Lambda sets it; the home region defaults to it.
    AWS_REGION: optional(z.string()),
    POOLWARDEN_SPOKE_ROLE_NAME: z._default(
      z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')),
      'poolwarden-spoke',
    ),
    POOLWARDEN_SPOKE_EXTERNAL_ID: optional(
      z.string().check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 letters, digits or +=,.@:/-')),
    ),
    POOLWARDEN_MEMBER_LOCATIONS: memberLocations,

    POOLWARDEN_KILL_SWITCH: switchVariable(false),
    POOLWARDEN_KILL_SWITCH_PARAM: optional(ssmParameterName('/poolwarden/prod/kill-switch')),
    POOLWARDEN_POLICY_PARAM: optional(ssmParameterName('/poolwarden/prod/policy')),
    POOLWARDEN_SWEEP_CONCURRENCY: z._default(
      z.coerce.number().check(z.int(), z.minimum(1), z.maximum(32)),
      4,
    ),
    // The sweep's wakes (serverless.yml sets all three): the schedule group, the sweep's ARN, the Scheduler's role.
    POOLWARDEN_WAKE_GROUP: optional(
      z.string().check(z.regex(/^[0-9a-zA-Z-_.]{1,64}$/, 'must be an EventBridge Scheduler group name')),
    ),
    POOLWARDEN_WAKE_FUNCTION_ARN: optional(
      z.string().check(z.regex(/^arn:[\w-]+:lambda:/, 'must be a Lambda function ARN')),
    ),
    POOLWARDEN_WAKE_ROLE_ARN: optional(
      z.string().check(z.regex(/^arn:[\w-]+:iam::/, 'must be an IAM role ARN')),
    ),
    POOLWARDEN_RECONCILE_MINUTES: z._default(z.coerce.number().check(z.positive(), z.maximum(1440)), 15),
    // While reconciles find nothing the events missed, the period doubles up to this
    // (domain/reconcilePeriod.ts); absent: 60, or the base period if that is longer.
    POOLWARDEN_RECONCILE_MAX_MINUTES: optional(z.coerce.number().check(z.positive(), z.maximum(1440))),
    // ... and on up to this while no running job's pool would idle $25 over the period; absent:
    // 240, or POOLWARDEN_RECONCILE_MAX_MINUTES when that is set (a fixed period stays fixed).
    POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES: optional(z.coerce.number().check(z.positive(), z.maximum(1440))),
    // Every reconcile lists the Available pools of the recent hours (reconcileWindow.ts says why);
    // this is how often the listing reaches back over the whole 28-day window.
    POOLWARDEN_FULL_RECONCILE_HOURS: z._default(z.coerce.number().check(z.positive(), z.maximum(168)), 168),
    // The end watch (domain/endWatch.ts): jobs whose pools cost at least this per hour idle are
    // described around their expected end; `off` (the default) watches none.
    POOLWARDEN_END_WATCH_USD_PER_HOUR: z.pipe(
      z.optional(z.string()),
      z.transform((v, ctx) => {
        if (v === undefined || v === '') return DEFAULT_END_WATCH.minUsdPerHour;
        if (v.trim().toLowerCase() === 'off') return Number.POSITIVE_INFINITY;
        const usd = Number(v);
        if (!Number.isFinite(usd) || usd < 0)
          return failTransform(ctx, 'must be an hourly price in USD (0 or more) or off', v);
        return usd;
      }),
    ),
    // While end events run late, how often a sweep lists what changed within its invocation
    // (app/catchUpListings.ts); `off`: once per invocation.
    POOLWARDEN_CATCH_UP_SECONDS: z.pipe(
      z.optional(z.string()),
      z.transform((v, ctx) => {
        if (v === undefined || v === '') return DEFAULT_CATCH_UP_EVERY_MS / 1000;
        if (v.trim().toLowerCase() === 'off') return null;
        const seconds = Number(v);
        if (!Number.isInteger(seconds) || seconds < 1 || seconds > 30)
          return failTransform(ctx, 'must be a whole number of seconds from 1 to 30, or off', v);
        return seconds;
      }),
    ),
    POOLWARDEN_END_WATCH_MARGIN_SECONDS: wholeNumber(DEFAULT_END_WATCH.marginSeconds, 0, 6 * 3600),
    POOLWARDEN_END_WATCH_DESCRIBES_PER_JOB: wholeNumber(DEFAULT_END_WATCH.maxDescribesPerJob, 1, 1440),

    POOLWARDEN_SLACK_MODE: z._default(
      z.enum(['off', 'webhook', 'bot'], { message: 'must be off, webhook or bot' }),
      'off',
    ),
    POOLWARDEN_SLACK_WEBHOOK_URL_PARAM: optional(ssmParameterName('/poolwarden/slack/webhook-url')),
    POOLWARDEN_SLACK_WEBHOOK_URL: optional(webhookUrl),
    POOLWARDEN_SLACK_BOT_TOKEN_PARAM: optional(ssmParameterName('/poolwarden/slack/bot-token')),
    POOLWARDEN_SLACK_BOT_TOKEN: optional(botToken),
    POOLWARDEN_SLACK_DEFAULT_CHANNEL: optional(
      z.string().check(z.regex(/^[#\w-]+$/, 'must be a channel id or name')),
    ),
    POOLWARDEN_SLACK_DM_BY_EMAIL: flag(true),
    POOLWARDEN_SLACK_API_URL: optional(
      z
        .url({ message: 'must be a URL' })
        .check(z.refine((u) => u.endsWith('/'), 'must end with / (e.g. https://slack.com/api/)')),
    ),
    POOLWARDEN_NOTIFY_TOPIC_ARN: optional(
      z.string().check(z.regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/, 'must be an SNS topic ARN')),
    ),
    POOLWARDEN_NOTIFY_DEFAULT_OWNER: z._default(
      z.string().check(z.regex(/^[^\s]{1,256}$/, 'must be one word')),
      'unowned',
    ),
    POOLWARDEN_NOTIFY_TIMEZONE: z._default(
      z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')),
      'UTC',
    ),
    POOLWARDEN_TIMEZONE_TAG_KEYS: listVariable(DEFAULT_TIME_ZONE_TAG_KEYS),
    POOLWARDEN_NOTIFY_EXPIRY_WARNING_SECONDS: wholeNumber(900, 0, 24 * 3600),
    POOLWARDEN_NOTIFY_MAX_ATTEMPTS: wholeNumber(DEFAULT_RETRY_POLICY.maxAttempts, 1, 6),
    POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS: wholeNumber(4_000, 200, 10_000),
    POOLWARDEN_NOTIFY_RETRY_BUDGET_MS: wholeNumber(DEFAULT_RETRY_POLICY.waitBudgetMs, 0, 20_000),
    // Longer than the 30 s Lambda, so no live sender is overtaken; shorter than Lambda's first
    // async retry (about a minute), so the retry of a sender that timed out sends the message.
    POOLWARDEN_NOTIFY_LEASE_SECONDS: wholeNumber(45, 35, 3600),
    POOLWARDEN_NOTIFY_RETENTION_DAYS: wholeNumber(35, 1, 3650),
    POOLWARDEN_NOTIFY_CONCURRENCY: wholeNumber(4, 1, 20),

    POOLWARDEN_SLACK_SIGNING_SECRET_PARAM: optional(
      ssmParameterName('/poolwarden/prod/slack-signing-secret'),
    ),
    POOLWARDEN_SLACK_SIGNING_SECRET: optional(z.string()),
    POOLWARDEN_SLACK_ADMINS: z
      .pipe(
        z.optional(z.string()),
        z.transform((s) =>
          (s ?? '')
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
        ),
      )
      .check(
        z.refine((ids) => ids.every((id) => /^[UW][A-Z0-9]{2,20}$/.test(id)), {
          message: 'must be Slack user ids (U…/W…) separated by commas',
        }),
      ),
    POOLWARDEN_SLACK_SNOOZE_SECONDS: z._default(
      z.coerce
        .number({ message: 'must be a number' })
        .check(z.int(), z.minimum(60, 'must be at least 60'), z.maximum(24 * 3600, 'must be at most 86400')),
      3600,
    ),
    POOLWARDEN_SLACK_NOTIFY_BUDGET_MS: z._default(
      z.coerce.number().check(z.int(), z.minimum(0), z.maximum(2000)),
      1200,
    ),
    POOLWARDEN_SLACK_REPLY_TIMEOUT_MS: z._default(
      z.coerce.number().check(z.int(), z.minimum(100), z.maximum(2500)),
      1000,
    ),
    POOLWARDEN_SLACK_LOOPBACK_REPLIES: flag(false),
  })
  .check(
    z.superRefine((e, ctx) => {
      const problem = (path: string, message: string) =>
        ctx.addIssue({ code: 'custom', path: [path], message });
      if (
        e.POOLWARDEN_SLACK_MODE === 'webhook' &&
        !e.POOLWARDEN_SLACK_WEBHOOK_URL_PARAM &&
        !e.POOLWARDEN_SLACK_WEBHOOK_URL
      ) {
        problem(
          'POOLWARDEN_SLACK_WEBHOOK_URL_PARAM',
          'Slack webhook mode needs the SSM parameter holding the webhook URL',
        );
      }
      if (e.POOLWARDEN_SLACK_MODE === 'bot') {
        if (!e.POOLWARDEN_SLACK_BOT_TOKEN_PARAM && !e.POOLWARDEN_SLACK_BOT_TOKEN) {
          problem(
            'POOLWARDEN_SLACK_BOT_TOKEN_PARAM',
            'Slack bot mode needs the SSM parameter holding the bot token',
          );
        }
        if (!e.POOLWARDEN_SLACK_DEFAULT_CHANNEL) {
          problem(
            'POOLWARDEN_SLACK_DEFAULT_CHANNEL',
            'Slack bot mode needs a channel for jobs that name no owner',
          );
        }
      }
      const wakeSettings = [
        e.POOLWARDEN_WAKE_GROUP,
        e.POOLWARDEN_WAKE_FUNCTION_ARN,
        e.POOLWARDEN_WAKE_ROLE_ARN,
      ];
      if (wakeSettings.some((v) => v !== undefined) && wakeSettings.some((v) => v === undefined)) {
        problem(
          'POOLWARDEN_WAKE_GROUP',
          'the sweep wakes need POOLWARDEN_WAKE_GROUP, POOLWARDEN_WAKE_FUNCTION_ARN and POOLWARDEN_WAKE_ROLE_ARN together',
        );
      }
      if (
        e.POOLWARDEN_RECONCILE_MAX_MINUTES !== undefined &&
        e.POOLWARDEN_RECONCILE_MAX_MINUTES < e.POOLWARDEN_RECONCILE_MINUTES
      ) {
        problem(
          'POOLWARDEN_RECONCILE_MAX_MINUTES',
          `is ${e.POOLWARDEN_RECONCILE_MAX_MINUTES}; it must be at least POOLWARDEN_RECONCILE_MINUTES (${e.POOLWARDEN_RECONCILE_MINUTES})`,
        );
      }
      const longest = longestReconcileMinutes(e);
      if (
        e.POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES !== undefined &&
        e.POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES < longest
      ) {
        problem(
          'POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES',
          `is ${e.POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES}; it must be at least POOLWARDEN_RECONCILE_MAX_MINUTES (${longest})`,
        );
      }
      const worstCase = deliveryWorstCaseMs(
        { maxAttempts: e.POOLWARDEN_NOTIFY_MAX_ATTEMPTS, waitBudgetMs: e.POOLWARDEN_NOTIFY_RETRY_BUDGET_MS },
        e.POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS,
      );
      if (worstCase > DELIVERY_TIME_LIMIT_MS) {
        problem(
          'POOLWARDEN_NOTIFY_RETRY_BUDGET_MS',
          `attempts × attempt timeout + retry budget is ${worstCase} ms; keep it under ${DELIVERY_TIME_LIMIT_MS} ms to fit a 30 s Lambda`,
        );
      }
    }),
  );

type Variables = z.infer<typeof environment>;

/** How long quiet reconciles stretch the period when POOLWARDEN_RECONCILE_MAX_MINUTES is not set. */
const DEFAULT_LONGEST_RECONCILE_MINUTES = 60;

/** ... and while no running job's pool would be dear idle, when neither maximum is set. */
const DEFAULT_IDLE_LONGEST_RECONCILE_MINUTES = 240;

const longestReconcileMinutes = (e: Variables): number =>
  e.POOLWARDEN_RECONCILE_MAX_MINUTES ??
  Math.max(DEFAULT_LONGEST_RECONCILE_MINUTES, e.POOLWARDEN_RECONCILE_MINUTES);

const slackOf = (e: Variables): SlackConfig => {
  switch (e.POOLWARDEN_SLACK_MODE) {
    case 'off':
      return { mode: 'off' };
    case 'webhook':
      return {
        mode: 'webhook',
        ...(e.POOLWARDEN_SLACK_WEBHOOK_URL_PARAM
          ? { webhookUrlParameter: e.POOLWARDEN_SLACK_WEBHOOK_URL_PARAM }
          : {}),
      };
    case 'bot':
      return {
        mode: 'bot',
        defaultChannel: e.POOLWARDEN_SLACK_DEFAULT_CHANNEL ?? '',
        dmByEmail: e.POOLWARDEN_SLACK_DM_BY_EMAIL,
        ...(e.POOLWARDEN_SLACK_BOT_TOKEN_PARAM
          ? { botTokenParameter: e.POOLWARDEN_SLACK_BOT_TOKEN_PARAM }
          : {}),
        ...(e.POOLWARDEN_SLACK_API_URL ? { apiUrl: e.POOLWARDEN_SLACK_API_URL } : {}),
      };
  }
};

const slackActionsOf = (e: Variables): SlackActionsConfig => ({
  ...(e.POOLWARDEN_SLACK_SIGNING_SECRET_PARAM
    ? { signingSecretParameter: e.POOLWARDEN_SLACK_SIGNING_SECRET_PARAM }
    : {}),
  localSigningSecret: e.POOLWARDEN_SLACK_SIGNING_SECRET !== undefined,
  admins: new Set(e.POOLWARDEN_SLACK_ADMINS),
  snoozeSeconds: e.POOLWARDEN_SLACK_SNOOZE_SECONDS,
  notifyBudgetMs: e.POOLWARDEN_SLACK_NOTIFY_BUDGET_MS,
  replyTimeoutMs: e.POOLWARDEN_SLACK_REPLY_TIMEOUT_MS,
  loopbackReplies: e.POOLWARDEN_SLACK_LOOPBACK_REPLIES,
});

/**
 * The one configuration, from the environment: every problem is named at once, as one
 * ConfigError, and no secret value is ever repeated in a message.
 */
export const loadConfig = (env: Environment): PoolwardenConfig => {
  const result = environment.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = result.data;
  return {
    core: {
      tableName: e.POOLWARDEN_TABLE,
      limits: {
        perCallCapSeconds: e.POOLWARDEN_KEEP_ALIVE_CAP_SECONDS,
        lifetimeCapSeconds: e.POOLWARDEN_POOL_LIFETIME_CAP_SECONDS,
      },
      describeConcurrency: e.POOLWARDEN_DESCRIBE_CONCURRENCY,
      presumeReuse: e.POOLWARDEN_PRESUME_REUSE,
      ledgerRiders: e.POOLWARDEN_LEDGER_RIDERS,
      tagKeys: {
        owner: e.POOLWARDEN_OWNER_TAG_KEYS,
        team: e.POOLWARDEN_TEAM_TAG_KEYS,
        email: e.POOLWARDEN_EMAIL_TAG_KEYS,
        slackChannel: e.POOLWARDEN_SLACK_CHANNEL_TAG_KEYS,
        slackUser: e.POOLWARDEN_SLACK_USER_TAG_KEYS,
      },
      ...(e.POOLWARDEN_HOME_ACCOUNT
        ? {
            home: {
              account: e.POOLWARDEN_HOME_ACCOUNT,
              region: e.POOLWARDEN_HOME_REGION ?? e.AWS_REGION ?? 'us-east-1',
            },
          }
        : {}),
    },
    spokes: {
      roleName: e.POOLWARDEN_SPOKE_ROLE_NAME,
      ...(e.POOLWARDEN_SPOKE_EXTERNAL_ID ? { externalId: e.POOLWARDEN_SPOKE_EXTERNAL_ID } : {}),
      members: e.POOLWARDEN_MEMBER_LOCATIONS,
    },
    policy: {
      killSwitch: e.POOLWARDEN_KILL_SWITCH,
      ...(e.POOLWARDEN_KILL_SWITCH_PARAM ? { killSwitchParam: e.POOLWARDEN_KILL_SWITCH_PARAM } : {}),
      ...(e.POOLWARDEN_POLICY_PARAM ? { policyParam: e.POOLWARDEN_POLICY_PARAM } : {}),
      sweepConcurrency: e.POOLWARDEN_SWEEP_CONCURRENCY,
      reconcileEveryMs: e.POOLWARDEN_RECONCILE_MINUTES * 60_000,
      longestReconcileEveryMs: longestReconcileMinutes(e) * 60_000,
      idleLongestReconcileEveryMs:
        (e.POOLWARDEN_RECONCILE_IDLE_MAX_MINUTES ??
          (e.POOLWARDEN_RECONCILE_MAX_MINUTES !== undefined
            ? longestReconcileMinutes(e)
            : Math.max(DEFAULT_IDLE_LONGEST_RECONCILE_MINUTES, longestReconcileMinutes(e)))) * 60_000,
      fullReconcileEveryMs: e.POOLWARDEN_FULL_RECONCILE_HOURS * 3_600_000,
      ...(e.POOLWARDEN_WAKE_GROUP && e.POOLWARDEN_WAKE_FUNCTION_ARN && e.POOLWARDEN_WAKE_ROLE_ARN
        ? {
            wakes: {
              group: e.POOLWARDEN_WAKE_GROUP,
              functionArn: e.POOLWARDEN_WAKE_FUNCTION_ARN,
              roleArn: e.POOLWARDEN_WAKE_ROLE_ARN,
            },
          }
        : {}),
      ...(e.POOLWARDEN_CATCH_UP_SECONDS !== null
        ? { catchUpEveryMs: e.POOLWARDEN_CATCH_UP_SECONDS * 1000 }
        : {}),
      endWatch: {
        minUsdPerHour: e.POOLWARDEN_END_WATCH_USD_PER_HOUR,
        marginSeconds: e.POOLWARDEN_END_WATCH_MARGIN_SECONDS,
        maxDescribesPerJob: e.POOLWARDEN_END_WATCH_DESCRIBES_PER_JOB,
      },
    },
    notify: {
      slack: slackOf(e),
      ...(e.POOLWARDEN_NOTIFY_TOPIC_ARN ? { email: { topicArn: e.POOLWARDEN_NOTIFY_TOPIC_ARN } } : {}),
      defaultOwner: e.POOLWARDEN_NOTIFY_DEFAULT_OWNER,
      defaultTimeZone: e.POOLWARDEN_NOTIFY_TIMEZONE,
      timeZoneTagKeys: e.POOLWARDEN_TIMEZONE_TAG_KEYS,
      expiryWarningLeadSeconds: e.POOLWARDEN_NOTIFY_EXPIRY_WARNING_SECONDS,
      retry: {
        ...DEFAULT_RETRY_POLICY,
        maxAttempts: e.POOLWARDEN_NOTIFY_MAX_ATTEMPTS,
        waitBudgetMs: e.POOLWARDEN_NOTIFY_RETRY_BUDGET_MS,
      },
      attemptTimeoutMs: e.POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS,
      leaseSeconds: e.POOLWARDEN_NOTIFY_LEASE_SECONDS,
      retentionDays: e.POOLWARDEN_NOTIFY_RETENTION_DAYS,
      concurrency: e.POOLWARDEN_NOTIFY_CONCURRENCY,
    },
    slackActions: slackActionsOf(e),
  };
};

/** A configuration or the error that stops it, for callers that must not throw (a module's import). */
export type ConfigResult =
  | { readonly ok: true; readonly config: PoolwardenConfig }
  | { readonly ok: false; readonly error: unknown };

export const readConfig = (env: Environment): ConfigResult => {
  try {
    return { ok: true, config: loadConfig(env) };
  } catch (error) {
    return { ok: false, error };
  }
};

/** The Slack actions endpoint cannot verify a click without its signing secret. */
export const requireSigningSecret = (config: SlackActionsConfig): void => {
  if (!config.signingSecretParameter && !config.localSigningSecret) {
    throw new ConfigError([
      'POOLWARDEN_SLACK_SIGNING_SECRET_PARAM: the Slack actions endpoint needs the SSM parameter holding the signing secret',
    ]);
  }
};
