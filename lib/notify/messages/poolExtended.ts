import type { NoticeOf } from '../notice';
import { decidedByContext, decisionDetails } from './decisionLines';
import type { MessageDraft } from './draft';
import { formatDuration, formatTime } from './format';
import { jobContext } from './jobLines';
import { code } from './mrkdwn';
import { extendButton, keepUntilEndOfDayButton, stopButton } from './poolButtons';
import type { RenderContext } from './renderContext';

/** A policy (or a person) kept the pool longer, or held its auto-stop off. */
export const poolExtendedDraft = (notice: NoticeOf<'pool-extended'>, ctx: RenderContext): MessageDraft =>
  notice.heldUntilMs !== undefined
    ? poolHeldDraft(notice, notice.heldUntilMs, ctx)
    : extendedDraft(notice, ctx);

/**
 * A hold moves no end: the owner is told until when auto-stop waits and, when the keep-alive
 * ends the pool before that, when it still ends (an Extend moves that).
 */
const poolHeldDraft = (
  notice: NoticeOf<'pool-extended'>,
  heldUntilMs: number,
  ctx: RenderContext,
): MessageDraft => {
  const { job, decision } = notice;
  const held = formatTime(heldUntilMs, ctx.recipient.timeZone, ctx.nowMs);
  const ends = formatTime(notice.expiresAtMs, ctx.recipient.timeZone, ctx.nowMs);
  const still = notice.expiresAtMs < heldUntilMs ? `; its keep-alive still ends it at *${ends}*` : '';
  return {
    kind: notice.kind,
    job: job.name,
    summary: decision.dryRun
      ? `Dry run: would hold off auto-stop of the warm pool of ${job.name} until ${held}`
      : `Auto-stop of the warm pool of ${job.name} held off until ${held} (${decision.policy})`,
    emoji: decision.dryRun ? ':test_tube:' : ':pause_button:',
    headline: decision.dryRun
      ? `*Dry run:* would hold off auto-stop of the warm pool of ${code(job.name)} until *${held}*${still}`
      : `*Auto-stop held off* for the warm pool of ${code(job.name)} until *${held}*${still}`,
    details: [decisionDetails(decision)],
    context: [decidedByContext(decision), ...jobContext(job, ctx.recipient)],
    buttons: decision.dryRun ? [] : [extendButton(job.name), stopButton(job.name)],
    emailActions: [],
  };
};

const extendedDraft = (notice: NoticeOf<'pool-extended'>, ctx: RenderContext): MessageDraft => {
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
