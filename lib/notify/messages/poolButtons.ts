import { LABELS } from '../../app/slackClick/handleSlackClick';
import { encodePoolActionValue, POOL_ACTION_IDS } from '../../events/poolActions';
import type { ActionsBlock, ButtonElement } from './blockKit';
import { mrkdwn, plain } from './blockKit';
import { code } from './mrkdwn';

/** The buttons on pool messages; their ids and value are the contract in lib/events/poolActions.ts. */
const valueFor = (job: string): string => encodePoolActionValue({ job, hop: job });

export const extendButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.extend,
  text: plain(LABELS.extend),
  value: valueFor(job),
  style: 'primary',
});

export const keepUntilEndOfDayButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.keepUntilEndOfDay,
  text: plain(LABELS['keep-until-end-of-day']),
  value: valueFor(job),
});

export const snoozeButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.snooze,
  text: plain(LABELS.snooze),
  value: valueFor(job),
});

/** Stopping cannot be undone and makes the next job start cold: ask first. */
export const stopButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.stop,
  text: plain(LABELS.stop),
  value: valueFor(job),
  style: 'danger',
  confirm: {
    title: plain('Stop the warm pool?'),
    text: mrkdwn(`The warm pool of ${code(job)} will be released; the next matching job starts cold.`),
    confirm: plain('Stop it'),
    deny: plain('Keep it'),
    style: 'danger',
  },
});

export const actionsBlock = (kind: string, buttons: readonly ButtonElement[]): ActionsBlock => ({
  type: 'actions',
  block_id: `poolwarden.${kind}`,
  elements: buttons,
});
