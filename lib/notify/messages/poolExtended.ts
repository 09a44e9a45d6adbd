import type { NoticeOf } from '../notice';
import { decidedByContext, decisionDetails } from './decisionLines';
import type { MessageDraft } from './draft';
import { formatDuration, formatTime } from './format';
import { jobContext } from './jobLines';
import { code } from './mrkdwn';
import { keepUntilEndOfDayButton, stopButton } from './poolButtons';
import type { RenderContext } from './renderContext';

/** A policy (or a person) kept the pool longer. */
export const poolExtendedDraft = (notice: NoticeOf<'pool-extended'>, ctx: RenderContext): MessageDraft => {
  const { job, decision } = notice;
  const until = formatTime(notice.expiresAtMs, ctx.recipient.timeZone, ctx.nowMs);
  const gained =
    notice.previousExpiresAtMs !== undefined && notice.expiresAtMs > notice.previousExpiresAtMs
      ? ` (+${formatDuration((notice.expiresAtMs - notice.previousExpiresAtMs) / 1000)})`
      : '';
  return {
    kind: notice.kind,
    job: job.name,
    summary: decision.dryRun
      ? `Dry run: would extend the warm pool of ${job.name} until ${until}`
      : `Warm pool of ${job.name} extended until ${until} (${decision.policy})`,
    emoji: decision.dryRun ? ':test_tube:' : ':arrows_counterclockwise:',
    headline: decision.dryRun
      ? `*Dry run:* would extend the warm pool of ${code(job.name)} until *${until}*${gained}`
      : `*Warm pool of ${code(job.name)} extended* until *${until}*${gained}`,
    details: [decisionDetails(decision)],
    context: [decidedByContext(decision), ...jobContext(job, ctx.recipient)],
    buttons: decision.dryRun ? [] : [keepUntilEndOfDayButton(job.name), stopButton(job.name)],
    emailActions: [],
  };
};
