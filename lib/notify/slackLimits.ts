/**
 * What Slack accepts in one message, as Slack documents it: the one place for these figures,
 * used by the message builders (so that nothing is refused) and by the local Slack stand-in
 * (so that it refuses what Slack refuses).
 *
 * Sources: Slack API reference, "Block Kit: blocks" (at most 50 blocks in a message; section
 * text 3,000 characters; header text 150; `block_id` 255; an actions block at most 25
 * elements, a context block at most 10), "Block Kit: block elements" (button text 75, value
 * 2,000, `action_id` 255, unique among a message's elements), "Composition objects"
 * (confirmation dialog title 100, text 300, confirm and deny buttons 30) and chat.postMessage
 * (a `text` is the message's fallback: notifications and screen readers show it; at most
 * 40,000 characters; errors `invalid_blocks`, `msg_blocks_too_long`, `no_text`, `msg_too_long`).
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  /** Each text object of a context block. */
  contextText: 3000,
  headerText: 150,
  blockId: 255,
  actionsElements: 25,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  messageText: 40_000,
} as const;

/** The errors Slack answers with when it refuses a message (chat.postMessage and incoming webhooks). */
export type SlackMessageError = 'invalid_blocks' | 'msg_blocks_too_long' | 'no_text' | 'msg_too_long';
