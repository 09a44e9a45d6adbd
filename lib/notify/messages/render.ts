import type { Notice } from '../notice';
import { composeMessage, type RenderedMessage } from './draft';
import { expiryWarningDraft } from './expiryWarning';
import { jobEndedDraft } from './jobEnded';
import { nearMissDraft } from './nearMiss';
import { noPoolDraft } from './noPool';
import { poolAvailableDraft } from './poolAvailable';
import { poolExtendedDraft } from './poolExtended';
import { poolStoppedDraft } from './poolStopped';
import type { RenderContext } from './renderContext';

/** The message for a notice: pure, so the same notice always reads the same. */
export const renderNotice = (notice: Notice, ctx: RenderContext): RenderedMessage => {
  switch (notice.kind) {
    case 'job-ended':
      return composeMessage(jobEndedDraft(notice, ctx));
    case 'pool-available':
      return composeMessage(poolAvailableDraft(notice, ctx));
    case 'expiry-warning':
      return composeMessage(expiryWarningDraft(notice, ctx));
    case 'pool-extended':
      return composeMessage(poolExtendedDraft(notice, ctx));
    case 'pool-stopped':
      return composeMessage(poolStoppedDraft(notice, ctx));
    case 'near-miss':
      return composeMessage(nearMissDraft(notice, ctx));
    case 'no-pool':
      return composeMessage(noPoolDraft(notice, ctx));
  }
};
