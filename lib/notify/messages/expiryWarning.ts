import type { NoticeOf } from '../notice';
import { decidedByContext, decisionDetails } from './decisionLines';
import type { MessageDraft } from './draft';
import { formatDuration, formatTime } from './format';
import { clusterLabel, jobContext, releaseCommand } from './jobLines';
import { code } from './mrkdwn';
import { extendButton, keepUntilEndOfDayButton, snoozeButton, stopButton } from './poolButtons';
import type { RenderContext } from './renderContext';

/** The pool ends soon (its keep-alive runs out, or a policy will stop it): the owner's last chance to keep it. */
export const expiryWarningDraft = (notice: NoticeOf<'expiry-warning'>, ctx: RenderContext): MessageDraft => {
  const { job } = notice;
  const zone = ctx.recipient.timeZone;
  const at = formatTime(notice.expiresAtMs, zone, ctx.nowMs);
  const left = formatDuration((notice.expiresAtMs - ctx.nowMs) / 1000);
  const idle =
    notice.availableSinceMs === undefined
      ? ''
      : ` · idle since ${formatTime(notice.availableSinceMs, zone, ctx.nowMs)} (${formatDuration((ctx.nowMs - notice.availableSinceMs) / 1000)})`;
  return {
    kind: notice.kind,
    job: job.name,
    summary: `Warm pool of ${job.name} ends in ${left} (${at})`,
    emoji: ':hourglass_flowing_sand:',
    headline: `*Warm pool of ${code(job.name)} ends in ${left}* (${at})`,
    details: [`${clusterLabel(job)}${idle}`, ...(notice.decision ? [decisionDetails(notice.decision)] : [])],
    context: [
      ...(notice.decision ? [decidedByContext(notice.decision)] : []),
      ...jobContext(job, ctx.recipient),
    ],
    buttons: [
      extendButton(job.name),
      keepUntilEndOfDayButton(job.name),
      snoozeButton(job.name),
      stopButton(job.name),
    ],
    emailActions: [releaseCommand(job.name)],
  };
};
