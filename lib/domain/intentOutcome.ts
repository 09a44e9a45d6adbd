import type { JobRecord, PendingAction } from './jobRecord';

/**
 * Whether SageMaker's keep-alive shows an intent carried out. Showing the keep-alive asked proves
 * it only when the pool held another one before: an extend nearly always asks the per-call cap,
 * which is often the job's own value already. A stop's 0 always proves it, since a pool is kept
 * only by a keep-alive above 0.
 */
export const shownCarriedOut = (
  intent: PendingAction,
  head: JobRecord,
  shownKeepAliveSeconds: number | undefined,
): boolean => {
  if (shownKeepAliveSeconds !== intent.keepAliveSeconds) return false;
  if (intent.keepAliveSeconds === 0) return true;
  // An item written before the intent kept it: the ledger's own keep-alive is still the one
  // before, since the write that records the new one also clears the intent.
  const before = intent.previousKeepAliveSeconds ?? head.pool?.keepAliveSeconds;
  return before !== undefined && before !== intent.keepAliveSeconds;
};

/**
 * A person's intent (a Slack click, an operator) is carried out when SageMaker did not take it:
 * it is what they asked for. A policy's is closed instead, and the policy decides afresh from
 * today's setup (a kill switch, a hold or a protect tag set meanwhile).
 */
export const isPolicyIntent = (intent: PendingAction): boolean => intent.actor.startsWith('policy:');
