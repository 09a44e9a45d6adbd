import type { PendingAction } from './jobRecord';

/** Whether a policy asked for the action, rather than a person (a Slack click, an operator). */
export const isPolicyIntent = (intent: PendingAction): boolean => intent.actor.startsWith('policy:');
