import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { elsewhereOf } from '../../domain/jobLocation';
import { type DeliveryError, permanentFailure, transientFailure } from '../../notify/deliveryError';
import type { EmailEnvelope, Envelope } from '../../notify/envelope';
import type { RenderedMessage } from '../../notify/messages/draft';
import type { NotificationChannel } from '../../notify/notificationChannel';
import type { Recipient } from '../../notify/recipient';
import { type AttemptLimit, attemptLimitOf } from '../attemptLimit';

export interface SnsEmailOptions {
  readonly topicArn: string;
  /** The `owner` attribute for jobs without an owner tag. */
  readonly defaultOwner: string;
  /** How long one attempt may take, its connect and its request together. */
  readonly attemptTimeoutMs: number;
  /** Each attempt's limit; by default `attemptTimeoutMs` from the attempt's start. */
  readonly attemptLimit?: AttemptLimit;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'KMSThrottlingException',
]);

/** SDK errors carry the HTTP status in $metadata; without one, the request never got an answer (timeout, network). */
export const snsFailure = (error: unknown): DeliveryError => {
  if (!(error instanceof Error)) return permanentFailure(`SNS: ${String(error)}`);
  const status: unknown =
    '$metadata' in error && typeof error.$metadata === 'object' && error.$metadata !== null
      ? Reflect.get(error.$metadata, 'httpStatusCode')
      : undefined;
  const text = `SNS ${error.name}${typeof status === 'number' ? ` (HTTP ${status})` : ''}: ${error.message}`;
  if (THROTTLING.has(error.name)) return transientFailure(text);
  if (typeof status !== 'number') return transientFailure(text);
  return status >= 500 ? transientFailure(text) : permanentFailure(text);
};

/**
 * Email through one SNS topic. Each person subscribes with a filter policy on the message
 * attributes, e.g. {"owner": ["alice"]} or {"team": ["vision"], "kind": ["pool-stopped"]},
 * and receives only their own. Jobs that name no owner carry the default owner: ops
 * subscribe to that. The client's timeouts are each connect's and each request's; the attempt's
 * limit (attemptLimit.ts) ends the whole Publish.
 */
export class SnsEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly attemptLimit: AttemptLimit;

  constructor(
    private readonly client: SNSClient,
    private readonly options: SnsEmailOptions,
  ) {
    this.attemptLimit = options.attemptLimit ?? attemptLimitOf(options.attemptTimeoutMs);
  }

  address(message: RenderedMessage, recipient: Recipient): EmailEnvelope {
    const elsewhere = elsewhereOf(message.job);
    return {
      channel: 'email',
      subject: message.email.subject,
      body: message.email.body,
      attributes: {
        owner: recipient.owner ?? this.options.defaultOwner,
        kind: message.kind,
        job: message.job,
        ...(recipient.team ? { team: recipient.team } : {}),
        ...(recipient.email ? { email: recipient.email } : {}),
        // A pool of another account: subscribers may filter on it ({"account": ["111122223333"]}).
        ...(elsewhere ? { account: elsewhere.location.account, region: elsewhere.location.region } : {}),
      },
    };
  }

  async send(envelope: Envelope): Promise<void> {
    if (envelope.channel !== 'email') throw permanentFailure(`not an email: ${envelope.channel}`);
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.options.topicArn,
          Subject: envelope.subject,
          Message: envelope.body,
          MessageAttributes: Object.fromEntries(
            Object.entries(envelope.attributes).map(([name, value]) => [
              name,
              { DataType: 'String', StringValue: value },
            ]),
          ),
        }),
        { abortSignal: this.attemptLimit() },
      );
    } catch (error) {
      throw snsFailure(error);
    }
  }
}
