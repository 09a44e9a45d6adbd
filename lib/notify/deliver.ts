import type { Telemetry } from '../ports/telemetry';
import { type DeliveryError, permanentFailure } from './deliveryError';
import type { Envelope } from './envelope';
import type { NotificationChannel } from './notificationChannel';
import { type RetryPolicy, type RetryTools, withRetry } from './retry';

export interface DeliveryDeps {
  readonly channels: readonly NotificationChannel[];
  readonly retry: RetryPolicy;
  readonly tools: Omit<RetryTools, 'onRetry'>;
  readonly telemetry: Telemetry;
}

export interface FailedDelivery {
  readonly envelope: Envelope;
  readonly error: DeliveryError;
}

export interface DeliveryReport {
  readonly delivered: readonly Envelope[];
  readonly failed: readonly FailedDelivery[];
}

/** Sends each envelope on its channel, all at once (Slack and email do not wait for each other), each with bounded retries. */
export const deliverAll = async (
  envelopes: readonly Envelope[],
  deps: DeliveryDeps,
): Promise<DeliveryReport> => {
  const results = await Promise.all(
    envelopes.map(async (envelope) => {
      const channel = deps.channels.find((c) => c.name === envelope.channel);
      if (!channel) {
        // A dead letter replayed after its channel was switched off.
        return { envelope, error: permanentFailure(`the ${envelope.channel} channel is not configured`) };
      }
      const result = await withRetry(() => channel.send(envelope), deps.retry, {
        ...deps.tools,
        onRetry: (error, attempt, waitMs) => {
          deps.telemetry.warn('retrying a notification', {
            channel: envelope.channel,
            attempt,
            waitMs,
            error: error.message,
          });
          deps.telemetry.count('NotificationRetries');
        },
      });
      return result.ok ? { envelope } : { envelope, error: result.error };
    }),
  );
  const delivered: Envelope[] = [];
  const failed: FailedDelivery[] = [];
  for (const r of results) {
    if (r.error) failed.push({ envelope: r.envelope, error: r.error });
    else delivered.push(r.envelope);
  }
  return { delivered, failed };
};

export const describeFailures = (failed: readonly FailedDelivery[]): string =>
  failed.map((f) => `${f.envelope.channel}: ${f.error.message}`).join('; ');
