import type { ActionResult } from '../app/applyPoolAction';
import { followUpReply } from './messages/followUpReply';
import type { SlackReplies } from './slackReplies';

/**
 * The outcome of an action finished on behalf of an invocation that gave up on it, posted
 * where the person who asked waits (a click's response_url); nothing when nobody waits.
 */
export const tellAsker = async (
  replies: SlackReplies,
  result: ActionResult,
  timeZone: string,
  nowMs: number,
): Promise<void> => {
  if (!result.replyTo) return;
  await replies.reply(result.replyTo, followUpReply(result.decision, timeZone, nowMs));
};
