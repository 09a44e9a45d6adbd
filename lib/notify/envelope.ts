import type { SlackBlock } from './messages/blockKit';

/**
 * Where a Slack message goes. `email` is resolved to the owner's DM (users.lookupByEmail)
 * only when it is sent, so a dead letter replayed later still reaches the right person.
 */
export type SlackAddress =
  | { readonly via: 'webhook' }
  | { readonly via: 'channel'; readonly channel: string }
  | { readonly via: 'email'; readonly email: string; readonly fallbackChannel: string };

export interface SlackEnvelope {
  readonly channel: 'slack';
  readonly to: SlackAddress;
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

/** One SNS publish: subscribers' filter policies on the attributes pick who receives it. */
export interface EmailEnvelope {
  readonly channel: 'email';
  readonly subject: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * One message addressed on one channel: what a channel sends, and what a dead letter keeps,
 * complete enough to be sent again without the ledger.
 */
export type Envelope = SlackEnvelope | EmailEnvelope;
export type ChannelName = Envelope['channel'];
