import * as z from 'zod';
import type { ActionsBlock, ButtonElement } from './blockKit';
import { mrkdwn, plain } from './blockKit';
import { code } from './mrkdwn';

/**
 * The buttons on pool messages. The action ids and the value are a contract with the Slack
 * actions handler: keep them stable, messages already sent still carry them.
 */
export const POOL_ACTION_IDS = {
  extend: 'pool.extend',
  stop: 'pool.stop',
  keepUntilEndOfDay: 'pool.keep_until_eod',
  snooze: 'pool.snooze',
} as const;
export type PoolActionId = (typeof POOL_ACTION_IDS)[keyof typeof POOL_ACTION_IDS];

/**
 * What a button acts on: `job` is the job holding the warm pool (act on it), `hop` names the
 * pool hop the message was about, which is that same job's turn holding the pool.
 */
export interface PoolActionValue {
  readonly job: string;
  readonly hop: string;
}

const poolActionValue = z.object({ job: z.string().min(1).max(63), hop: z.string().min(1).max(200) });

export const encodePoolActionValue = (value: PoolActionValue): string =>
  JSON.stringify({ job: value.job, hop: value.hop });

/** For the Slack actions handler: the value of a clicked button, or undefined when it is not one of ours. */
export const parsePoolActionValue = (raw: string): PoolActionValue | undefined => {
  try {
    const parsed = poolActionValue.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const valueFor = (job: string): string => encodePoolActionValue({ job, hop: job });

export const extendButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.extend,
  text: plain('Extend'),
  value: valueFor(job),
  style: 'primary',
});

export const keepUntilEndOfDayButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.keepUntilEndOfDay,
  text: plain('Keep until end of day'),
  value: valueFor(job),
});

export const snoozeButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.snooze,
  text: plain('Snooze'),
  value: valueFor(job),
});

/** Stopping cannot be undone and makes the next job start cold: ask first. */
export const stopButton = (job: string): ButtonElement => ({
  type: 'button',
  action_id: POOL_ACTION_IDS.stop,
  text: plain('Stop'),
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
