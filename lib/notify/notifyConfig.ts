import * as z from 'zod';
import { type Environment, envList, parseEnvironment } from '../config';
import { DEFAULT_TIME_ZONE_TAG_KEYS, isTimeZone } from './recipient';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import { isLoopbackUrl } from './slackSecrets';

export type SlackConfig =
  | { readonly mode: 'off' }
  | {
      readonly mode: 'webhook';
      /** SSM SecureString holding the webhook URL; absent when a local run gives the URL in the environment. */
      readonly webhookUrlParameter?: string;
    }
  | {
      readonly mode: 'bot';
      readonly botTokenParameter?: string;
      /** Where messages for jobs that name no one go. */
      readonly defaultChannel: string;
      /** Look owners' DMs up from their email tag (users.lookupByEmail, scope users:read.email). */
      readonly dmByEmail: boolean;
      /** Another Web API base URL, e.g. the local Slack sink. */
      readonly apiUrl?: string;
    };

export interface NotifyConfig {
  readonly slack: SlackConfig;
  /** Email through one SNS topic; absent when email is off. */
  readonly email?: { readonly topicArn: string };
  /** The `owner` attribute of emails about jobs without an owner tag: ops subscribe to it. */
  readonly defaultOwner: string;
  readonly defaultTimeZone: string;
  readonly timeZoneTagKeys: readonly string[];
  readonly expiryWarningLeadSeconds: number;
  readonly retry: RetryPolicy;
  /** One HTTP attempt's limit, for Slack and SNS alike. */
  readonly attemptTimeoutMs: number;
  readonly leaseSeconds: number;
  /** How long notice items stay in the ledger table (TTL); dead letters stay until replayed. */
  readonly retentionDays: number;
  readonly concurrency: number;
}

/** A delivery must fit in the 30 s Lambda with room left to record its outcome. */
const DELIVERY_TIME_LIMIT_MS = 25_000;

const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : v === 'true' || v === '1'));
const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);
const list = envList;
const ssmName = z
  .string()
  .regex(/^\/[\w./-]+$/, 'must be an SSM parameter name such as /poolwarden/slack/webhook-url');
const optional = (schema: z.ZodType<string>) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** Secret values are checked for shape only: no message ever repeats them. */
const webhookUrl = z.string().refine((v) => {
  try {
    const url = new URL(v);
    return url.protocol === 'https:' || isLoopbackUrl(url);
  } catch {
    return false;
  }
}, 'must be an https URL (http only on loopback)');
const botToken = z.string().regex(/^xox[bp]-/, 'must be a Slack bot token (xoxb-…)');

const environment = z
  .object({
    POOLWARDEN_SLACK_MODE: z
      .enum(['off', 'webhook', 'bot'], { message: 'must be off, webhook or bot' })
      .default('off'),
    POOLWARDEN_SLACK_WEBHOOK_URL_PARAM: optional(ssmName),
    POOLWARDEN_SLACK_WEBHOOK_URL: optional(webhookUrl),
    POOLWARDEN_SLACK_BOT_TOKEN_PARAM: optional(ssmName),
    POOLWARDEN_SLACK_BOT_TOKEN: optional(botToken),
    POOLWARDEN_SLACK_DEFAULT_CHANNEL: optional(z.string().regex(/^[#\w-]+$/, 'must be a channel id or name')),
    POOLWARDEN_SLACK_DM_BY_EMAIL: flag(true),
    POOLWARDEN_SLACK_API_URL: optional(
      z
        .url({ message: 'must be a URL' })
        .refine((u) => u.endsWith('/'), 'must end with / (e.g. https://slack.com/api/)'),
    ),
    POOLWARDEN_NOTIFY_TOPIC_ARN: optional(
      z.string().regex(/^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]{1,256}$/, 'must be an SNS topic ARN'),
    ),
    POOLWARDEN_NOTIFY_DEFAULT_OWNER: z
      .string()
      .regex(/^[^\s]{1,256}$/, 'must be one word')
      .default('unowned'),
    POOLWARDEN_NOTIFY_TIMEZONE: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Paris')
      .default('UTC'),
    POOLWARDEN_TIMEZONE_TAG_KEYS: list(DEFAULT_TIME_ZONE_TAG_KEYS),
    POOLWARDEN_NOTIFY_EXPIRY_WARNING_SECONDS: int(900, 0, 24 * 3600),
    POOLWARDEN_NOTIFY_MAX_ATTEMPTS: int(DEFAULT_RETRY_POLICY.maxAttempts, 1, 6),
    POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS: int(4_000, 200, 10_000),
    POOLWARDEN_NOTIFY_RETRY_BUDGET_MS: int(DEFAULT_RETRY_POLICY.waitBudgetMs, 0, 20_000),
    // Longer than the 30 s Lambda, so no live sender is overtaken; shorter than Lambda's first
    // async retry (about a minute), so the retry of a sender that timed out sends the message.
    POOLWARDEN_NOTIFY_LEASE_SECONDS: int(45, 35, 3600),
    POOLWARDEN_NOTIFY_RETENTION_DAYS: int(35, 1, 3650),
    POOLWARDEN_NOTIFY_CONCURRENCY: int(4, 1, 20),
  })
  .superRefine((e, ctx) => {
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
    const worstCase =
      e.POOLWARDEN_NOTIFY_MAX_ATTEMPTS * e.POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS +
      e.POOLWARDEN_NOTIFY_RETRY_BUDGET_MS;
    if (worstCase > DELIVERY_TIME_LIMIT_MS) {
      problem(
        'POOLWARDEN_NOTIFY_RETRY_BUDGET_MS',
        `attempts × attempt timeout + retry budget is ${worstCase} ms; keep it under ${DELIVERY_TIME_LIMIT_MS} ms to fit a 30 s Lambda`,
      );
    }
  });

/** Validated at cold start: every problem is named at once, and no secret value is ever repeated. */
export const loadNotifyConfig = (env: Environment): NotifyConfig => {
  const e = parseEnvironment(environment, env);
  const slack: SlackConfig =
    e.POOLWARDEN_SLACK_MODE === 'webhook'
      ? {
          mode: 'webhook',
          ...(e.POOLWARDEN_SLACK_WEBHOOK_URL_PARAM
            ? { webhookUrlParameter: e.POOLWARDEN_SLACK_WEBHOOK_URL_PARAM }
            : {}),
        }
      : e.POOLWARDEN_SLACK_MODE === 'bot'
        ? {
            mode: 'bot',
            defaultChannel: e.POOLWARDEN_SLACK_DEFAULT_CHANNEL ?? '',
            dmByEmail: e.POOLWARDEN_SLACK_DM_BY_EMAIL,
            ...(e.POOLWARDEN_SLACK_BOT_TOKEN_PARAM
              ? { botTokenParameter: e.POOLWARDEN_SLACK_BOT_TOKEN_PARAM }
              : {}),
            ...(e.POOLWARDEN_SLACK_API_URL ? { apiUrl: e.POOLWARDEN_SLACK_API_URL } : {}),
          }
        : { mode: 'off' };
  return {
    slack,
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
  };
};
