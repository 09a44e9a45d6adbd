import type { PoolButtonClick } from '../../events/slackInteraction';
import type { DecisionLog, DecisionRecord } from '../../ports/decisionLog';

/**
 * The key under which a click is recorded once. Slack sends the same `action_ts` when it
 * delivers one click again, and a button lives on one message (`channel` + `message_ts`, which
 * stay the same when the message is replaced): keying by message and button makes a double
 * click, a re-delivery and a second person clicking the same button on the same message act
 * once. The replaced message drops its buttons; later messages bring new ones.
 */
export const slackDedupeKey = (click: PoolButtonClick): string =>
  `slack#${click.channelId ?? '-'}#${click.messageTs ?? click.actionTs}#${click.actionId}`;

export type ClickClaim =
  | { readonly kind: 'first'; readonly dedupeKey: string }
  | { readonly kind: 'done-before'; readonly decision: DecisionRecord };

/**
 * Step 2: claim the click. The same click again is answered with what the first one did; a
 * click whose action SageMaker refused, or did not answer in time, while the pool was still
 * Available may be tried again,
 * under a key of its own.
 */
export const claimClick = async (
  decisions: DecisionLog,
  job: string,
  click: PoolButtonClick,
): Promise<ClickClaim> => {
  const baseKey = slackDedupeKey(click);
  const earlier = (await decisions.decisionsOf(job)).filter(
    (d) => d.dedupeKey === baseKey || d.dedupeKey.startsWith(`${baseKey}#retry`),
  );
  const done = earlier.find((d) => d.outcome !== 'failed' && d.outcome !== 'unknown');
  if (done) return { kind: 'done-before', decision: done };
  return { kind: 'first', dedupeKey: earlier.length === 0 ? baseKey : `${baseKey}#retry${earlier.length}` };
};
