import * as z from 'zod';
import { ConfigError } from '../config';

/** The context key @middy/ssm sets for the signing secret (SecureString, never logged). */
export const SIGNING_SECRET_CONTEXT_KEY = 'slackSigningSecret';
/** Plain value for the local stack only; in AWS use the SSM parameter. */
export const SIGNING_SECRET_ENV = 'POOLWARDEN_SLACK_SIGNING_SECRET';

export interface SlackActionsConfig {
  /** SSM SecureString holding the Slack app's signing secret. */
  readonly signingSecretParameter?: string;
  /** Slack user ids who may act on any pool. */
  readonly admins: ReadonlySet<string>;
  readonly snoozeSeconds: number;
  /** How long the answer waits for the owner's notice before answering Slack anyway. */
  readonly notifyBudgetMs: number;
  /** One response_url post's limit. */
  readonly replyTimeoutMs: number;
  /** Answer to http://127.0.0.1 response URLs: the local stack's Slack sink. Never in AWS. */
  readonly loopbackReplies: boolean;
}

const environment = z
  .object({
    POOLWARDEN_SLACK_SIGNING_SECRET_PARAM: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z
        .string()
        .regex(/^\/[\w./-]+$/, 'must be an SSM parameter name such as /poolwarden/prod/slack-signing-secret')
        .optional(),
    ),
    POOLWARDEN_SLACK_SIGNING_SECRET: z.string().optional(),
    POOLWARDEN_SLACK_ADMINS: z
      .string()
      .optional()
      .transform((s) =>
        (s ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean),
      )
      .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]{2,20}$/.test(id)), {
        message: 'must be Slack user ids (U…/W…) separated by commas',
      }),
    POOLWARDEN_SLACK_SNOOZE_SECONDS: z.coerce
      .number({ message: 'must be a number' })
      .int()
      .min(60, 'must be at least 60')
      .max(24 * 3600, 'must be at most 86400')
      .default(3600),
    POOLWARDEN_SLACK_NOTIFY_BUDGET_MS: z.coerce.number().int().min(0).max(2000).default(1200),
    POOLWARDEN_SLACK_REPLY_TIMEOUT_MS: z.coerce.number().int().min(100).max(2500).default(1000),
    POOLWARDEN_SLACK_LOOPBACK_REPLIES: z.enum(['true', 'false']).default('false'),
  })
  .superRefine((e, ctx) => {
    if (!e.POOLWARDEN_SLACK_SIGNING_SECRET_PARAM && !e.POOLWARDEN_SLACK_SIGNING_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['POOLWARDEN_SLACK_SIGNING_SECRET_PARAM'],
        message: 'the Slack actions endpoint needs the SSM parameter holding the signing secret',
      });
    }
  });

/** Validated at cold start; the secret's value is never repeated in a message. */
export const loadSlackActionsConfig = (
  env: Readonly<Record<string, string | undefined>>,
): SlackActionsConfig => {
  const result = environment.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = result.data;
  return {
    ...(e.POOLWARDEN_SLACK_SIGNING_SECRET_PARAM
      ? { signingSecretParameter: e.POOLWARDEN_SLACK_SIGNING_SECRET_PARAM }
      : {}),
    admins: new Set(e.POOLWARDEN_SLACK_ADMINS),
    snoozeSeconds: e.POOLWARDEN_SLACK_SNOOZE_SECONDS,
    notifyBudgetMs: e.POOLWARDEN_SLACK_NOTIFY_BUDGET_MS,
    replyTimeoutMs: e.POOLWARDEN_SLACK_REPLY_TIMEOUT_MS,
    loopbackReplies: e.POOLWARDEN_SLACK_LOOPBACK_REPLIES === 'true',
  };
};

/** `fetchData` for @middy/ssm. */
export const signingSecretFetchData = (config: SlackActionsConfig): Record<string, string> =>
  config.signingSecretParameter ? { [SIGNING_SECRET_CONTEXT_KEY]: config.signingSecretParameter } : {};

/** This invocation's signing secret: middy's context first, then the environment (local runs). */
export const signingSecretFrom = (
  context: object,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined => {
  const fromContext: unknown = Reflect.get(context, SIGNING_SECRET_CONTEXT_KEY);
  if (typeof fromContext === 'string' && fromContext.trim()) return fromContext.trim();
  const fromEnv = env[SIGNING_SECRET_ENV];
  return fromEnv?.trim() ? fromEnv.trim() : undefined;
};
