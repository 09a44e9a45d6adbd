import type { NoticeOf } from '../notice';
import { criteriaList } from './criteria';
import type { MessageDraft } from './draft';
import { formatDuration, formatRelative, formatTime } from './format';
import { clusterLabel, endedLine, jobContext, releaseCommand } from './jobLines';
import { extendButton, keepUntilEndOfDayButton, stopButton } from './poolButtons';
import type { RenderContext } from './renderContext';

/**
 * A job ended and SageMaker kept its cluster warm: until when, and what a new job must match
 * to start on it. Also tells the job's end, so no separate "job ended" message is sent.
 */
export const poolAvailableDraft = (notice: NoticeOf<'pool-available'>, ctx: RenderContext): MessageDraft => {
  const { job } = notice;
  const until = formatTime(notice.expiresAtMs, ctx.recipient.timeZone, ctx.nowMs);
  const inHowLong = formatRelative(notice.expiresAtMs, ctx.nowMs);
  const keptFor = notice.keepAliveSeconds ?? job.keepAliveSeconds;
  return {
    kind: notice.kind,
    job: job.name,
    summary: `Warm pool of ${job.name} available until ${until} (${inHowLong})`,
    emoji: ':large_green_circle:',
    headline: `*Warm pool available* until *${until}* (${inHowLong})`,
    details: [
      endedLine(job),
      `${clusterLabel(job)} kept warm${keptFor ? ` for ${formatDuration(keptFor)}` : ''}, billed while idle.`,
      `*To reuse it*, start a job that matches exactly:\n${criteriaList(job.criteria)}\n_The image, code and data may differ. Give the new job a keep-alive to pass the pool on._`,
    ],
    context: jobContext(job, ctx.recipient),
    buttons: [extendButton(job.name), keepUntilEndOfDayButton(job.name), stopButton(job.name)],
    emailActions: [releaseCommand(job.name)],
  };
};
