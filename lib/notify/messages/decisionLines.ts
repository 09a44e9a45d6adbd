import type { PoolDecision } from '../notice';
import { code, escapeMrkdwn } from './mrkdwn';

/** Which policy decided and why, as every decision message shows it. */
export const decisionDetails = (decision: PoolDecision): string =>
  `*Policy:* ${code(decision.policy)}\n*Why:* ${escapeMrkdwn(decision.reason)}`;

export const decidedByContext = (decision: PoolDecision): string =>
  `Decided by ${escapeMrkdwn(decision.decidedBy)}${decision.dryRun ? ' · dry run: nothing was changed' : ''}`;
