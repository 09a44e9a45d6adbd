import type { NoticeOf } from '../notice';
import type { MessageDraft } from './draft';
import { formatDuration } from './format';
import { endedLine, jobContext } from './jobLines';
import { code, escapeMrkdwn, link } from './mrkdwn';
import type { RenderContext } from './renderContext';

const QUOTAS_URL = 'https://console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas';

const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;

/** The job asked for keep-alive and got no pool: why, and for the quota case what to request. */
export const noPoolDraft = (notice: NoticeOf<'no-pool'>, ctx: RenderContext): MessageDraft => {
  const { job, noPool } = notice;
  const asked = job.keepAliveSeconds
    ? ` (keep-alive of ${formatDuration(job.keepAliveSeconds)} requested)`
    : '';
  const quota = noPool.reason === 'no-warm-pool-quota';
  return {
    kind: notice.kind,
    job: job.name,
    summary: quota
      ? `${job.name} got no warm pool: the ${job.criteria.instanceType} warm pool quota is probably 0`
      : `${job.name} got no warm pool`,
    emoji: ':no_entry_sign:',
    headline: `*No warm pool for ${code(job.name)}*${asked}`,
    details: [
      endedLine(job),
      `${escapeMrkdwn(sentence(noPool.detail))}${quota ? `\n${link(QUOTAS_URL, 'Open Service Quotas for SageMaker')}` : ''}`,
    ],
    context: jobContext(job, ctx.recipient),
    buttons: [],
    emailActions: [],
  };
};
