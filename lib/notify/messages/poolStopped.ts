import type { NoticeOf } from '../notice';
import { decidedByContext, decisionDetails } from './decisionLines';
import type { MessageDraft } from './draft';
import { formatDuration } from './format';
import { jobContext } from './jobLines';
import { code } from './mrkdwn';
import type { RenderContext } from './renderContext';

/** A policy (or a person) released the pool; nothing to click, it cannot be undone. */
export const poolStoppedDraft = (notice: NoticeOf<'pool-stopped'>, ctx: RenderContext): MessageDraft => {
  const { job, decision } = notice;
  const idle =
    notice.availableSinceMs === undefined
      ? []
      : [
          `It had been idle for ${formatDuration(((notice.stoppedAtMs ?? ctx.nowMs) - notice.availableSinceMs) / 1000)}.`,
        ];
  return {
    kind: notice.kind,
    job: job.name,
    summary: decision.dryRun
      ? `Dry run: would stop the warm pool of ${job.name}`
      : `Warm pool of ${job.name} stopped (${decision.policy})`,
    emoji: decision.dryRun ? ':test_tube:' : ':octagonal_sign:',
    headline: decision.dryRun
      ? `*Dry run:* would stop the warm pool of ${code(job.name)}`
      : `*Warm pool of ${code(job.name)} stopped*`,
    details: [
      decisionDetails(decision),
      [...idle, decision.dryRun ? 'The pool is still warm.' : 'The next matching job will start cold.'].join(
        ' ',
      ),
    ],
    context: [decidedByContext(decision), ...jobContext(job, ctx.recipient)],
    buttons: [],
    emailActions: [],
  };
};
