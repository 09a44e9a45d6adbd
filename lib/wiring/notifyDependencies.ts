import type { FetchFunction } from '@slack/webhook';
import { type ClientTransport, documentClient } from '../adapters/awsClients';
import { DynamoNotificationLog } from '../adapters/dynamo/dynamoNotificationLog';
import { SlackBotChannel } from '../adapters/slack/slackBotChannel';
import { SlackWebhookChannel } from '../adapters/slack/slackWebhookChannel';
import { snsClient } from '../adapters/sns/snsClient';
import { SnsEmailChannel } from '../adapters/sns/snsEmailChannel';
import type { FactReactor } from '../app/factReactor';
import type { Notice } from '../notify/notice';
import type { NotificationChannel } from '../notify/notificationChannel';
import type { NotificationLog } from '../notify/notificationLog';
import { notificationReactor } from '../notify/notificationReactor';
import { Notifier, type SentNotification } from '../notify/notifier';
import type { Sleep } from '../notify/retry';
import { type SlackSecrets, SlackSecretsHolder } from '../notify/slackSecrets';
import type { Clock } from '../ports/clock';
import type { Telemetry } from '../ports/telemetry';
import type { CoreConfig, NotifyConfig } from './config/config';

export interface NotifyWiring {
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  /** Defaults to the ledger table through the real DynamoDB client. */
  readonly log?: NotificationLog;
  /** Secrets known before the first invocation (local runs); in Lambda the handler sets them. */
  readonly initialSecrets?: SlackSecrets;
  readonly onSent?: (sent: SentNotification) => void;
  readonly sleep?: Sleep;
  /** What is left of the invocation a notice is sent in (deliveryDeadline.ts); absent: no end. */
  readonly timeLeftMs?: () => number;
  /** Told each notice of a fact that was neither claimed nor sent, for the container to keep owed. */
  readonly onUnsent?: (notice: Notice) => void;
  /** How the SNS client sends; absent: over HTTPS to its endpoint. */
  readonly snsTransport?: ClientTransport;
  /** How the Slack webhook posts; absent: the global fetch. */
  readonly slackFetch?: FetchFunction;
}

export interface NotifyDependencies {
  readonly notifier: Notifier;
  readonly reactor: FactReactor;
  /** Set on every invocation: `slackSecrets.set(slackSecretsFrom(context, process.env))`. */
  readonly slackSecrets: SlackSecretsHolder;
}

const slackChannel = (
  config: NotifyConfig,
  secrets: SlackSecretsHolder,
  fetch: FetchFunction | undefined,
): NotificationChannel[] => {
  const slack = config.slack;
  const read = () => secrets.get();
  switch (slack.mode) {
    case 'off':
      return [];
    case 'webhook':
      return [
        new SlackWebhookChannel({
          secrets: read,
          attemptTimeoutMs: config.attemptTimeoutMs,
          ...(fetch ? { fetch } : {}),
        }),
      ];
    case 'bot':
      return [
        new SlackBotChannel({
          secrets: read,
          defaultChannel: slack.defaultChannel,
          dmByEmail: slack.dmByEmail,
          attemptTimeoutMs: config.attemptTimeoutMs,
          ...(slack.apiUrl ? { apiUrl: slack.apiUrl } : {}),
        }),
      ];
  }
};

/** Builds the notification path once per container, as part of the Runtime. */
export const notifyDependencies = (
  core: CoreConfig,
  config: NotifyConfig,
  wiring: NotifyWiring,
): NotifyDependencies => {
  const slackSecrets = new SlackSecretsHolder(wiring.initialSecrets);
  const channels: NotificationChannel[] = [
    ...slackChannel(config, slackSecrets, wiring.slackFetch),
    ...(config.email
      ? [
          new SnsEmailChannel(
            snsClient({
              attemptTimeoutMs: config.attemptTimeoutMs,
              ...(wiring.snsTransport ? { transport: wiring.snsTransport } : {}),
            }),
            {
              topicArn: config.email.topicArn,
              defaultOwner: config.defaultOwner,
              attemptTimeoutMs: config.attemptTimeoutMs,
            },
          ),
        ]
      : []),
  ];
  const notifier = new Notifier({
    log:
      wiring.log ??
      new DynamoNotificationLog(documentClient(), core.tableName, { retentionDays: config.retentionDays }),
    channels,
    recipients: {
      tagKeys: core.tagKeys,
      timeZoneTagKeys: config.timeZoneTagKeys,
      defaultTimeZone: config.defaultTimeZone,
    },
    clock: wiring.clock,
    telemetry: wiring.telemetry,
    retry: config.retry,
    leaseMs: config.leaseSeconds * 1000,
    ...(wiring.timeLeftMs
      ? { deadline: { leftMs: wiring.timeLeftMs, attemptTimeoutMs: config.attemptTimeoutMs } }
      : {}),
    ...(wiring.sleep ? { sleep: wiring.sleep } : {}),
    ...(wiring.onSent ? { onSent: wiring.onSent } : {}),
  });
  const reactor = notificationReactor({
    notifier,
    clock: wiring.clock,
    expiryWarningLead: config.expiryWarningLeadSeconds,
    concurrency: config.concurrency,
    ...(wiring.onUnsent ? { onUnsent: wiring.onUnsent } : {}),
  });
  return { notifier, reactor, slackSecrets };
};
