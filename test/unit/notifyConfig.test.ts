import { describe, expect, it } from 'vitest';
import { redactSecrets, SlackSecretsHolder } from '../../lib/notify/slackSecrets';
import type { NotifyConfig } from '../../lib/wiring/config/config';
import { ConfigError } from '../../lib/wiring/config/configError';
import { loadConfig } from '../../lib/wiring/config/loadConfig';
import { slackSecretsFrom, ssmFetchData } from '../../lib/wiring/ssmParameters';

const WEBHOOK = 'https://hooks.slack.com/services/T123/B456/sEcReTsEcReT';
const TOKEN = 'xoxb-1111-2222-sEcReT';

/** The notification part of the one configuration, with the ledger table every function needs. */
const withTable = (env: Record<string, string>) =>
  loadConfig({ POOLWARDEN_TABLE: 'poolwarden-test-ledger', ...env });
const loadNotifyConfig = (env: Record<string, string>): NotifyConfig => withTable(env).notify;
const slackSsmFetchData = (slack: NotifyConfig['slack']) => {
  const config = withTable({});
  return ssmFetchData({ ...config, notify: { ...config.notify, slack } }, { signingSecret: false });
};

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadNotifyConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  return [];
};

describe('loadNotifyConfig', () => {
  it('has working defaults: no Slack, no email, UTC, warnings 15 min ahead', () => {
    const config = loadNotifyConfig({});
    expect(config.slack).toEqual({ mode: 'off' });
    expect(config.email).toBeUndefined();
    expect(config.defaultTimeZone).toBe('UTC');
    expect(config.timeZoneTagKeys).toEqual(['timezone', 'poolwarden:timezone', 'tz']);
    expect(config.expiryWarningLeadSeconds).toBe(900);
    expect(config.retry.maxAttempts).toBe(3);
  });

  it('reads a bot setup with its SSM parameter and default channel', () => {
    const config = loadNotifyConfig({
      POOLWARDEN_SLACK_MODE: 'bot',
      POOLWARDEN_SLACK_BOT_TOKEN_PARAM: '/poolwarden/prod/slack-bot-token',
      POOLWARDEN_SLACK_DEFAULT_CHANNEL: 'C0PLATFORM',
      POOLWARDEN_SLACK_DM_BY_EMAIL: 'false',
      POOLWARDEN_NOTIFY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:poolwarden-mail',
      POOLWARDEN_NOTIFY_TIMEZONE: 'Europe/Paris',
    });
    expect(config.slack).toEqual({
      mode: 'bot',
      botTokenParameter: '/poolwarden/prod/slack-bot-token',
      defaultChannel: 'C0PLATFORM',
      dmByEmail: false,
    });
    expect(config.email).toEqual({ topicArn: 'arn:aws:sns:eu-west-1:123456789012:poolwarden-mail' });
    expect(slackSsmFetchData(config.slack)).toEqual({ slackBotToken: '/poolwarden/prod/slack-bot-token' });
  });

  it('names every problem at once', () => {
    expect(
      problemsOf({
        POOLWARDEN_SLACK_MODE: 'bot',
        POOLWARDEN_NOTIFY_TIMEZONE: 'Europe/Pariss',
        POOLWARDEN_NOTIFY_TOPIC_ARN: 'poolwarden-mail',
        POOLWARDEN_NOTIFY_MAX_ATTEMPTS: '0',
      }),
    ).toEqual([
      'POOLWARDEN_NOTIFY_TOPIC_ARN: must be an SNS topic ARN',
      'POOLWARDEN_NOTIFY_TIMEZONE: must be an IANA time zone such as Europe/Paris',
      'POOLWARDEN_NOTIFY_MAX_ATTEMPTS: must be at least 1',
      'POOLWARDEN_SLACK_BOT_TOKEN_PARAM: Slack bot mode needs the SSM parameter holding the bot token',
      'POOLWARDEN_SLACK_DEFAULT_CHANNEL: Slack bot mode needs a channel for jobs that name no owner',
    ]);
    expect(problemsOf({ POOLWARDEN_SLACK_MODE: 'webhook' })).toEqual([
      'POOLWARDEN_SLACK_WEBHOOK_URL_PARAM: Slack webhook mode needs the SSM parameter holding the webhook URL',
    ]);
  });

  it('refuses retries that could outlast the Lambda', () => {
    expect(
      problemsOf({
        POOLWARDEN_NOTIFY_ATTEMPT_TIMEOUT_MS: '8000',
        POOLWARDEN_NOTIFY_RETRY_BUDGET_MS: '10000',
      }),
    ).toEqual([
      'POOLWARDEN_NOTIFY_RETRY_BUDGET_MS: attempts × attempt timeout + retry budget is 34000 ms; keep it under 25000 ms to fit a 30 s Lambda',
    ]);
  });

  it('never repeats a secret in its error', () => {
    let message = '';
    try {
      loadNotifyConfig({
        POOLWARDEN_SLACK_MODE: 'webhook',
        POOLWARDEN_SLACK_WEBHOOK_URL: 'http://hooks.slack.com/services/T1/B2/sEcReT',
        POOLWARDEN_SLACK_BOT_TOKEN: 'not-a-token-sEcReT',
      });
    } catch (error) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toContain('POOLWARDEN_SLACK_WEBHOOK_URL: must be an https URL');
    expect(message).toContain('POOLWARDEN_SLACK_BOT_TOKEN: must be a Slack bot token');
    expect(message).not.toContain('sEcReT');
  });
});

describe('Slack secrets', () => {
  it('come from the values @middy/ssm put on the context, else from the environment', () => {
    expect(
      slackSecretsFrom({ slackWebhookUrl: WEBHOOK }, { POOLWARDEN_SLACK_WEBHOOK_URL: 'https://other' }),
    ).toEqual({
      webhookUrl: WEBHOOK,
    });
    expect(slackSecretsFrom({ functionName: 'x' }, { POOLWARDEN_SLACK_BOT_TOKEN: TOKEN })).toEqual({
      botToken: TOKEN,
    });
    expect(slackSecretsFrom(undefined, {})).toEqual({});
  });

  it('do not show when the holder is logged', () => {
    const holder = new SlackSecretsHolder({ webhookUrl: WEBHOOK, botToken: TOKEN });
    expect(JSON.stringify(holder)).toBe('{}');
    expect(holder.get().botToken).toBe(TOKEN);
  });

  it.each([
    ['URL-encoded', 'https%3A%2F%2Fhooks.slack.com%2Fservices%2FT0%2FB0%2Fabc'],
    ['without a scheme', 'hooks.slack.com/services/T0/B0/abc'],
    ['over http', 'http://hooks.slack.com/services/T0/B0/abc'],
    ['in upper case', 'HTTPS://HOOKS.SLACK.COM/SERVICES/T0/B0/ABC'],
    ['a workflow trigger', 'https://hooks.slack.com/triggers/T0/1/abc'],
    ['an app-level token', 'xapp-1-A0-123-abcdef'],
    ['a client token', 'xoxc-123-456-abcdef'],
    ['a refresh token', 'xoxe.xoxp-1-abcdef'],
    ['a bot token in upper case', 'XOXB-1-2-ABC'],
  ])('are redacted when shaped like one: %s', (_shape, secret) => {
    const redacted = redactSecrets(`failed: ${secret}, retrying`, {});
    expect(redacted).toBe('failed: [redacted], retrying');
  });

  it.each([
    ['as is', (s: string) => s],
    ['URL-encoded', encodeURIComponent],
    ['URL-encoded twice', (s: string) => encodeURIComponent(encodeURIComponent(s))],
    ['without its scheme', (s: string) => s.replace('https://', '')],
    ['in upper case', (s: string) => s.toUpperCase()],
  ])('redacts a known secret %s, even one no pattern knows', (_form, spell) => {
    const webhookUrl = 'https://chat.example.com/hook/sEcReT-123456';
    const redacted = redactSecrets(`posting to ${spell(webhookUrl)} failed`, { webhookUrl });
    expect(redacted).not.toMatch(/secret-123456/i);
    expect(redacted).toContain('[redacted]');
  });

  it('are redacted from error texts, known or only shaped like one', () => {
    const text = `fetch failed for ${WEBHOOK} with ${TOKEN}; also https://hooks.slack.com/services/X/Y/Z and xoxp-9-9`;
    const redacted = redactSecrets(text, { webhookUrl: WEBHOOK, botToken: TOKEN });
    expect(redacted).not.toContain('sEcReT');
    expect(redacted).not.toContain('hooks.slack.com');
    expect(redacted).not.toContain('xoxp-9');
    expect(
      redactSecrets('http://127.0.0.1:9/services/T/B/local', {
        webhookUrl: 'http://127.0.0.1:9/services/T/B/local',
      }),
    ).toBe('[redacted]');
  });
});
