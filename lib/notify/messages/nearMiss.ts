import type { NoticeOf } from '../notice';
import { criterionLabel, differenceList } from './criteria';
import type { MessageDraft } from './draft';
import { jobContext, releaseCommand } from './jobLines';
import { code } from './mrkdwn';
import { stopButton } from './poolButtons';
import type { RenderContext } from './renderContext';

/**
 * A job started cold while its owner had a warm pool that differs in a few criteria: say
 * which, so the next job matches. The pool is still billed, hence the Stop button for it.
 */
export const nearMissDraft = (notice: NoticeOf<'near-miss'>, ctx: RenderContext): MessageDraft => {
  const { job, nearMiss } = notice;
  const pool = nearMiss.poolOf;
  const fields = nearMiss.differences.map((d) => criterionLabel(d.field)).join(', ');
  return {
    kind: notice.kind,
    job: job.name,
    summary: `${job.name} started cold: the warm pool of ${pool} differs in ${fields}`,
    emoji: ':warning:',
    headline: `*${code(job.name)} started cold*: the warm pool of ${code(pool)} was available but differs in`,
    details: [
      differenceList(nearMiss.differences),
      `Match these next time to start in seconds instead of minutes. The pool of ${code(pool)} is still warm and billed: stop it if nothing else will use it.`,
    ],
    context: jobContext(job, ctx.recipient),
    buttons: [stopButton(pool)],
    emailActions: [releaseCommand(pool)],
  };
};
