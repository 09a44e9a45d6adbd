import type { DecisionRecord } from '../../ports/decisionLog';
import type { SlackReply } from '../slackReplies';
import { section } from './blockKit';
import { formatTime } from './format';
import { code } from './mrkdwn';

const actorMention = (actor: string) => actor.replace(/^slack:(\w+)$/, '<@$1>');

/**
 * The outcome of a click that SageMaker did not answer in time, posted through the click's
 * response_url once the sweep has finished it: a new message in the conversation, since the
 * first answer already told the clicking user it was pending.
 */
export const followUpReply = (decision: DecisionRecord, timeZone: string, nowMs: number): SlackReply => {
  const who = actorMention(decision.actor);
  const pool = `the warm pool of ${code(decision.job)}`;
  const asked = formatTime(decision.atMs, timeZone, nowMs);
  let text: string;
  if (decision.outcome === 'applied' && decision.action === 'stop') {
    text = `:octagonal_sign: Done after all: ${pool} is stopped, as ${who} asked at ${asked}. The next matching job starts cold.`;
  } else if (decision.outcome === 'applied') {
    const until =
      decision.endsAtMs !== undefined ? ` until *${formatTime(decision.endsAtMs, timeZone, nowMs)}*` : '';
    text = `:hourglass_flowing_sand: Done after all: ${pool} is extended${until}, as ${who} asked at ${asked}.`;
  } else {
    const why = decision.error ? `: ${decision.error}` : '';
    text = `:warning: ${who}'s ${decision.action} of ${pool}, asked at ${asked}, was not done${why}. Nothing was changed.`;
  }
  return { text, blocks: [section(text)], replaceOriginal: false, ephemeral: false };
};
