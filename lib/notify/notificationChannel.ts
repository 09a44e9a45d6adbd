import type { ChannelName, Envelope } from './envelope';
import type { RenderedMessage } from './messages/draft';
import type { Recipient } from './recipient';

/** One way of reaching people (Slack, email). Delivery retries and dead letters are the notifier's. */
export interface NotificationChannel {
  readonly name: ChannelName;
  /** What this channel would send for the message, or undefined when it has nowhere to send it. */
  address(message: RenderedMessage, recipient: Recipient): Envelope | undefined;
  /** One attempt. Throws a DeliveryError saying whether a retry may help; never a secret in it. */
  send(envelope: Envelope): Promise<void>;
}
