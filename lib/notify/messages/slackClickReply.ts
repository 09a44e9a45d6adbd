import { LABELS, type SlackClickResult } from '../../app/slackClick/handleSlackClick';
import type { JobRecord } from '../../domain/jobRecord';
import type { PoolButtonClick } from '../../events/slackInteraction';
import type { SlackReply } from '../slackReplies';
import { formatTime } from './format';
import { code } from './mrkdwn';
import { actionDoneReply, ephemeralReply } from './slackActionReplies';

const actorMention = (actor: string) => actor.replace(/^slack:(\w+)$/, '<@$1>');

/** Why there is nothing to act on: the pool is in use, reused, gone, or never was. */
const notAvailableReason = (record: JobRecord, timeZone: string, nowMs: number): string => {
  const pool = record.pool;
  const job = code(record.name);
  if (!pool) return `${job} kept no warm pool`;
  const when = (ms: number | undefined) =>
    ms === undefined ? '' : ` (seen ${formatTime(ms, timeZone, nowMs)})`;
  switch (pool.status) {
    case 'InUse':
      return `the warm pool of ${job} is in use by a running job`;
    case 'Reused':
      return `the warm pool of ${job} was already reused${pool.reusedByJob ? ` by ${code(pool.reusedByJob)}` : ''}${when(pool.observedAtMs)}: act on the message about that job`;
    case 'Terminated':
      return `the warm pool of ${job} has already ended${pool.stoppedBy ? `, stopped by ${actorMention(pool.stoppedBy)}` : ''}${when(pool.observedAtMs)}`;
    case 'Available':
      return `the warm pool of ${job} is Available`;
  }
};

/**
 * The answer to one click: the message the button was on, replaced to say who did what; or,
 * for a refusal or a repeat, a line only the clicking user sees.
 */
export const slackClickReply = (
  result: SlackClickResult,
  click: PoolButtonClick,
  timeZone: string,
): SlackReply => {
  const label = LABELS[result.button];
  const refusal = (reason: string) => ephemeralReply(`${label}: ${reason}. Nothing was changed.`);
  switch (result.kind) {
    case 'unknown-job':
      return refusal(`poolwarden has no record of ${code(result.job)}`);
    case 'unauthorized':
    case 'refused':
      return refusal(result.reason);
    case 'not-available':
      return refusal(notAvailableReason(result.record, timeZone, result.nowMs));
    case 'failed':
      return refusal(`SageMaker refused: ${result.error}; try again`);
    case 'pending':
      return ephemeralReply(`${label}: ${result.reason}.`);
    case 'duplicate': {
      const done = result.decision;
      return ephemeralReply(
        `${label}: already done from this message by ${actorMention(done.actor)} at ${formatTime(done.atMs, timeZone, result.nowMs)} (${done.outcome}). Nothing more was changed.`,
      );
    }
    case 'acted': {
      const extended = result.results.find((r) => r.decision.action === 'extend')?.decision.endsAtMs;
      const heldUntil = result.results.find((r) => r.decision.action === 'hold')?.decision.endsAtMs;
      return actionDoneReply(
        {
          button: result.button,
          userId: click.userId,
          job: result.job,
          dryRun: result.dryRun,
          ...(extended !== undefined ? { expiresAtMs: extended } : {}),
          ...(extended !== undefined && result.previousExpiresAtMs !== undefined
            ? { previousExpiresAtMs: result.previousExpiresAtMs }
            : {}),
          ...(heldUntil !== undefined ? { heldUntilMs: heldUntil } : {}),
          reason: result.reason,
          nowMs: result.nowMs,
          timeZone,
        },
        click.message,
      );
    }
  }
};
