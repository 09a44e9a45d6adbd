import type { SlackBlock } from './messages/blockKit';

/**
 * An answer to a Slack interaction through its `response_url`: replace the message the button
 * was on (everyone in the conversation sees who did what), or tell the clicking user alone.
 */
export interface SlackReply {
  readonly text: string;
  /** The message's own blocks as Slack sent them, kept when replacing, plus poolwarden's. */
  readonly blocks?: readonly (SlackBlock | Readonly<Record<string, unknown>>)[];
  /** true: replaces the message the button was on; false: a new message. */
  readonly replaceOriginal: boolean;
  /** Only the clicking user sees it (refusals). */
  readonly ephemeral: boolean;
}

export interface SlackReplies {
  /** Posts the reply; throws when Slack (or the URL) refuses it. */
  reply(responseUrl: string, reply: SlackReply): Promise<void>;
}
