import type { NoticeOf } from '../notice';
import type { MessageDraft } from './draft';
import { formatDuration } from './format';
import { clusterLabel, endedHead, endedPhrase, failureQuote, jobContext, statusEmoji } from './jobLines';
import type { RenderContext } from './renderContext';

/** A job ended and left no warm pool (none was asked for, or SageMaker did not say yet). */
export const jobEndedDraft = (notice: NoticeOf<'job-ended'>, ctx: RenderContext): MessageDraft => {
  const { job } = notice;
  const keepAlive = job.keepAliveSeconds ?? 0;
  const quote = failureQuote(job);
  return {
    kind: notice.kind,
    job: job.name,
    summary: endedPhrase(job),
    emoji: statusEmoji(job),
    headline: `*${endedHead(job)}*`,
    details: [
      ...(quote ? [quote] : []),
      keepAlive > 0
        ? `${clusterLabel(job)} · keep-alive of ${formatDuration(keepAlive)} requested`
        : `${clusterLabel(job)} · no warm pool kept (no keep-alive requested)`,
    ],
    context: jobContext(job, ctx.recipient),
    buttons: [],
    emailActions: [],
  };
};
