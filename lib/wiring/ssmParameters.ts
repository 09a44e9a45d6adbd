import { SSMClient } from '@aws-sdk/client-ssm';
import ssm from '@middy/ssm';
import type { SlackSecrets } from '../notify/slackSecrets';
import type { PoolwardenConfig } from './config/config';
import type { Environment } from './config/configError';

/** How long fetched parameters are reused: a flipped kill switch takes effect within a minute. */
const PARAMETER_CACHE_MS = 60_000;

/** The context keys where @middy/ssm (with `setToContext: true`) puts each parameter it fetched. */
export const CONTEXT_KEYS = {
  policy: 'poolwardenPolicy',
  killSwitch: 'poolwardenKillSwitch',
  slackWebhookUrl: 'slackWebhookUrl',
  slackBotToken: 'slackBotToken',
  slackSigningSecret: 'slackSigningSecret',
} as const;

/** Plain values for local runs only; in AWS use the SSM parameters. */
export const LOCAL_SECRET_ENV = {
  slackWebhookUrl: 'POOLWARDEN_SLACK_WEBHOOK_URL',
  slackBotToken: 'POOLWARDEN_SLACK_BOT_TOKEN',
  slackSigningSecret: 'POOLWARDEN_SLACK_SIGNING_SECRET',
} as const;

/** The SSM parameters a function reads at run time: Slack secrets, the policy, the kill switch. */
export const ssmFetchData = (config: PoolwardenConfig, options: { signingSecret: boolean }) => {
  const { slack } = config.notify;
  const { policy, slackActions } = config;
  const fetch: Record<string, string> = {};
  if (slack.mode === 'webhook' && slack.webhookUrlParameter)
    fetch[CONTEXT_KEYS.slackWebhookUrl] = slack.webhookUrlParameter;
  if (slack.mode === 'bot' && slack.botTokenParameter)
    fetch[CONTEXT_KEYS.slackBotToken] = slack.botTokenParameter;
  if (policy.policyParam) fetch[CONTEXT_KEYS.policy] = policy.policyParam;
  if (policy.killSwitchParam) fetch[CONTEXT_KEYS.killSwitch] = policy.killSwitchParam;
  if (options.signingSecret && slackActions.signingSecretParameter) {
    fetch[CONTEXT_KEYS.slackSigningSecret] = slackActions.signingSecretParameter;
  }
  return fetch;
};

/** What middy put on the context under `key`, as it put it; undefined when there is nothing. */
const contextEntry = (context: unknown, key: string): unknown =>
  typeof context === 'object' && context !== null && key in context ? Reflect.get(context, key) : undefined;

/** A string middy put on the context under `key`, as it is; undefined when there is none. */
export const contextValue = (context: unknown, key: string): string | undefined => {
  const value = contextEntry(context, key);
  return typeof value === 'string' ? value : undefined;
};

/**
 * The policy's text as published in its parameter. @middy/ssm hands over a value that reads as
 * JSON (it starts with `{` or `[`) parsed: such a policy is written back as JSON, which is YAML,
 * so that it is read as published rather than dropped (its errors then point into that text).
 */
export const policyTextFrom = (context: unknown): string | undefined => {
  const value = contextEntry(context, CONTEXT_KEYS.policy);
  if (typeof value === 'string') return value;
  return typeof value === 'object' && value !== null ? JSON.stringify(value, null, 2) : undefined;
};

/** A secret for this invocation: middy's context first, then the environment (local runs). */
const secretFrom = (context: unknown, env: Environment, key: keyof typeof LOCAL_SECRET_ENV) =>
  [contextValue(context, CONTEXT_KEYS[key]), env[LOCAL_SECRET_ENV[key]]]
    .map((v) => v?.trim())
    .find((v) => v !== undefined && v !== '');

export const slackSecretsFrom = (context: unknown, env: Environment): SlackSecrets => {
  const webhookUrl = secretFrom(context, env, 'slackWebhookUrl');
  const botToken = secretFrom(context, env, 'slackBotToken');
  return { ...(webhookUrl ? { webhookUrl } : {}), ...(botToken ? { botToken } : {}) };
};

export const signingSecretFrom = (context: unknown, env: Environment): string | undefined =>
  secretFrom(context, env, 'slackSigningSecret');

/**
 * @middy/ssm, fetching SecureStrings decrypted, cached, onto the context (never into the
 * environment, never logged); undefined when there is nothing to fetch (the local stack).
 */
export const ssmMiddleware = (fetchData: Record<string, string>) =>
  Object.keys(fetchData).length === 0
    ? undefined
    : ssm({
        AwsClient: SSMClient,
        fetchData,
        setToContext: true,
        cacheKey: 'poolwarden-ssm',
        cacheExpiry: PARAMETER_CACHE_MS,
      });
