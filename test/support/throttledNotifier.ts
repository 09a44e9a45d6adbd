import { MemoryNotificationLog } from '../../lib/adapters/memory/memoryNotificationLog';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { Envelope } from '../../lib/notify/envelope';
import type { NotificationChannel } from '../../lib/notify/notificationChannel';
import { Notifier } from '../../lib/notify/notifier';
import type { Clock } from '../../lib/ports/clock';
import { silentTelemetry } from '../../lib/ports/telemetry';

/**
 * A notifier to one Slack channel whose notification log refuses its first `throttles` claims
 * (DynamoDB throttling), sending without retry waits; `sent` holds what reached the channel.
 */
export const throttledNotifier = (clock: Clock, throttles = 1) => {
  const sent: Envelope[] = [];
  const slack: NotificationChannel = {
    name: 'slack',
    address: (message, recipient) => ({
      channel: 'slack',
      to: { via: 'channel', channel: recipient.owner ?? 'default' },
      text: message.text,
      blocks: [],
    }),
    send: async (envelope) => void sent.push(envelope),
  };
  const log = new MemoryNotificationLog();
  const claim = log.claim.bind(log);
  let left = throttles;
  log.claim = async (...args) => {
    if (left-- > 0)
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
        name: 'ThrottlingException',
      });
    return claim(...args);
  };
  const notifier = new Notifier({
    log,
    channels: [slack],
    recipients: { tagKeys: DEFAULT_OWNER_TAG_KEYS, timeZoneTagKeys: ['timezone'], defaultTimeZone: 'UTC' },
    clock,
    telemetry: silentTelemetry,
    retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, waitBudgetMs: 0 },
    leaseMs: 45_000,
  });
  return { notifier, sent };
};
